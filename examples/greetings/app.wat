;; The app: its socket `example:greeter/greet` reaches every greeter (an `any`
;; binding, seen as map<string, result<string, dispatch-error>>). It exports
;; `example:app/main` with `greet-all: func(name: string) -> list<string>`: the
;; greetings of the greeters that answered, in greeter id order.
(component
  (type $greeter-type (instance
    (type $err (variant (case "lock-rejected") (case "invalid-interface-path" string)
      (case "invalid-function" string) (case "missing-response") (case "runtime-exception" string)
      (case "invalid-argument-list") (case "unsupported-type" string) (case "executor-unavailable")
      (case "resource-table-full") (case "resource-handle-conversion-failed")
      (case "invalid-resource-handle")))
    (export "dispatch-error" (type $e (eq $err)))
    (export "hello" (func (param "name" string) (result (map string (result string (error $e))))))))
  (import "example:greeter/greet" (instance $greeter (type $greeter-type)))

  (core module $memory-module
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    ;; A bump allocator: cabi_realloc(old_ptr, old_size, align, new_size).
    (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32) (local $end i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (local.set $end (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
        (then (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end)
                                                  (i32.mul (memory.size) (i32.const 65536)))
                                                  (i32.const 16)) (i32.const 1))) (i32.const -1))
                (then unreachable))))
      (global.set $heap (local.get $end))
      (local.get $p)))
  (core instance $memory-instance (instantiate $memory-module))
  (alias core export $memory-instance "memory" (core memory $memory))
  (alias core export $memory-instance "realloc" (core func $realloc))
  (alias export $greeter "hello" (func $hello))
  (core func $hello-core (canon lower (func $hello) (memory $memory) (realloc $realloc)))

  (core module $m
    (import "env" "memory" (memory 1))
    (import "env" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (import "greeter" "hello" (func $hello (param i32 i32 i32)))
    ;; Each map entry is tuple<string, result<string, dispatch-error>>: 24 bytes,
    ;; the id at 0, the result's case at 8 (0 = ok) and an ok string at 12.
    (func (export "greet-all") (param $name i32) (param $len i32) (result i32)
      (local $entries i32) (local $count i32) (local $out i32) (local $n i32) (local $i i32)
      (local $entry i32)
      (call $hello (local.get $name) (local.get $len) (i32.const 32))
      (local.set $entries (i32.load (i32.const 32)))
      (local.set $count (i32.load (i32.const 36)))
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 4)
                                     (i32.mul (local.get $count) (i32.const 8))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
          (local.set $entry (i32.add (local.get $entries) (i32.mul (local.get $i) (i32.const 24))))
          (if (i32.eqz (i32.load8_u offset=8 (local.get $entry)))
            (then
              (i64.store (i32.add (local.get $out) (i32.mul (local.get $n) (i32.const 8)))
                         (i64.load offset=12 (local.get $entry)))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 16) (local.get $out))
      (i32.store (i32.const 20) (local.get $n))
      (i32.const 16)))
  (core instance $greeter-core (export "hello" (func $hello-core)))
  (core instance $i (instantiate $m (with "env" (instance $memory-instance))
                                    (with "greeter" (instance $greeter-core))))
  (func $greet-all (param "name" string) (result (list string))
    (canon lift (core func $i "greet-all") (memory $memory) (realloc $realloc)))
  (instance $main (export "greet-all" (func $greet-all)))
  (export "example:app/main" (instance $main)))
