;; Implements `test:child/root` with state: `get-value` counts its calls and
;; returns the count, so callers can tell whether they share one instance.
(component
  (core module $m
    (global $count (mut i32) (i32.const 0))
    (func (export "get-value") (result i32)
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (global.get $count))
    (func (export "trap") (result i32) unreachable))
  (core instance $i (instantiate $m))
  (func $get-value (result u32) (canon lift (core func $i "get-value")))
  (func $trap (result u32) (canon lift (core func $i "trap")))
  (instance $root (export "get-value" (func $get-value)) (export "trap" (func $trap)))
  (export "test:child/root" (instance $root)))
