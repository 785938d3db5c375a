//! Re-exports every `#[no_mangle]` symbol of Wasmtime's C API so that this crate's
//! static library is the whole C API.
pub use wasmtime_c_api::*;
