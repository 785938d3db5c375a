;; `test:legacy/greet` in the component text syntax from before
;; WebAssembly/component-model#655, which Wasmtime 46 accepted and Wasmtime 48's
;; parser refuses by default: canonical options name a core item of an instance
;; by the instance and the export's name without `core`:
;;   (memory $i "memory")          for (memory (core memory $i "memory"))
;;   (realloc (func $i "realloc")) for (realloc (core func $i "realloc"))
;;   (post-return (func $i "..."))  for (post-return (core func $i "..."))
;; `greet(name)` returns "Hi, <name>!"; `post-returns` counts the post-return
;; calls, so a test can see that the option was kept.
(component
  (core module $m
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    (global $post (mut i32) (i32.const 0))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get 3)))
      (local.get $p))
    ;; The result "Hi, " + name + "!" at 512, its (pointer, length) at 256.
    (data (i32.const 512) "Hi, ")
    (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
      (memory.copy (i32.const 516) (local.get $ptr) (local.get $len))
      (i32.store8 (i32.add (i32.const 516) (local.get $len)) (i32.const 33))
      (i32.store (i32.const 256) (i32.const 512))
      (i32.store (i32.const 260) (i32.add (local.get $len) (i32.const 5)))
      (i32.const 256))
    (func (export "greet-done") (param i32)
      (global.set $post (i32.add (global.get $post) (i32.const 1))))
    (func (export "post-returns") (result i32) (global.get $post)))
  (core instance $i (instantiate $m))
  (func $greet (param "name" string) (result string)
    (canon lift (core func $i "greet") (memory $i "memory") (realloc (func $i "realloc"))
      (post-return (func $i "greet-done"))))
  (func $post-returns (result u32) (canon lift (core func $i "post-returns")))
  (instance $api (export "greet" (func $greet)) (export "post-returns" (func $post-returns)))
  (export "test:legacy/greet" (instance $api)))
