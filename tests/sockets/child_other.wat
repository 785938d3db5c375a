;; Implements `test:other/root`: `get-value` returns 5, `trap` traps.
(component
  (core module $m
    (func (export "get-value") (result i32) i32.const 5)
    (func (export "trap") (result i32) unreachable))
  (core instance $i (instantiate $m))
  (func $get-value (result u32) (canon lift (core func $i "get-value")))
  (func $trap (result u32) (canon lift (core func $i "trap")))
  (instance $root (export "get-value" (func $get-value)) (export "trap" (func $trap)))
  (export "test:other/root" (instance $root)))
