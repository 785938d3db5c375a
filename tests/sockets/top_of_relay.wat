;; A consumer one level above a relay: its socket is `test:relay/root`, from which
;; it imports only `relay-get-value`, returning (tuple string (result (tuple string (result u32 (error dispatch-error))) (error dispatch-error))).
;; It exports `test:top/root` with `top-get-value`, returning what it got.
(component
  (type $iface (instance
    (type $err (variant (case "lock-rejected") (case "invalid-interface-path" string)
      (case "invalid-function" string) (case "missing-response") (case "runtime-exception" string)
      (case "invalid-argument-list") (case "unsupported-type" string) (case "executor-unavailable")
      (case "resource-table-full") (case "resource-handle-conversion-failed")
      (case "invalid-resource-handle")))
    (export "dispatch-error" (type $e (eq $err)))
    (export "relay-get-value" (func (result (tuple string (result (tuple string (result u32 (error $e))) (error $e))))))))
  (import "test:relay/root" (instance $relay (type $iface)))
  (alias export $relay "dispatch-error" (type $e))
  (core module $memory-module
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $memory-instance (instantiate $memory-module))
  (alias core export $memory-instance "memory" (core memory $memory))
  (alias core export $memory-instance "realloc" (core func $realloc))
  (alias export $relay "relay-get-value" (func $relay-get-value))
  (core func $relay-get-value-core
    (canon lower (func $relay-get-value) (memory $memory) (realloc $realloc)))
  (core module $m
    (import "relay" "relay-get-value" (func $relay-get-value (param i32)))
    (func (export "top-get-value") (result i32) (call $relay-get-value (i32.const 64)) (i32.const 64)))
  (core instance $relay-core (export "relay-get-value" (func $relay-get-value-core)))
  (core instance $i (instantiate $m (with "relay" (instance $relay-core))))
  (func $top-get-value (result (tuple string (result (tuple string (result u32 (error $e))) (error $e)))) (canon lift (core func $i "top-get-value") (memory $memory)))
  (instance $top
    (export "dispatch-error" (type $e))
    (export "top-get-value" (func $top-get-value)))
  (export "test:top/root" (instance $top)))
