;; `test:memories/api`: four core instances with a memory of one page each, and
;; `grow-a` .. `grow-d: func(pages: u32) -> s32`, which grow one of them and
;; return the old size in pages, or -1 when refused. A cap on a plugin's memory
;; counts the four together.
(component
  (core module $m
    (memory 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
  (core instance $a (instantiate $m))
  (core instance $b (instantiate $m))
  (core instance $c (instantiate $m))
  (core instance $d (instantiate $m))
  (func $grow-a (param "pages" u32) (result s32) (canon lift (core func $a "grow")))
  (func $grow-b (param "pages" u32) (result s32) (canon lift (core func $b "grow")))
  (func $grow-c (param "pages" u32) (result s32) (canon lift (core func $c "grow")))
  (func $grow-d (param "pages" u32) (result s32) (canon lift (core func $d "grow")))
  (instance $api (export "grow-a" (func $grow-a)) (export "grow-b" (func $grow-b))
                 (export "grow-c" (func $grow-c)) (export "grow-d" (func $grow-d)))
  (export "test:memories/api" (instance $api)))
