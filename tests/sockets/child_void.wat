;; Implements `test:child/root` with `ping: func()`, which does nothing.
(component
  (core module $m (func (export "ping")))
  (core instance $i (instantiate $m))
  (func $ping (canon lift (core func $i "ping")))
  (instance $root (export "ping" (func $ping)))
  (export "test:child/root" (instance $root)))
