;; Reads its WASI environment and arguments (wasi:cli/environment@0.2.0; tests
;; put other versions in its place) and returns them as they came:
;; `probe:env/read` with `environment: func() -> list<tuple<string, string>>` and
;; `arguments: func() -> list<string>`.
(component
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-environment" (func (result (list (tuple string string)))))
    (export "get-arguments" (func (result (list string))))))
  (core module $memory-module
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    ;; A bump allocator: cabi_realloc(old_ptr, old_size, align, new_size).
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
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
  (alias export $env "get-environment" (func $get-environment))
  (alias export $env "get-arguments" (func $get-arguments))
  (core func $get-environment-core
    (canon lower (func $get-environment) (memory $memory) (realloc $realloc)))
  (core func $get-arguments-core
    (canon lower (func $get-arguments) (memory $memory) (realloc $realloc)))
  ;; The lowered imports write (pointer, length) where they are told; the lifted
  ;; exports read the same pair from where they return.
  (core module $m
    (import "host" "get-environment" (func $get-environment (param i32)))
    (import "host" "get-arguments" (func $get-arguments (param i32)))
    (func (export "environment") (result i32)
      (call $get-environment (i32.const 16)) (i32.const 16))
    (func (export "arguments") (result i32)
      (call $get-arguments (i32.const 32)) (i32.const 32)))
  (core instance $host (export "get-environment" (func $get-environment-core))
                       (export "get-arguments" (func $get-arguments-core)))
  (core instance $i (instantiate $m (with "host" (instance $host))))
  (func $environment (result (list (tuple string string)))
    (canon lift (core func $i "environment") (memory $memory) (realloc $realloc)))
  (func $arguments (result (list string))
    (canon lift (core func $i "arguments") (memory $memory) (realloc $realloc)))
  (instance $read (export "environment" (func $environment)) (export "arguments" (func $arguments)))
  (export "probe:env/read" (instance $read)))
