;; A consumer in the older component text syntax (see greet.wat), with the
;; socket `test:legacy/greet` of cardinality exactly-one. Its lowered import
;; names memory and realloc without `core`, and its lifted export names realloc
;; by a core function's index, `(realloc (func $realloc))`; `relay(name)` passes `name` to the
;; socket's `greet` and returns what the plugin behind it answered, or
;; "(failed)".
(component
  (type $iface (instance
    (type $err (variant (case "lock-rejected") (case "invalid-interface-path" string)
      (case "invalid-function" string) (case "missing-response") (case "runtime-exception" string)
      (case "invalid-argument-list") (case "unsupported-type" string) (case "executor-unavailable")
      (case "resource-table-full") (case "resource-handle-conversion-failed")
      (case "invalid-resource-handle")))
    (export "dispatch-error" (type $e (eq $err)))
    (export "greet" (func (param "name" string) (result (tuple string (result string (error $e))))))))
  (import "test:legacy/greet" (instance $greeter (type $iface)))
  (core module $memory-module
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get 3)))
      (local.get $p)))
  (core instance $mi (instantiate $memory-module))
  (alias core export $mi "realloc" (core func $realloc))
  (alias export $greeter "greet" (func $greet))
  (core func $greet-core
    (canon lower (func $greet) (memory $mi "memory") (realloc (func $mi "realloc"))))
  (core module $m
    (import "mi" "memory" (memory 1))
    (import "greeter" "greet" (func $greet (param i32 i32 i32)))
    (data (i32.const 128) "(failed)")
    ;; The socket's tuple lands at 64: the id's string at 64, the result's case
    ;; at 72, an ok string's (pointer, length) at 76.
    (func (export "relay") (param $ptr i32) (param $len i32) (result i32)
      (call $greet (local.get $ptr) (local.get $len) (i32.const 64))
      (if (result i32) (i32.eqz (i32.load8_u (i32.const 72)))
        (then (i32.const 76))
        (else
          (i32.store (i32.const 32) (i32.const 128))
          (i32.store (i32.const 36) (i32.const 8))
          (i32.const 32)))))
  (core instance $greeter-core (export "greet" (func $greet-core)))
  (core instance $i (instantiate $m (with "mi" (instance $mi)) (with "greeter" (instance $greeter-core))))
  (func $relay (param "name" string) (result string)
    (canon lift (core func $i "relay") (memory $mi "memory") (realloc (func $realloc))))
  (instance $api (export "relay" (func $relay)))
  (export "test:legacy/relay" (instance $api)))
