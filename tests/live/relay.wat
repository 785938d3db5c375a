;; A consumer with the socket `test:live/api` as an `any` binding: its `tag`
;; returns map<string, result<u32, dispatch-error>>. It exports
;; `test:relay/run`, whose `relay-tag` returns exactly what the socket gave it.
(component
  (type $iface (instance
    (type $err (variant (case "lock-rejected") (case "invalid-interface-path" string)
      (case "invalid-function" string) (case "missing-response") (case "runtime-exception" string)
      (case "invalid-argument-list") (case "unsupported-type" string) (case "executor-unavailable")
      (case "resource-table-full") (case "resource-handle-conversion-failed")
      (case "invalid-resource-handle")))
    (export "dispatch-error" (type $e (eq $err)))
    (export "tag" (func (result (map string (result u32 (error $e))))))))
  (import "test:live/api" (instance $api (type $iface)))
  (alias export $api "dispatch-error" (type $e))
  (core module $memory-module
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    ;; Each call starts the heap afresh: the host has copied the last result out.
    (func (export "reset") (global.set $heap (i32.const 1024)))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $heap) (i32.const 65536)) (then unreachable))
      (local.get $p)))
  (core instance $memory-instance (instantiate $memory-module))
  (alias core export $memory-instance "memory" (core memory $memory))
  (alias core export $memory-instance "realloc" (core func $realloc))
  (alias export $api "tag" (func $tag))
  (core func $tag-core (canon lower (func $tag) (memory $memory) (realloc $realloc)))
  (core module $m
    (import "api" "tag" (func $tag (param i32)))
    (import "heap" "reset" (func $reset))
    (func (export "relay-tag") (result i32) (call $reset) (call $tag (i32.const 64)) (i32.const 64)))
  (core instance $api-core (export "tag" (func $tag-core)))
  (core instance $i (instantiate $m (with "api" (instance $api-core))
                                    (with "heap" (instance $memory-instance))))
  (func $relay-tag (result (map string (result u32 (error $e))))
    (canon lift (core func $i "relay-tag") (memory $memory)))
  (instance $relay (export "dispatch-error" (type $e)) (export "relay-tag" (func $relay-tag)))
  (export "test:relay/run" (instance $relay)))
