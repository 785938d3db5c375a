;; Implements `test:parallel/work`. The tests give each plugin its own globals:
;;   value: func() -> u32   spins `$spin` loop iterations, traps when `$traps`
;;                          is 1, and returns `$tag`;
;;   run: func() -> u32     returns what the host's `host:api/callback.call`
;;                          returned (the test's callback, which sees the plugin).
(component
  (import "host:api/callback" (instance $host (export "call" (func (result u32)))))
  (alias export $host "call" (func $call))
  (core func $call-core (canon lower (func $call)))
  (core module $m
    (import "host" "call" (func $call (result i32)))
    (global $tag i32 (i32.const 0))
    (global $spin i32 (i32.const 0))
    (global $traps i32 (i32.const 0))
    (func (export "value") (result i32)
      (local $i i32)
      (block $done
        (loop $again
          (br_if $done (i32.ge_u (local.get $i) (global.get $spin)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $again)))
      (if (global.get $traps) (then unreachable))
      (global.get $tag))
    (func (export "run") (result i32) (call $call)))
  (core instance $host-core (export "call" (func $call-core)))
  (core instance $i (instantiate $m (with "host" (instance $host-core))))
  (func $value (result u32) (canon lift (core func $i "value")))
  (func $run (result u32) (canon lift (core func $i "run")))
  (instance $work (export "value" (func $value)) (export "run" (func $run)))
  (export "test:parallel/work" (instance $work)))
