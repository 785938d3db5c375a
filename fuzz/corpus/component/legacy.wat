;; Implements `test:child/root` under old names: the instance is
;; `test:child/legacy-root`, `get-value` is `legacy-get-value` (returns 7) and
;; `trap` is `legacy-trap`.
(component
  (core module $m
    (func (export "get-value") (result i32) i32.const 7)
    (func (export "trap") (result i32) unreachable))
  (core instance $i (instantiate $m))
  (func $get-value (result u32) (canon lift (core func $i "get-value")))
  (func $trap (result u32) (canon lift (core func $i "trap")))
  (instance $root (export "legacy-get-value" (func $get-value)) (export "legacy-trap" (func $trap)))
  (export "test:child/legacy-root" (instance $root)))
