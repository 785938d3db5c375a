;; Exports `test:counter/api` with `next` an instance, not a function.
(component
  (instance $empty)
  (instance $api (export "next" (instance $empty)))
  (export "test:counter/api" (instance $api)))
