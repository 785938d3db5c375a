;; sockets/relay_any_map.wat with the socket's functions imported as `async func`s
;; (still lowered without the `async` option, so the consumer blocks on each
;; call), and its own exports typed `async func` too (lifted without the option):
;; Wasmtime traps a sync-typed export that calls an async import ("cannot block
;; a synchronous task before returning"). The socket is linked through a
;; concurrent host function.
(component
  (type $iface (instance
    (type $err (variant (case "lock-rejected") (case "invalid-interface-path" string)
      (case "invalid-function" string) (case "missing-response") (case "runtime-exception" string)
      (case "invalid-argument-list") (case "unsupported-type" string) (case "executor-unavailable")
      (case "resource-table-full") (case "resource-handle-conversion-failed")
      (case "invalid-resource-handle")))
    (export "dispatch-error" (type $e (eq $err)))
    (export "get-value" (func async (result (map string (result u32 (error $e))))))
    (export "trap" (func async (result (map string (result u32 (error $e))))))))
  (import "test:child/root" (instance $child (type $iface)))
  (alias export $child "dispatch-error" (type $e))
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
  (alias export $child "get-value" (func $get-value))
  (alias export $child "trap" (func $trap))
  (core func $get-value-core (canon lower (func $get-value) (memory $memory) (realloc $realloc)))
  (core func $trap-core (canon lower (func $trap) (memory $memory) (realloc $realloc)))
  (core module $m
    (import "child" "get-value" (func $get-value (param i32)))
    (import "child" "trap" (func $trap (param i32)))
    (func (export "relay-get-value") (result i32) (call $get-value (i32.const 64)) (i32.const 64))
    (func (export "relay-trap") (result i32) (call $trap (i32.const 64)) (i32.const 64)))
  (core instance $child-core (export "get-value" (func $get-value-core)) (export "trap" (func $trap-core)))
  (core instance $i (instantiate $m (with "child" (instance $child-core))))
  (func $relay-get-value async (result (map string (result u32 (error $e)))) (canon lift (core func $i "relay-get-value") (memory $memory)))
  (func $relay-trap async (result (map string (result u32 (error $e)))) (canon lift (core func $i "relay-trap") (memory $memory)))
  (instance $relay
    (export "dispatch-error" (type $e))
    (export "relay-get-value" (func $relay-get-value))
    (export "relay-trap" (func $relay-trap)))
  (export "test:relay/root" (instance $relay)))
