;; Exports `test:child/root` like the sockets' children, but its `get-value`
;; returns a string: a plugin that does not fit a u32 binding.
(component
  (core module $m
    (memory (export "memory") 1)
    (data (i32.const 16) "\18\00\00\00\01\00\00\00s")
    (func (export "get-value") (result i32) i32.const 16)
    (func (export "trap") (result i32) unreachable))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $memory))
  (func $get-value (result string) (canon lift (core func $i "get-value") (memory $memory)))
  (func $trap (result u32) (canon lift (core func $i "trap")))
  (instance $root (export "get-value" (func $get-value)) (export "trap" (func $trap)))
  (export "test:child/root" (instance $root)))
