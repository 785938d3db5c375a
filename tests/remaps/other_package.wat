;; Implements `test:child/root` as the instance `old:child/root@1.0.0` of another
;; package: `get-value` returns 9.
(component
  (core module $m
    (func (export "get-value") (result i32) i32.const 9)
    (func (export "trap") (result i32) unreachable))
  (core instance $i (instantiate $m))
  (func $get-value (result u32) (canon lift (core func $i "get-value")))
  (func $trap (result u32) (canon lift (core func $i "trap")))
  (instance $root (export "get-value" (func $get-value)) (export "trap" (func $trap)))
  (export "old:child/root@1.0.0" (instance $root)))
