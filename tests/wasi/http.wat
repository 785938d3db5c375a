;; Imports a WASI interface the runtime does not provide (`wasi:http/types@0.2.0`,
;; reduced to a few of its items) and calls it from
;; `probe:http/api.make: func() -> u32`: granted plugins link, and the call traps.
;; As in the real interface, `headers` is an alias of `fields`, and `io-error`
;; is `wasi:io/error`'s resource, which the runtime does provide.
(component
  (import "wasi:io/error@0.2.0" (instance $io
    (export "error" (type (sub resource)))))
  (alias export $io "error" (type $io-error))
  (import "wasi:http/types@0.2.0" (instance $http
    (alias outer 1 $io-error (type $e))
    (export "io-error" (type (eq $e)))
    (export "fields" (type $fields (sub resource)))
    (export "headers" (type (eq $fields)))
    (export "[constructor]fields" (func (result (own $fields))))))
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
