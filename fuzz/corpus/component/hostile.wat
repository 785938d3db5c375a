;; A hostile plugin: `test:hostile/api`, one function per attack on its host.
;;   spin: func() -> u32                 loops forever
;;   grow-memory: func() -> u32          grows memory until refused; the pages it got
;;   grow-table: func() -> u32           grows a table until refused; the elements it got
;;   recurse: func() -> u32              recurses until the stack is gone
;;   huge-string: func() -> string       claims a 2 GiB string its memory does not hold
;;   huge-list: func() -> list<u64>      claims 256 Mi elements its memory does not hold
;;   work: func() -> u32                 a bounded loop of 1000 rounds (some fuel per call)
(component
  (core module $m
    (memory (export "memory") 1)
    (table $t 0 funcref)
    (func (export "spin") (result i32) (loop $forever (br $forever)) unreachable)
    (func (export "grow-memory") (result i32)
      (block $refused (loop $more
        (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more)))
      (memory.size))
    (func (export "grow-table") (result i32)
      (block $refused (loop $more
        (br_if $refused (i32.eq (table.grow $t (ref.null func) (i32.const 100)) (i32.const -1)))
        (br $more)))
      (table.size $t))
    (func $recurse (export "recurse") (result i32) (i32.add (call $recurse) (i32.const 1)))
    (func (export "huge-string") (result i32)
      (i32.store (i32.const 16) (i32.const 0))
      (i32.store (i32.const 20) (i32.const 0x7fffffff))
      (i32.const 16))
    (func (export "huge-list") (result i32)
      (i32.store (i32.const 16) (i32.const 0))
      (i32.store (i32.const 20) (i32.const 0x10000000))
      (i32.const 16))
    (func (export "work") (result i32) (local $i i32)
      (loop $round
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $round (i32.lt_u (local.get $i) (i32.const 1000))))
      (local.get $i)))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $memory))
  (func $spin (result u32) (canon lift (core func $i "spin")))
  (func $grow-memory (result u32) (canon lift (core func $i "grow-memory")))
  (func $grow-table (result u32) (canon lift (core func $i "grow-table")))
  (func $recurse (result u32) (canon lift (core func $i "recurse")))
  (func $huge-string (result string) (canon lift (core func $i "huge-string") (memory $memory)))
  (func $huge-list (result (list u64)) (canon lift (core func $i "huge-list") (memory $memory)))
  (func $work (result u32) (canon lift (core func $i "work")))
  (instance $api
    (export "spin" (func $spin))
    (export "grow-memory" (func $grow-memory))
    (export "grow-table" (func $grow-table))
    (export "recurse" (func $recurse))
    (export "huge-string" (func $huge-string))
    (export "huge-list" (func $huge-list))
    (export "work" (func $work)))
  (export "test:hostile/api" (instance $api)))
