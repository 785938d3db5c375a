;; Implements `test:live/api` for the live-change tests; each plugin made from
;; it gets its own `$tag`, so a result names the plugin (and the build) that
;; made it:
;;   tag: func() -> u32     returns `$tag`;
;;   gated: func() -> u32   calls the host's `host:live/gate.wait` (which the
;;                          test holds for as long as it likes), then returns `$tag`.
(component
  (import "host:live/gate" (instance $gate (export "wait" (func))))
  (alias export $gate "wait" (func $wait))
  (core func $wait-core (canon lower (func $wait)))
  (core module $m
    (import "gate" "wait" (func $wait))
    (global $tag i32 (i32.const 0))
    (func (export "tag") (result i32) (global.get $tag))
    (func (export "gated") (result i32) (call $wait) (global.get $tag)))
  (core instance $gate-core (export "wait" (func $wait-core)))
  (core instance $i (instantiate $m (with "gate" (instance $gate-core))))
  (func $tag (result u32) (canon lift (core func $i "tag")))
  (func $gated (result u32) (canon lift (core func $i "gated")))
  (instance $api (export "tag" (func $tag)) (export "gated" (func $gated)))
  (export "test:live/api" (instance $api)))
