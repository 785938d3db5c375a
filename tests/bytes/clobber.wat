;; Implements `test:clobber/api`: each function returns its argument as it is,
;; and its post-return overwrites the result with 0xff bytes, as a guest whose
;; post-return frees the result may reuse its memory (Rust's, C's and Python's
;; allocators write there). A host that reads the result after post-return gets
;; 0xff bytes, which are not UTF-8.
;;   echo-bytes: func(b: list<u8>) -> list<u8>
;;   echo-text: func(s: string) -> string      strings as UTF-8
;;   echo-utf16: func(s: string) -> string     strings as UTF-16
;;   echo-latin1: func(s: string) -> string    strings as Latin-1 or UTF-16
;;   echo-then-trap: func(b: list<u8>) -> list<u8>   returns, then post-return traps
;; It also implements `test:bytes/api` (tests/bytes/bytes.wat) for a consumer of
;; that interface, each function returning its argument likewise: `reverse` and
;; `upper` do not change it, and `boom` is `echo-then-trap`.
(component
  (core module $m
    (memory (export "memory") 4)
    (global $heap (mut i32) (i32.const 1024))
    ;; A bump allocator that keeps what a reallocated block held (Wasmtime
    ;; shrinks or grows a string's block while it transcodes it).
    (func (export "realloc") (param $old i32) (param $old-size i32) (param $align i32)
                             (param $size i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $heap (i32.add (local.get $p) (local.get $size)))
      (if (local.get $old)
        (then (memory.copy (local.get $p) (local.get $old)
                (select (local.get $old-size) (local.get $size)
                        (i32.lt_u (local.get $old-size) (local.get $size))))))
      (local.get $p))
    ;; (ptr, len) at 16 as the result: the argument's own memory.
    (func (export "same") (param $p i32) (param $n i32) (result i32)
      (i32.store (i32.const 16) (local.get $p))
      (i32.store (i32.const 20) (local.get $n))
      (i32.const 16))
    ;; Fills `units` bytes per length unit of the result at `ret` (the
    ;; Latin-1-or-UTF-16 tag bit masked off) with 0xff, and resets the heap.
    (func $clobber (param $ret i32) (param $units i32)
      (memory.fill (i32.load (local.get $ret)) (i32.const 0xff)
        (i32.mul (i32.and (i32.load offset=4 (local.get $ret)) (i32.const 0x7fffffff))
                 (local.get $units)))
      (global.set $heap (i32.const 1024)))
    (func (export "clobber-1") (param $ret i32) (call $clobber (local.get $ret) (i32.const 1)))
    (func (export "clobber-2") (param $ret i32) (call $clobber (local.get $ret) (i32.const 2)))
    (func (export "trap-after") (param i32) unreachable))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $memory))
  (alias core export $i "realloc" (core func $realloc))
  (func $echo-bytes (param "b" (list u8)) (result (list u8))
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc)
      (post-return (func $i "clobber-1"))))
  (func $echo-text (param "s" string) (result string)
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc)
      (post-return (func $i "clobber-1"))))
  (func $echo-utf16 (param "s" string) (result string)
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc) string-encoding=utf16
      (post-return (func $i "clobber-2"))))
  (func $echo-latin1 (param "s" string) (result string)
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc)
      string-encoding=latin1+utf16 (post-return (func $i "clobber-2"))))
  (func $bytes-to-bytes (param "b" (list u8)) (result (list u8))
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc)
      (post-return (func $i "clobber-1"))))
  (func $text-to-text (param "s" string) (result string)
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc)
      (post-return (func $i "clobber-1"))))
  (func $bytes-to-text (param "b" (list u8)) (result string)
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc)
      (post-return (func $i "clobber-1"))))
  (func $text-to-bytes (param "s" string) (result (list u8))
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc)
      (post-return (func $i "clobber-1"))))
  (func $echo-then-trap (param "b" (list u8)) (result (list u8))
    (canon lift (core func $i "same") (memory $memory) (realloc $realloc)
      (post-return (func $i "trap-after"))))
  (instance $bytes-api
    (export "reverse" (func $bytes-to-bytes))
    (export "upper" (func $text-to-text))
    (export "as-text" (func $bytes-to-text))
    (export "as-bytes" (func $text-to-bytes))
    (export "boom" (func $echo-then-trap)))
  (export "test:bytes/api" (instance $bytes-api))
  (instance $api
    (export "echo-bytes" (func $echo-bytes))
    (export "echo-text" (func $echo-text))
    (export "echo-utf16" (func $echo-utf16))
    (export "echo-latin1" (func $echo-latin1))
    (export "echo-then-trap" (func $echo-then-trap)))
  (export "test:clobber/api" (instance $api)))
