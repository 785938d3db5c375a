;; A consumer with the socket `test:child/root` whose `ping: func()` it imports
;; as returning tuple<string, result<_, dispatch-error>>. It exports
;; `test:relay/root` with `relay-ping`, returning what the socket gave it.
(component
  (type $iface (instance
    (type $err (variant (case "lock-rejected") (case "invalid-interface-path" string)
      (case "invalid-function" string) (case "missing-response") (case "runtime-exception" string)
      (case "invalid-argument-list") (case "unsupported-type" string) (case "executor-unavailable")
      (case "resource-table-full") (case "resource-handle-conversion-failed")
      (case "invalid-resource-handle")))
    (export "dispatch-error" (type $e (eq $err)))
    (export "ping" (func (result (tuple string (result (error $e))))))))
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
  (alias export $child "ping" (func $ping))
  (core func $ping-core (canon lower (func $ping) (memory $memory) (realloc $realloc)))
  (core module $m
    (import "child" "ping" (func $ping (param i32)))
    (func (export "relay-ping") (result i32) (call $ping (i32.const 64)) (i32.const 64)))
  (core instance $child-core (export "ping" (func $ping-core)))
  (core instance $i (instantiate $m (with "child" (instance $child-core))))
  (func $relay-ping (result (tuple string (result (error $e)))) (canon lift (core func $i "relay-ping") (memory $memory)))
  (instance $relay
    (export "dispatch-error" (type $e))
    (export "relay-ping" (func $relay-ping)))
  (export "test:relay/root" (instance $relay)))
