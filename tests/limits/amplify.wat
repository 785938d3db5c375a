;; `test:amplify/api.amplify: func(count: u32) -> list<string>`: `count` strings
;; that all alias one 1 MiB region of an 18-page memory, so that a small plugin
;; hands the host `count` MiB to copy.
(component
  (core module $m
    (memory (export "memory") 18)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable)
    (func (export "amplify") (param $count i32) (result i32)
      (local $i i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
          (i32.store (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 3)))
                     (i32.const 65536))
          (i32.store offset=4 (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 3)))
                     (i32.const 1048576))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 16) (i32.const 1024))
      (i32.store (i32.const 20) (local.get $count))
      (i32.const 16)))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $memory))
  (alias core export $i "realloc" (core func $realloc))
  (func $amplify (param "count" u32) (result (list string))
    (canon lift (core func $i "amplify") (memory $memory) (realloc $realloc)))
  (instance $api (export "amplify" (func $amplify)))
  (export "test:amplify/api" (instance $api)))
