;; A consumer of an `any` socket `test:res/counters` that hands the host what
;; its socket gave it. `make-all` returns the list `make` returned (handles as
;; the consumer's handle numbers), whose errors are a dispatch-error variant
;; declaring only `runtime-exception` and `invalid-resource-handle`.
;; `consume-first` makes a counter in every plugin, keeps the first plugin's,
;; drops the others, gives the first back with `consume` and returns what each
;; plugin answered, errors as strings.
(component
  (type $counters-type (instance
    (export "counter" (type $c (sub resource)))
    (type $err (variant (case "runtime-exception" string) (case "invalid-resource-handle")))
    (export "dispatch-error" (type $e (eq $err)))
    (export "make" (func (param "start" u32)
      (result (list (tuple string (result (own $c) (error $e)))))))
    (export "consume" (func (param "c" (own $c))
      (result (list (tuple string (result u32 (error string)))))))))
  (import "test:res/counters" (instance $counters (type $counters-type)))
  (alias export $counters "counter" (type $counter))
  (alias export $counters "dispatch-error" (type $e))

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

  (alias export $counters "make" (func $make))
  (alias export $counters "consume" (func $consume))
  (core func $make-core (canon lower (func $make) (memory $memory) (realloc $realloc)))
  (core func $consume-core (canon lower (func $consume) (memory $memory) (realloc $realloc)))
  (core func $drop-core (canon resource.drop $counter))

  (core module $m
    (import "env" "memory" (memory 1))
    (import "c" "make" (func $make (param i32 i32)))
    (import "c" "consume" (func $consume (param i32 i32)))
    (import "c" "drop" (func $drop (param i32)))
    ;; The list of `make` at 64 as (pointer, length); its entries are 24 bytes:
    ;; the id, the result's case at 8 and the handle (or error) at 12.
    (func (export "make-all") (param $start i32) (result i32)
      (call $make (local.get $start) (i32.const 64))
      (i32.const 64))
    (func (export "consume-first") (param $start i32) (result i32)
      (local $entry i32) (local $end i32) (local $first i32)
      (call $make (local.get $start) (i32.const 64))
      (local.set $entry (i32.load (i32.const 64)))
      (local.set $end
        (i32.add (local.get $entry) (i32.mul (i32.load (i32.const 68)) (i32.const 24))))
      (if (i32.load8_u (i32.add (local.get $entry) (i32.const 8))) (then unreachable))
      (local.set $first (i32.load (i32.add (local.get $entry) (i32.const 12))))
      (block $done
        (loop $next
          (local.set $entry (i32.add (local.get $entry) (i32.const 24)))
          (br_if $done (i32.ge_u (local.get $entry) (local.get $end)))
          (if (i32.load8_u (i32.add (local.get $entry) (i32.const 8))) (then unreachable))
          (call $drop (i32.load (i32.add (local.get $entry) (i32.const 12))))
          (br $next)))
      (call $consume (local.get $first) (i32.const 96))
      (i32.const 96)))
  (core instance $i (instantiate $m
    (with "env" (instance (export "memory" (memory $memory))))
    (with "c" (instance (export "make" (func $make-core)) (export "consume" (func $consume-core))
                        (export "drop" (func $drop-core))))))
  (func $make-all (param "start" u32) (result (list (tuple string (result u32 (error $e)))))
    (canon lift (core func $i "make-all") (memory $memory)))
  (func $consume-first (param "start" u32)
    (result (list (tuple string (result u32 (error string)))))
    (canon lift (core func $i "consume-first") (memory $memory)))
  (instance $run
    (export "dispatch-error" (type $e))
    (export "make-all" (func $make-all))
    (export "consume-first" (func $consume-first)))
  (export "test:app/run" (instance $run)))
