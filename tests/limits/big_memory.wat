;; A plugin that needs 64 pages (4 MiB) of memory from the start.
(component
  (core module $m (memory 64))
  (core instance $i (instantiate $m)))
