;; `test:legacy/counters` in the older component text syntax (see greet.wat):
;; each resource's destructor is named without `core`, once by an instance and
;; an export name, `(dtor (func $d "drop-counter"))`, once by a core function's
;; index, `(dtor (func $drop-tally))`. `dropped` counts the destructor calls of
;; both, counters in the ones and tallies in the thousands.
(component
  (core module $state
    (global (export "dropped") (mut i32) (i32.const 0)))
  (core instance $s (instantiate $state))
  (core module $dtors
    (import "s" "dropped" (global $dropped (mut i32)))
    (func (export "drop-counter") (param i32)
      (global.set $dropped (i32.add (global.get $dropped) (i32.const 1))))
    (func (export "drop-tally") (param i32)
      (global.set $dropped (i32.add (global.get $dropped) (i32.const 1000)))))
  (core instance $d (instantiate $dtors (with "s" (instance $s))))
  (alias core export $d "drop-tally" (core func $drop-tally))
  (type $counter (resource (rep i32) (dtor (func $d "drop-counter"))))
  (type $tally (resource (rep i32) (dtor (func $drop-tally))))
  (core func $counter-new (canon resource.new $counter))
  (core func $tally-new (canon resource.new $tally))
  (core module $m
    (import "s" "dropped" (global $dropped (mut i32)))
    (import "r" "counter-new" (func $counter-new (param i32) (result i32)))
    (import "r" "tally-new" (func $tally-new (param i32) (result i32)))
    (func (export "make") (param i32) (result i32) (call $counter-new (local.get 0)))
    ;; A borrow of a resource of this component arrives as its rep.
    (func (export "get") (param i32) (result i32) (local.get 0))
    (func (export "tally") (result i32) (call $tally-new (i32.const 0)))
    (func (export "dropped") (result i32) (global.get $dropped)))
  (core instance $r
    (export "counter-new" (func $counter-new))
    (export "tally-new" (func $tally-new)))
  (core instance $i (instantiate $m (with "s" (instance $s)) (with "r" (instance $r))))
  (func $make (param "start" u32) (result (own $counter)) (canon lift (core func $i "make")))
  (func $get (param "self" (borrow $counter)) (result u32) (canon lift (core func $i "get")))
  (func $tally (result (own $tally)) (canon lift (core func $i "tally")))
  (func $dropped (result u32) (canon lift (core func $i "dropped")))
  ;; The interface's instance, made by a nested component so that its functions
  ;; name the resources as exported.
  (component $interface
    (import "counter" (type $c (sub resource)))
    (import "tally" (type $t (sub resource)))
    (import "make" (func $make (param "start" u32) (result (own $c))))
    (import "get" (func $get (param "self" (borrow $c)) (result u32)))
    (import "make-tally" (func $tally (result (own $t))))
    (import "dropped" (func $dropped (result u32)))
    (export $ce "counter" (type $c))
    (export $te "tally" (type $t))
    (export "[static]counter.make" (func $make) (func (param "start" u32) (result (own $ce))))
    (export "[method]counter.get" (func $get) (func (param "self" (borrow $ce)) (result u32)))
    (export "make-tally" (func $tally) (func (result (own $te))))
    (export "dropped" (func $dropped)))
  (instance $api (instantiate $interface
    (with "counter" (type $counter))
    (with "tally" (type $tally))
    (with "make" (func $make))
    (with "get" (func $get))
    (with "make-tally" (func $tally))
    (with "dropped" (func $dropped))))
  (export "test:legacy/counters" (instance $api)))
