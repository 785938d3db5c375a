;; Exports `test:host/api` with `run: func() -> u32`, which calls the host's
;; `host:api/callback.call: func() -> u32` and returns what it returned.
(component
  (import "host:api/callback" (instance $host (export "call" (func (result u32)))))
  (alias export $host "call" (func $call))
  (core func $call-core (canon lower (func $call)))
  (core module $m
    (import "host" "call" (func $call (result i32)))
    (func (export "run") (result i32) (call $call)))
  (core instance $host-core (export "call" (func $call-core)))
  (core instance $i (instantiate $m (with "host" (instance $host-core))))
  (func $run (result u32) (canon lift (core func $i "run")))
  (instance $api (export "run" (func $run)))
  (export "test:host/api" (instance $api)))
