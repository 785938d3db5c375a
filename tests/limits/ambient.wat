;; A plugin that asks for an ambient capability (WASI's environment variables)
;; that nobody gave it.
(component
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-arguments" (func (result (list string))))))
  (alias export $env "get-arguments" (func $get-arguments))
  (core module $memory-module (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024)))
  (core instance $memory-instance (instantiate $memory-module))
  (alias core export $memory-instance "memory" (core memory $memory))
  (alias core export $memory-instance "realloc" (core func $realloc))
  (core func $get-arguments-core
    (canon lower (func $get-arguments) (memory $memory) (realloc $realloc))))
