;; `test:dtor/api.make: func() -> own<r>`: hands out a resource whose destructor
;; never returns. The command prints the result and ends all the same.
(component
  (core module $d (func (export "dtor") (param i32) (loop $forever (br $forever))))
  (core instance $di (instantiate $d))
  (type $r (resource (rep i32) (dtor (core func $di "dtor"))))
  (core func $new (canon resource.new $r))
  (core module $m
    (import "r" "new" (func $new (param i32) (result i32)))
    (func (export "make") (result i32) (call $new (i32.const 7))))
  (core instance $i (instantiate $m (with "r" (instance (export "new" (func $new))))))
  (func $make (result (own $r)) (canon lift (core func $i "make")))
  (instance $api (export "r" (type $r)) (export "make" (func $make)))
  (export "test:dtor/api" (instance $api)))
