;; A consumer of an `any` socket `test:res/counters`: `sum-all` makes a
;; counter in every plugin, reads each through its method (which goes to the
;; plugin that made it), drops them all, and returns the sum.
(component
  (type $counters-type (instance
    (export "counter" (type $c (sub resource)))
    (export "make" (func (param "start" u32)
      (result (list (tuple string (result (own $c) (error string)))))))
    (export "[method]counter.get" (func (param "self" (borrow $c)) (result (result u32 (error string)))))))
  (import "test:res/counters" (instance $counters (type $counters-type)))
  (alias export $counters "counter" (type $counter))

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
  (alias export $counters "[method]counter.get" (func $get))
  (core func $make-core (canon lower (func $make) (memory $memory) (realloc $realloc)))
  (core func $get-core (canon lower (func $get) (memory $memory) (realloc $realloc)))
  (core func $drop-core (canon resource.drop $counter))

  (core module $m
    (import "env" "memory" (memory 1))
    (import "c" "make" (func $make (param i32 i32)))
    (import "c" "get" (func $get (param i32 i32)))
    (import "c" "drop" (func $drop (param i32)))
    (func (export "sum-all") (param $start i32) (result i32)
      (local $entry i32) (local $end i32) (local $handle i32) (local $sum i32)
      (call $make (local.get $start) (i32.const 64))
      (local.set $entry (i32.load (i32.const 64)))
      (local.set $end (i32.add (local.get $entry) (i32.mul (i32.load (i32.const 68)) (i32.const 20))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $entry) (local.get $end)))
          (if (i32.load8_u (i32.add (local.get $entry) (i32.const 8))) (then unreachable))
          (local.set $handle (i32.load (i32.add (local.get $entry) (i32.const 12))))
          (call $get (local.get $handle) (i32.const 128))
          (if (i32.load8_u (i32.const 128)) (then unreachable))
          (local.set $sum (i32.add (local.get $sum) (i32.load (i32.const 132))))
          (call $drop (local.get $handle))
          (local.set $entry (i32.add (local.get $entry) (i32.const 20)))
          (br $next)))
      (local.get $sum)))
  (core instance $i (instantiate $m
    (with "env" (instance (export "memory" (memory $memory))))
    (with "c" (instance (export "make" (func $make-core)) (export "get" (func $get-core))
                        (export "drop" (func $drop-core))))))
  (func $sum-all (param "start" u32) (result u32) (canon lift (core func $i "sum-all")))
  (instance $run (export "sum-all" (func $sum-all)))
  (export "test:app/run" (instance $run)))
