;; Implements `test:counter/api` with `next: func() -> u32`, which counts its
;; calls in the instance. It also exports `next-hundred`, which counts the same
;; calls plus 100, for a remap of `next` to tell apart.
(component
  (core module $m
    (global $count (mut i32) (i32.const 0))
    (func $next (export "next") (result i32)
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (global.get $count))
    (func (export "next-hundred") (result i32)
      (i32.add (call $next) (i32.const 100))))
  (core instance $i (instantiate $m))
  (func $next (result u32) (canon lift (core func $i "next")))
  (func $next-hundred (result u32) (canon lift (core func $i "next-hundred")))
  (instance $api (export "next" (func $next)) (export "next-hundred" (func $next-hundred)))
  (export "test:counter/api" (instance $api)))
