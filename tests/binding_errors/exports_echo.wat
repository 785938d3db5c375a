;; Exports `test:values/echo` with one function, `get: func() -> u32`.
(component
  (core module $m (func (export "get") (result i32) i32.const 1))
  (core instance $i (instantiate $m))
  (func $get (result u32) (canon lift (core func $i "get")))
  (instance $echo (export "get" (func $get)))
  (export "test:values/echo" (instance $echo)))
