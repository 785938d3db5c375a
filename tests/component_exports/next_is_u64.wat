;; Exports `test:counter/api` with `next: func() -> u64`, not the u32 of
;; counter.wat.
(component
  (core module $m (func (export "next") (result i64) i64.const 1))
  (core instance $i (instantiate $m))
  (func $next (result u64) (canon lift (core func $i "next")))
  (instance $api (export "next" (func $next)))
  (export "test:counter/api" (instance $api)))
