;; Exports `test:res/futures` with a function returning future<u32> and one
;; taking a stream<u8>: such values cannot cross a plugin boundary, so the
;; runtime refuses the calls before the plugin runs (its code would trap).
(component
  (core module $m
    (func (export "later") (result i32) unreachable)
    (func (export "feed") (param i32) unreachable))
  (core instance $i (instantiate $m))
  (type $future (future u32))
  (type $stream (stream u8))
  (func $later (result $future) (canon lift (core func $i "later")))
  (func $feed (param "s" $stream) (canon lift (core func $i "feed")))
  (instance $futures (export "later" (func $later)) (export "feed" (func $feed)))
  (export "test:res/futures" (instance $futures)))
