;; `test:tables/api.count: func() -> u32`: one core instance with three tables
;; of one element each, for caps on a plugin's table count.
(component
  (core module $m
    (table 1 funcref)
    (table 1 funcref)
    (table 1 funcref)
    (func (export "count") (result i32) (i32.const 3)))
  (core instance $i (instantiate $m))
  (func $count (result u32) (canon lift (core func $i "count")))
  (instance $api (export "count" (func $count)))
  (export "test:tables/api" (instance $api)))
