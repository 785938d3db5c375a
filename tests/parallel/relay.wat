;; A consumer with the socket `test:parallel/work` as an `any` binding: its
;; `value` and `run` return map<string, result<u32, dispatch-error>>. It exports
;; `test:relay/run`, whose `relay-value` and `relay-run` return exactly what the
;; socket gave it.
(component
  (type $iface (instance
    (type $err (variant (case "lock-rejected") (case "invalid-interface-path" string)
      (case "invalid-function" string) (case "missing-response") (case "runtime-exception" string)
      (case "invalid-argument-list") (case "unsupported-type" string) (case "executor-unavailable")
      (case "resource-table-full") (case "resource-handle-conversion-failed")
      (case "invalid-resource-handle")))
    (export "dispatch-error" (type $e (eq $err)))
    (export "value" (func (result (map string (result u32 (error $e))))))
    (export "run" (func (result (map string (result u32 (error $e))))))))
  (import "test:parallel/work" (instance $work (type $iface)))
  (alias export $work "dispatch-error" (type $e))
  (core module $memory-module
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    ;; Each call's map goes to a fresh place: nothing is freed, and a test makes few calls.
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $memory-instance (instantiate $memory-module))
  (alias core export $memory-instance "memory" (core memory $memory))
  (alias core export $memory-instance "realloc" (core func $realloc))
  (alias export $work "value" (func $value))
  (alias export $work "run" (func $run))
  (core func $value-core (canon lower (func $value) (memory $memory) (realloc $realloc)))
  (core func $run-core (canon lower (func $run) (memory $memory) (realloc $realloc)))
  (core module $m
    (import "work" "value" (func $value (param i32)))
    (import "work" "run" (func $run (param i32)))
    (func (export "relay-value") (result i32) (call $value (i32.const 64)) (i32.const 64))
    (func (export "relay-run") (result i32) (call $run (i32.const 64)) (i32.const 64)))
  (core instance $work-core (export "value" (func $value-core)) (export "run" (func $run-core)))
  (core instance $i (instantiate $m (with "work" (instance $work-core))))
  (func $relay-value (result (map string (result u32 (error $e))))
    (canon lift (core func $i "relay-value") (memory $memory)))
  (func $relay-run (result (map string (result u32 (error $e))))
    (canon lift (core func $i "relay-run") (memory $memory)))
  (instance $relay
    (export "dispatch-error" (type $e))
    (export "relay-value" (func $relay-value))
    (export "relay-run" (func $relay-run)))
  (export "test:relay/run" (instance $relay)))
