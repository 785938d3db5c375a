;; Implements `test:pair/pairs`: two resources, `left` and `right`, whose rep is
;; the u32 each was made with, and `sum`, which takes two `left` handles. Every
;; answer adds the global $tag; tests make a second plugin from this file with
;; another tag to tell the two apart.
(component
  (type $left (resource (rep i32)))
  (type $right (resource (rep i32)))
  (core func $new-left (canon resource.new $left))
  (core func $new-right (canon resource.new $right))
  (core module $m
    (import "r" "new-left" (func $new-left (param i32) (result i32)))
    (import "r" "new-right" (func $new-right (param i32) (result i32)))
    (global $tag i32 (i32.const 0))
    (func (export "make-left") (param i32) (result i32) (call $new-left (local.get 0)))
    (func (export "make-right") (param i32) (result i32) (call $new-right (local.get 0)))
    ;; A borrow of the component's own resource arrives as its rep.
    (func (export "value") (param i32) (result i32) (i32.add (local.get 0) (global.get $tag)))
    (func (export "sum") (param i32 i32) (result i32)
      (i32.add (i32.add (local.get 0) (local.get 1)) (global.get $tag))))
  (core instance $i (instantiate $m
    (with "r" (instance (export "new-left" (func $new-left))
                        (export "new-right" (func $new-right))))))

  (func $make-left (param "v" u32) (result (own $left)) (canon lift (core func $i "make-left")))
  (func $make-right (param "v" u32) (result (own $right))
    (canon lift (core func $i "make-right")))
  (func $left-value (param "self" (borrow $left)) (result u32) (canon lift (core func $i "value")))
  (func $right-value (param "self" (borrow $right)) (result u32)
    (canon lift (core func $i "value")))
  (func $sum (param "a" (borrow $left)) (param "b" (borrow $left)) (result u32)
    (canon lift (core func $i "sum")))
  ;; The interface's instance, made by a nested component so that its functions
  ;; refer to the resource types under the names they are exported with.
  (component $interface
    (import "left" (type $l (sub resource)))
    (import "right" (type $r (sub resource)))
    (import "make-left" (func $make-left (param "v" u32) (result (own $l))))
    (import "make-right" (func $make-right (param "v" u32) (result (own $r))))
    (import "left-value" (func $left-value (param "self" (borrow $l)) (result u32)))
    (import "right-value" (func $right-value (param "self" (borrow $r)) (result u32)))
    (import "sum" (func $sum (param "a" (borrow $l)) (param "b" (borrow $l)) (result u32)))
    (export $le "left" (type $l))
    (export $re "right" (type $r))
    (export "make-left" (func $make-left) (func (param "v" u32) (result (own $le))))
    (export "make-right" (func $make-right) (func (param "v" u32) (result (own $re))))
    (export "[method]left.value" (func $left-value)
      (func (param "self" (borrow $le)) (result u32)))
    (export "[method]right.value" (func $right-value)
      (func (param "self" (borrow $re)) (result u32)))
    (export "sum" (func $sum)
      (func (param "a" (borrow $le)) (param "b" (borrow $le)) (result u32))))
  (instance $pairs (instantiate $interface
    (with "left" (type $left))
    (with "right" (type $right))
    (with "make-left" (func $make-left))
    (with "make-right" (func $make-right))
    (with "left-value" (func $left-value))
    (with "right-value" (func $right-value))
    (with "sum" (func $sum))))
  (export "test:pair/pairs" (instance $pairs)))
