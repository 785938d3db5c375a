;; Implements `test:child/root` with `async func`s. `get-value` returns 1 and
;; `trap` traps, both lifted without the `async` option (the shape of wasm-link
;; 0.4's async fixtures); `lifted-async` returns 1 too, but lifted with `async`
;; and a callback, through `task.return`; `spin` loops until stopped.
(component
  (core module $m
    (import "host" "task.return" (func $task-return (param i32)))
    (global $value i32 (i32.const 1))
    (func (export "get-value") (result i32) global.get $value)
    (func (export "trap") (result i32) unreachable)
    (func (export "spin") (result i32) (loop $again (br $again)) unreachable)
    (func (export "lifted-async") (result i32)
      (call $task-return (global.get $value))
      (i32.const 0)) ;; EXIT: the task is done
    (func (export "callback") (param i32 i32 i32) (result i32) unreachable))
  (core func $task-return (canon task.return (result u32)))
  (core instance $host (export "task.return" (func $task-return)))
  (core instance $i (instantiate $m (with "host" (instance $host))))
  (func $get-value async (result u32) (canon lift (core func $i "get-value")))
  (func $trap async (result u32) (canon lift (core func $i "trap")))
  (func $spin async (result u32) (canon lift (core func $i "spin")))
  (func $lifted-async async (result u32)
    (canon lift (core func $i "lifted-async") async (callback (func $i "callback"))))
  (instance $root
    (export "get-value" (func $get-value))
    (export "trap" (func $trap))
    (export "spin" (func $spin))
    (export "lifted-async" (func $lifted-async)))
  (export "test:child/root" (instance $root)))
