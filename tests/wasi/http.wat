;; Imports a WASI interface the runtime does not provide (`wasi:http/types@0.2.0`,
;; reduced to one resource and its constructor) and calls it from
;; `probe:http/api.make: func() -> u32`: granted plugins link, and the call traps.
(component
  (import "wasi:http/types@0.2.0" (instance $http
    (export "fields" (type (sub resource)))
    (export "[constructor]fields" (func (result (own 0))))))
  (alias export $http "[constructor]fields" (func $new-fields))
  (core func $new-fields-core (canon lower (func $new-fields)))
  (core module $m
    (import "host" "new-fields" (func $new-fields (result i32)))
    (func (export "make") (result i32) (call $new-fields)))
  (core instance $host (export "new-fields" (func $new-fields-core)))
  (core instance $i (instantiate $m (with "host" (instance $host))))
  (func $make (result u32) (canon lift (core func $i "make")))
  (instance $api (export "make" (func $make)))
  (export "probe:http/api" (instance $api)))
