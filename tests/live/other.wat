;; Exports `test:live/api` with `tag` of another type (returning a string), for
;; the changes a binding refuses.
(component
  (core module $m
    (memory (export "memory") 1)
    (data (i32.const 16) "\18\00\00\00\01\00\00\00x")
    (func (export "tag") (result i32) (i32.const 16))
    (func (export "gated") (result i32) (i32.const 0)))
  (core instance $i (instantiate $m))
  (func $tag (result string) (canon lift (core func $i "tag") (memory $i "memory")))
  (func $gated (result u32) (canon lift (core func $i "gated")))
  (instance $api (export "tag" (func $tag)) (export "gated" (func $gated)))
  (export "test:live/api" (instance $api)))
