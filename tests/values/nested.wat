;; A relay whose `outer` returns a `fields` record through memory and, before
;; it does, calls its (exactly-one) socket's `echo-fields`, which the host calls
;; in the provider, a result through memory too: the host copies the inner
;; result out while the outer call is still running, and must then copy the
;; outer result to the outer call's own place. The socket's answer,
;; tuple<string, result<fields>>, comes at 256: the id's pointer and length,
;; the result's case at 264 and its `fields` at 272.
;;   outer(x) = {a: 2 * echo-fields({a: x + 1, ...}).a, b: 20, c: 30, d: 40,
;;               e: -50, f: -60, g: 7.5, h: 8.25}
(component
  (core module $memory-module
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    ;; A bump allocator for the plugin id: cabi_realloc(old_ptr, old_size, align, new_size).
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $heap))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $memory-module))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "realloc" (core func $realloc))

  (type $fields (record (field "a" u8) (field "b" u16) (field "c" u32) (field "d" u64)
                        (field "e" s32) (field "f" s64) (field "g" f32) (field "h" f64)))
  (import "test:values/echo" (instance $echo
    (export "fields" (type $f (eq $fields)))
    (export "echo-fields" (func (param "v" $f) (result (tuple string (result $f)))))))
  (alias export $echo "echo-fields" (func $echo-fields))
  (core func $inner (canon lower (func $echo-fields) (memory $memory) (realloc $realloc)))

  (core module $m
    (import "env" "memory" (memory 1))
    (import "host" "echo-fields" (func $inner (param i32 i32 i32 i64 i32 i64 f32 f64 i32)))
    (func (export "outer") (param i32) (result i32)
      (call $inner (i32.add (local.get 0) (i32.const 1)) (i32.const 2) (i32.const 3)
                   (i64.const 4) (i32.const 5) (i64.const 6) (f32.const 7) (f64.const 8)
                   (i32.const 256))
      (i32.store8 (i32.const 512) (i32.mul (i32.load8_u (i32.const 272)) (i32.const 2)))
      (i32.store16 (i32.const 514) (i32.const 20))
      (i32.store (i32.const 516) (i32.const 30))
      (i64.store (i32.const 520) (i64.const 40))
      (i32.store (i32.const 528) (i32.const -50))
      (i64.store (i32.const 536) (i64.const -60))
      (f32.store (i32.const 544) (f32.const 7.5))
      (f64.store (i32.const 552) (f64.const 8.25))
      (i32.const 512)))
  (core instance $i (instantiate $m
    (with "env" (instance (export "memory" (memory $memory))))
    (with "host" (instance (export "echo-fields" (func $inner))))))

  (func $outer (param "x" u8) (result $fields)
    (canon lift (core func $i "outer") (memory $memory)))
  (instance $run
    (export "fields" (type $fields))
    (export "outer" (func $outer)))
  (export "test:relay/run" (instance $run)))
