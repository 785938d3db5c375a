;; A plugin whose start function never ends: instantiating it must be bounded.
(component
  (core module $m
    (func $forever (loop $again (br $again)))
    (start $forever))
  (core instance $i (instantiate $m)))
