;; Exports `test:child/root` whose `get-value` takes a parameter the sockets'
;; relays do not pass: `get-value: func(scale: u32) -> u32`.
(component
  (core module $m
    (func (export "get-value") (param i32) (result i32) local.get 0)
    (func (export "trap") (result i32) unreachable))
  (core instance $i (instantiate $m))
  (func $get-value (param "scale" u32) (result u32) (canon lift (core func $i "get-value")))
  (func $trap (result u32) (canon lift (core func $i "trap")))
  (instance $root (export "get-value" (func $get-value)) (export "trap" (func $trap)))
  (export "test:child/root" (instance $root)))
