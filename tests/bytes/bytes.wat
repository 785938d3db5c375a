;; Implements `test:bytes/api`, the shapes of the byte path (Binding::dispatch_bytes):
;;   reverse: func(b: list<u8>) -> list<u8>   the bytes, last first
;;   upper: func(s: string) -> string          ASCII letters upper-cased
;;   as-text: func(b: list<u8>) -> string      the bytes as they are (lifting checks UTF-8)
;;   as-bytes: func(s: string) -> list<u8>     the string's bytes
;;   boom: func(b: list<u8>) -> list<u8>       traps
;;   count: func(b: list<u8>) -> u32           the length: not a byte-path shape
;; Arguments are copied in through a bump allocator that the post-return
;; function resets; results are the argument's memory, changed in place.
(component
  (core module $m
    (memory (export "memory") 4)
    (global $heap (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (local.get $p))
    (func (export "reset") (param i32) (global.set $heap (i32.const 1024)))
    ;; (ptr, len) at 16 as the result.
    (func $result (param $p i32) (param $n i32) (result i32)
      (i32.store (i32.const 16) (local.get $p))
      (i32.store (i32.const 20) (local.get $n))
      (i32.const 16))
    (func (export "reverse") (param $p i32) (param $n i32) (result i32)
      (local $i i32) (local $j i32) (local $t i32)
      (local.set $i (local.get $p))
      (local.set $j (i32.sub (i32.add (local.get $p) (local.get $n)) (i32.const 1)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_s (local.get $i) (local.get $j)))
          (local.set $t (i32.load8_u (local.get $i)))
          (i32.store8 (local.get $i) (i32.load8_u (local.get $j)))
          (i32.store8 (local.get $j) (local.get $t))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $j (i32.sub (local.get $j) (i32.const 1)))
          (br $next)))
      (call $result (local.get $p) (local.get $n)))
    (func (export "upper") (param $p i32) (param $n i32) (result i32)
      (local $i i32) (local $c i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
          (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
            (then (i32.store8 (i32.add (local.get $p) (local.get $i))
                              (i32.sub (local.get $c) (i32.const 32)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (call $result (local.get $p) (local.get $n)))
    (func (export "same") (param $p i32) (param $n i32) (result i32)
      (call $result (local.get $p) (local.get $n)))
    (func (export "boom") (param i32 i32) (result i32) unreachable)
    (func (export "count") (param i32 i32) (result i32) (local.get 1)))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $memory))
  (alias core export $i "realloc" (core func $realloc))
  (alias core export $i "reset" (core func $reset))
  (func $reverse (param "b" (list u8)) (result (list u8))
    (canon lift (core func $i "reverse") (memory $memory) (realloc $realloc) (post-return $reset)))
  (func $upper (param "s" string) (result string)
    (canon lift (core func $i "upper") (memory $memory) (realloc $realloc) (post-return $reset)))
  (func $as-text (param "b" (list u8)) (result string)
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc) (post-return $reset)))
  (func $as-bytes (param "s" string) (result (list u8))
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc) (post-return $reset)))
  (func $boom (param "b" (list u8)) (result (list u8))
    (canon lift (core func $i "boom") (memory $memory) (realloc $realloc)))
  (func $count (param "b" (list u8)) (result u32)
    (canon lift (core func $i "count") (memory $memory) (realloc $realloc) (post-return $reset)))
  (instance $api
    (export "reverse" (func $reverse))
    (export "upper" (func $upper))
    (export "as-text" (func $as-text))
    (export "as-bytes" (func $as-bytes))
    (export "boom" (func $boom))
    (export "count" (func $count)))
  (export "test:bytes/api" (instance $api)))
