;; Implements `test:child/root` with one function renamed: `get-value` is
;; exported as `fetch` (returns 8); `trap` keeps its name.
(component
  (core module $m
    (func (export "get-value") (result i32) i32.const 8)
    (func (export "trap") (result i32) unreachable))
  (core instance $i (instantiate $m))
  (func $get-value (result u32) (canon lift (core func $i "get-value")))
  (func $trap (result u32) (canon lift (core func $i "trap")))
  (instance $root (export "fetch" (func $get-value)) (export "trap" (func $trap)))
  (export "test:child/root" (instance $root)))
