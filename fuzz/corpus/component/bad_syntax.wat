(component
  (core module $m (func (export "f") (result i32) i32.const))
  this is not wat
