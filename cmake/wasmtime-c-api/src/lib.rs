//! Re-exports every `#[no_mangle]` symbol of Wasmtime's C API so that this crate's
//! static library is the whole C API, and adds the few functions wasm-link needs
//! that the C API lacks (declared for C++ in src/shim.h, each tested from C++).
pub use wasmtime_c_api::*;

use std::hash::{DefaultHasher, Hash, Hasher};

/// A hash of everything in `engine`'s settings that decides whether a component
/// compiled by one engine can be loaded by another (Wasmtime's
/// `Engine::precompile_compatibility_hash`). The compile cache keys its entries by
/// it. `engine` must be a live `wasm_engine_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_engine_precompile_hash(engine: *const wasm_engine_t) -> u64 {
    // `wasm_engine_t` is `#[repr(C)]` around one `wasmtime::Engine`, so a pointer to
    // it is a pointer to that engine (its field is private to the C API crate).
    let engine = unsafe { &*engine.cast::<wasmtime::Engine>() };
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.finish()
}

/// Whether `engine` meters fuel (Wasmtime's `Config::consume_fuel`): a store of
/// an engine that does not refuses `wasmtime_context_set_fuel` with an error,
/// which costs more than asking. `engine` must be a live `wasm_engine_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_engine_consumes_fuel(engine: *const wasm_engine_t) -> bool {
    // `wasm_engine_t` is `#[repr(C)]` around one `wasmtime::Engine` (see above).
    let engine = unsafe { &*engine.cast::<wasmtime::Engine>() };
    engine.get_consume_fuel()
}

/// Lets a WASI configuration reach the network: TCP and UDP to any address the
/// host reaches (`allow` true), or none (false, the default). The C API's
/// `wasi_config_inherit_network` alone checks addresses but leaves TCP and UDP
/// themselves off. `config` must be a live `wasi_config_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_wasi_config_allow_network(config: *mut wasi_config_t, allow: bool) {
    let builder = unsafe { wasi_builder(config) };
    builder.allow_tcp(allow).allow_udp(allow);
    builder.socket_addr_check(move |_, _| Box::pin(async move { allow }));
}

/// Sends what a plugin writes to its stdout (`stream` 1) or stderr (`stream` 2)
/// to `callback(data, bytes, size)`, synchronously, on the thread of the call
/// that writes; `finalizer(data)` runs once when the last of the streams goes
/// (when the store holding the WASI context is dropped). The C API's custom
/// outputs instead write from a background task, later and on another thread,
/// and may outlive the store. `callback` returns the bytes taken or a negative
/// errno. `config` must be a live `wasi_config_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_wasi_config_set_output(
    config: *mut wasi_config_t,
    stream: u32,
    callback: extern "C" fn(*mut c_void, *const u8, usize) -> isize,
    data: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
) -> bool {
    let builder = unsafe { wasi_builder(config) };
    let output = SyncOutput(Arc::new(Sink { callback, data, finalizer }));
    match stream {
        1 => builder.stdout(output),
        2 => builder.stderr(output),
        _ => return false,
    };
    true
}

use std::ffi::c_void;
use std::sync::Arc;
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError, StreamResult};

/// `wasi_config_t` is `#[repr(C)]` around one `WasiCtxBuilder` (its field is
/// private to the C API crate).
unsafe fn wasi_builder<'a>(config: *mut wasi_config_t) -> &'a mut wasmtime_wasi::WasiCtxBuilder {
    unsafe { &mut *config.cast::<wasmtime_wasi::WasiCtxBuilder>() }
}

struct Sink {
    callback: extern "C" fn(*mut c_void, *const u8, usize) -> isize,
    data: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
}

// The embedder's callback and data are its to make thread-safe; the store calls
// them from one thread at a time.
unsafe impl Send for Sink {}
unsafe impl Sync for Sink {}

impl Sink {
    fn write(&self, bytes: &[u8]) -> std::io::Result<usize> {
        let taken = (self.callback)(self.data, bytes.as_ptr(), bytes.len());
        if taken < 0 {
            Err(std::io::Error::from_raw_os_error(-(taken as i32)))
        } else {
            Ok(taken as usize)
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if let Some(finalizer) = self.finalizer {
            finalizer(self.data);
        }
    }
}

#[derive(Clone)]
struct SyncOutput(Arc<Sink>);

impl wasmtime_wasi::cli::IsTerminal for SyncOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl wasmtime_wasi::cli::StdoutStream for SyncOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[async_trait::async_trait]
impl Pollable for SyncOutput {
    async fn ready(&mut self) {}
}

impl OutputStream for SyncOutput {
    fn write(&mut self, bytes: bytes::Bytes) -> StreamResult<()> {
        match self.0.write(&bytes) {
            Ok(n) if n == bytes.len() => Ok(()),
            Ok(_) => Err(StreamError::LastOperationFailed(wasmtime::format_err!(
                "the host took part of a write"
            ))),
            Err(e) => Err(StreamError::LastOperationFailed(e.into())),
        }
    }
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 * 1024)
    }
}

impl tokio::io::AsyncWrite for SyncOutput {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        bytes: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::Poll::Ready(self.0.write(bytes))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

/// Caps on everything a store holds, counted over the whole store: the bytes of
/// all its linear memories together and the elements of all its tables
/// together (the C API's `wasmtime_store_limiter` caps each memory and each
/// table by itself, so a component of many memories could take their sum), and
/// the counts of instances, tables and memories. A negative value is no cap
/// (for counts: Wasmtime's default of 10,000). Growth past a cap fails (the
/// guest sees -1; a memory or table that needs more from the start fails the
/// instantiation). Replaces any limiter the store had. `store` must be a live
/// `wasmtime_store_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_store_limit_totals(
    store: *mut wasmtime_store_t,
    memory_bytes: i64,
    table_elements: i64,
    instances: i64,
    tables: i64,
    memories: i64,
) {
    // `wasmtime_store_t` is `#[repr(C)]` around one `WasmtimeStore`.
    let store = unsafe { &mut *store.cast::<WasmtimeStore>() };
    let cap = |value: i64| usize::try_from(value).ok();
    let count = |value: i64| cap(value).unwrap_or(10_000);
    let mut totals = Box::new(Totals {
        memory_bytes: cap(memory_bytes),
        table_elements: cap(table_elements),
        instances: count(instances),
        tables: count(tables),
        memories: count(memories),
        used_memory_bytes: 0,
        used_table_elements: 0,
    });
    let totals_ptr = TotalsPtr(&mut *totals);
    store.limiter(move |_| {
        let _owner = &totals; // the closure, kept by the store, owns the totals
        totals_ptr.get()
    });
}

/// The store calls its limiter from one thread at a time, with the store.
struct TotalsPtr(*mut Totals);
unsafe impl Send for TotalsPtr {}
unsafe impl Sync for TotalsPtr {}

impl TotalsPtr {
    #[allow(clippy::mut_from_ref)]
    /// The totals live as long as the closure that owns them, which the store
    /// keeps until it is dropped; every borrow ends before that.
    fn get(&self) -> &'static mut Totals {
        unsafe { &mut *self.0 }
    }
}

struct Totals {
    memory_bytes: Option<usize>,
    table_elements: Option<usize>,
    instances: usize,
    tables: usize,
    memories: usize,
    used_memory_bytes: usize,
    used_table_elements: usize,
}

fn grow_within(used: &mut usize, cap: Option<usize>, current: usize, desired: usize) -> bool {
    let more = desired.saturating_sub(current);
    match cap {
        Some(cap) if used.saturating_add(more) > cap => false,
        _ => {
            *used = used.saturating_add(more);
            true
        }
    }
}

impl wasmtime::ResourceLimiter for Totals {
    fn memory_growing(&mut self, current: usize, desired: usize, _: Option<usize>) -> wasmtime::Result<bool> {
        Ok(grow_within(&mut self.used_memory_bytes, self.memory_bytes, current, desired))
    }
    fn table_growing(&mut self, current: usize, desired: usize, _: Option<usize>) -> wasmtime::Result<bool> {
        Ok(grow_within(&mut self.used_table_elements, self.table_elements, current, desired))
    }
    fn instances(&self) -> usize {
        self.instances
    }
    fn tables(&self) -> usize {
        self.tables
    }
    fn memories(&self) -> usize {
        self.memories
    }
}

/// Bounds the data (strings, lists) one call may copy from the plugin to the
/// host: what a call returns, and what the plugin passes to host functions.
/// Past it the call fails. Wasmtime's "hostcall fuel" (128 MiB unless set).
/// `store` must be a live `wasmtime_store_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_store_set_hostcall_fuel(store: *mut wasmtime_store_t, bytes: usize) {
    let store = unsafe { &mut *store.cast::<WasmtimeStore>() };
    store.set_hostcall_fuel(bytes);
}

/// WebAssembly text to binary, as `wasmtime_wat2wasm` (errors name `path`, if
/// not null, as the text's file), but accepting as well
/// the component text syntax from before WebAssembly/component-model#655, which
/// Wasmtime 46 accepted and 48 refuses: `(memory $i "memory")` for
/// `(memory (core memory $i "memory"))`, `(func $f)` for `(core func $f)` in
/// canonical options and `dtor`s, and the like. Text the current parser refuses
/// for that syntax is parsed by the last parser that accepts it by default; its
/// error is the one returned if it refuses the text too. Neither reads the
/// process environment differently from Wasmtime's own parser (an embedder's
/// WAST_STRICT_COMPONENT_INDICES=1 still refuses the older syntax).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_wat2wasm(
    wat: *const u8,
    wat_len: usize,
    path: *const u8,
    path_len: usize,
    ret: &mut wasm_byte_vec_t,
) -> Option<Box<wasmtime_error_t>> {
    let bytes = if wat_len == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(wat, wat_len) } };
    let path = if path.is_null() {
        None
    } else {
        let name = unsafe { std::slice::from_raw_parts(path, path_len) };
        Some(std::path::PathBuf::from(String::from_utf8_lossy(name).into_owned()))
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return Some(Box::new(wasmtime::Error::msg(format!("the text is not UTF-8: {error}")).into())),
    };
    let result = match wat::Parser::new().parse_str(path.as_deref(), text) {
        Ok(binary) => Ok(binary),
        Err(strict) if strict.to_string().contains("WAST_STRICT_COMPONENT_INDICES") => {
            legacy_wat2wasm(text, path.as_deref()).map_err(wasmtime::Error::msg)
        }
        Err(strict) => Err(wasmtime::Error::msg(strict.to_string())),
    };
    match result {
        Ok(binary) => {
            ret.set_buffer(binary);
            None
        }
        Err(error) => Some(Box::new(error.into())),
    }
}

fn legacy_wat2wasm(text: &str, path: Option<&std::path::Path>) -> Result<Vec<u8>, String> {
    use wast_legacy::parser::{self, ParseBuffer};
    let located = |mut error: wast_legacy::Error| {
        error.set_text(text);
        if let Some(path) = path {
            error.set_path(path);
        }
        error.to_string()
    };
    let buffer = ParseBuffer::new(text).map_err(located)?;
    let mut wat = parser::parse::<wast_legacy::Wat>(&buffer).map_err(located)?;
    wat.encode().map_err(located)
}

/// A linker instance of the C API's stores.
type LinkerInstanceOf<'a> = wasmtime::component::LinkerInstance<'a, WasmtimeStoreData>;

/// The linker instance and the name a host function is defined under, as the
/// C API gives them; an error when the name is not UTF-8.
/// SAFETY: `linker_instance` must be live and `name` point at `name_len` bytes,
/// both for `'a`.
unsafe fn host_function_site<'a>(
    linker_instance: *mut wasmtime_component_linker_instance_t<'a>,
    name: *const u8,
    name_len: usize,
) -> Result<(&'a mut LinkerInstanceOf<'a>, &'a str), Box<wasmtime_error_t>> {
    // `wasmtime_component_linker_instance_t` is `#[repr(transparent)]` around one
    // `LinkerInstance` (its field is private to the C API crate).
    let linker_instance = unsafe {
        &mut *linker_instance.cast::<LinkerInstanceOf<'a>>()
    };
    let name = unsafe { std::slice::from_raw_parts(name, name_len) };
    match std::str::from_utf8(name) {
        Ok(name) => Ok((linker_instance, name)),
        Err(_) => {
            let error = wasmtime::Error::msg("host function name is not valid UTF-8");
            Err(Box::new(error.into()))
        }
    }
}

/// Defines `name` in `linker_instance` as a host function that satisfies an
/// import of an `async func` type: Wasmtime refuses to link such an import to a
/// function made by `wasmtime_component_linker_instance_add_func` ("sync-style"),
/// and its C API has no other kind. Takes what that function takes and calls
/// `callback` the same way, with the same value conversions; the call completes
/// before the callback returns (the function never suspends the caller), so a
/// consumer that lowers the import without the `async` option blocks on it as on
/// a sync import. Fails when the engine lacks `concurrency_support`.
/// `linker_instance` must be live; `finalizer(data)` runs when the linker goes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_component_linker_instance_add_func_concurrent(
    linker_instance: *mut wasmtime_component_linker_instance_t<'_>,
    name: *const u8,
    name_len: usize,
    callback: wasmtime_component_func_callback_t,
    data: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
) -> Option<Box<wasmtime_error_t>> {
    // Made first, so that `finalizer` runs whatever happens.
    let host = Arc::new(HostFunction { callback, data, finalizer });
    let site = unsafe { host_function_site(linker_instance, name, name_len) };
    let (linker_instance, name) = match site {
        Ok(site) => site,
        Err(error) => return Some(error),
    };
    let result = linker_instance.func_new_concurrent(name, move |accessor, ty, args, results| {
        let host = Arc::clone(&host);
        Box::pin(async move {
            accessor.with(|mut access| {
                host.call(access.as_context_mut(), ty, args, results)
            })
        })
    });
    match result {
        Ok(()) => None,
        Err(error) => Some(Box::new(error.into())),
    }
}

use wasmtime::AsContextMut;

struct HostFunction {
    callback: wasmtime_component_func_callback_t,
    data: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
}

// As for `Sink`: the embedder's callback and data are its to make thread-safe.
unsafe impl Send for HostFunction {}
unsafe impl Sync for HostFunction {}

impl HostFunction {
    fn call(
        &self,
        store: WasmtimeStoreContextMut<'_>,
        ty: wasmtime::component::types::ComponentFunc,
        args: &[wasmtime::component::Val],
        results: &mut [wasmtime::component::Val],
    ) -> wasmtime::Result<()> {
        let mut c_args: Vec<wasmtime_component_val_t> =
            args.iter().map(wasmtime_component_val_t::from).collect();
        let mut c_results = vec![wasmtime_component_val_t::Bool(false); results.len()];
        let ty = wasmtime_component_func_type_t::from(ty);
        if let Some(error) = (self.callback)(
            self.data,
            store,
            &ty,
            c_args.as_mut_ptr(),
            c_args.len(),
            c_results.as_mut_ptr(),
            c_results.len(),
        ) {
            return Err((*error).into());
        }
        for (result, c_result) in results.iter_mut().zip(&c_results) {
            *result = wasmtime::component::Val::from(c_result);
        }
        Ok(())
    }
}

impl Drop for HostFunction {
    fn drop(&mut self) {
        if let Some(finalizer) = self.finalizer {
            finalizer(self.data);
        }
    }
}

/// Whether the component in `bytes` (binary) needs Wasmtime's concurrency support
/// to compile: it has an `async func` type, a `future`, `stream` or
/// `error-context` type, a function lifted or lowered with the `async` option,
/// or a component-model async built-in (`task.return`, `waitable-set.new`, ...).
/// Reads only the component's sections and types, not function bodies; bytes it
/// cannot parse give false (compiling them reports why). `bytes` must be
/// readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_component_needs_concurrency(bytes: *const u8, len: usize) -> bool {
    let bytes = unsafe { std::slice::from_raw_parts(bytes, len) };
    needs_concurrency(bytes).unwrap_or(false)
}

fn needs_concurrency(bytes: &[u8]) -> wasmparser::Result<bool> {
    use wasmparser::{CanonicalFunction as F, CanonicalOption, Payload};
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let found = match payload? {
            Payload::ComponentTypeSection(types) => {
                let mut found = false;
                for ty in types {
                    found |= async_type(&ty?, 0);
                }
                found
            }
            Payload::ComponentCanonicalSection(functions) => {
                let mut found = false;
                for function in functions {
                    found |= match function? {
                        F::Lift { options, .. } | F::Lower { options, .. } => options
                            .iter()
                            .any(|o| matches!(o, CanonicalOption::Async | CanonicalOption::Callback(_))),
                        F::ResourceNew { .. } | F::ResourceDrop { .. } | F::ResourceRep { .. } => {
                            false
                        }
                        _ => true,
                    };
                }
                found
            }
            _ => false,
        };
        if found {
            return Ok(true);
        }
    }
    Ok(false)
}

// Component and instance types nest; past this depth the scan stops (a
// component nested deeper is refused when it is compiled).
const MAX_TYPE_DEPTH: usize = 100;

fn async_type(ty: &wasmparser::ComponentType<'_>, depth: usize) -> bool {
    use wasmparser::{ComponentType as T, ComponentTypeDeclaration as C, InstanceTypeDeclaration as I};
    if depth > MAX_TYPE_DEPTH {
        return false;
    }
    match ty {
        T::Defined(defined) => async_defined(defined),
        T::Func(func) => async_func(func),
        T::Component(declarations) => declarations.iter().any(|d| match d {
            C::Type(ty) => async_type(ty, depth + 1),
            _ => false,
        }),
        T::Instance(declarations) => declarations.iter().any(|d| match d {
            I::Type(ty) => async_type(ty, depth + 1),
            _ => false,
        }),
        T::Resource { .. } => false,
    }
}

fn async_func(func: &wasmparser::ComponentFuncType<'_>) -> bool {
    func.async_
        || func.params.iter().any(|(_, ty)| async_value(ty))
        || func.result.as_ref().is_some_and(async_value)
}

// Named types are scanned where they are defined.
fn async_value(ty: &wasmparser::ComponentValType) -> bool {
    matches!(
        ty,
        wasmparser::ComponentValType::Primitive(wasmparser::PrimitiveValType::ErrorContext)
    )
}

fn async_defined(ty: &wasmparser::ComponentDefinedType<'_>) -> bool {
    use wasmparser::ComponentDefinedType as D;
    match ty {
        D::Primitive(p) => matches!(p, wasmparser::PrimitiveValType::ErrorContext),
        D::Future(_) | D::Stream(_) => true,
        D::Record(fields) => fields.iter().any(|(_, ty)| async_value(ty)),
        D::Variant(cases) => cases.iter().any(|case| case.ty.as_ref().is_some_and(async_value)),
        D::List(ty) | D::Option(ty) | D::FixedLengthList(ty, _) => async_value(ty),
        D::Map(key, value) => async_value(key) || async_value(value),
        D::Tuple(types) => types.iter().any(async_value),
        D::Result { ok, err } => {
            ok.as_ref().is_some_and(async_value) || err.as_ref().is_some_and(async_value)
        }
        _ => false,
    }
}

/// Turns the component model's `error-context` type and built-ins on or off
/// (Wasmtime's `Config::wasm_component_model_error_context`, which the C API
/// does not expose). `config` must be a live `wasm_config_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_config_component_model_error_context_set(
    config: *mut wasm_config_t,
    enable: bool,
) {
    // `wasm_config_t` is `#[repr(C)]` around one `wasmtime::Config`.
    let config = unsafe { &mut *config.cast::<wasmtime::Config>() };
    config.wasm_component_model_error_context(enable);
}

/// Drops `resource` as `wasmtime_component_resource_any_drop` does, but through
/// Wasmtime's async entry point, driven to its end on this thread: a store that
/// links an async host function refuses the sync one ("store configuration
/// requires that `*_async` functions are used instead"). Not from inside
/// another store's async call on this thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_component_resource_any_drop_async(
    store: WasmtimeStoreContextMut<'_>,
    resource: *const wasmtime_component_resource_any_t,
) -> Option<Box<wasmtime_error_t>> {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    // `wasmtime_component_resource_any_t` is `#[repr(C)]` around one `ResourceAny`.
    let resource = unsafe { *resource.cast::<wasmtime::component::ResourceAny>() };
    let mut future = std::pin::pin!(resource.resource_drop_async(store));
    loop {
        if let Poll::Ready(result) = future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            return result.err().map(|error| Box::new(error.into()));
        }
    }
}

/// Calls `func`, whose type is `func(list<u8>) -> list<u8>` or the same with
/// `string` for the parameter (`input_is_string`) or the result
/// (`output_is_string`), through Wasmtime's typed call: `input` is copied into
/// the guest's memory and the result out of it as whole buffers, not as one
/// dynamic value per byte. The result's bytes go to `output(data, bytes, size)`
/// while Wasmtime lifts the result, before the guest's post-return runs (which
/// may free or reuse them): at most once, and the call may still fail after it
/// (a trap in post-return). Errors as the C API's call gives them. `func` and
/// `context` must be live, and `input` must be UTF-8 when it is a string. The
/// caller checks both, once rather than on every call: the UTF-8 once for all
/// the plugins it calls, and the type (read from the function's component type,
/// which is what Wasmtime's `typed` would check again) when it placed the plugin.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_component_func_call_bytes(
    func: &wasmtime::component::Func,
    mut context: WasmtimeStoreContextMut<'_>,
    input: *const u8,
    input_len: usize,
    input_is_string: bool,
    output_is_string: bool,
    output: extern "C" fn(*mut c_void, *const u8, usize),
    data: *mut c_void,
) -> Option<Box<wasmtime_error_t>> {
    let input = if input_len == 0 {
        &[][..]
    } else {
        unsafe { std::slice::from_raw_parts(input, input_len) }
    };
    // Set for this call; a call the guest makes meanwhile sets its own.
    let _target = BytesTargetGuard::set(Some(BytesTarget { output, data }));
    let called = (|| -> wasmtime::Result<()> {
        // SAFETY (each `new_unchecked`): the caller checked the type (above).
        match (input_is_string, output_is_string) {
            (false, false) => {
                let f = unsafe { TypedFunc::<(&[u8],), (BytesOut,)>::new_unchecked(*func) };
                f.call(&mut context, (input,))?;
            }
            (false, true) => {
                let f = unsafe { TypedFunc::<(&[u8],), (TextOut,)>::new_unchecked(*func) };
                f.call(&mut context, (input,))?;
            }
            (true, false) => {
                // SAFETY: the caller checked that `input` is UTF-8 (see above).
                let text = unsafe { std::str::from_utf8_unchecked(input) };
                let f = unsafe { TypedFunc::<(&str,), (BytesOut,)>::new_unchecked(*func) };
                f.call(&mut context, (text,))?;
            }
            (true, true) => {
                // SAFETY: as above.
                let text = unsafe { std::str::from_utf8_unchecked(input) };
                let f = unsafe { TypedFunc::<(&str,), (TextOut,)>::new_unchecked(*func) };
                f.call(&mut context, (text,))?;
            }
        }
        Ok(())
    })();
    called.err().map(|error| Box::new(error.into()))
}

/// Where a byte-path call's result goes: set for the length of one call by
/// `wasm_link_component_func_call_bytes` (the previous value put back after
/// it), and taken by the lift of the result, which Wasmtime runs before the
/// guest's post-return.
#[derive(Copy, Clone)]
struct BytesTarget {
    output: extern "C" fn(*mut c_void, *const u8, usize),
    data: *mut c_void,
}

thread_local! {
    static BYTES_TARGET: std::cell::Cell<Option<BytesTarget>> = const { std::cell::Cell::new(None) };
}

/// Sets BYTES_TARGET for one call and puts the previous one back after it.
struct BytesTargetGuard(Option<BytesTarget>);

impl BytesTargetGuard {
    fn set(target: Option<BytesTarget>) -> BytesTargetGuard {
        BytesTargetGuard(BYTES_TARGET.with(|cell| cell.replace(target)))
    }
}

impl Drop for BytesTargetGuard {
    fn drop(&mut self) {
        BYTES_TARGET.with(|cell| cell.set(self.0));
    }
}

/// Gives `bytes` to the call's target, once.
fn give_bytes(bytes: &[u8]) -> wasmtime::Result<()> {
    let Some(target) = BYTES_TARGET.with(|cell| cell.take()) else {
        wasmtime::bail!(NOT_HERE)
    };
    (target.output)(target.data, bytes.as_ptr(), bytes.len());
    Ok(())
}

/// The `(pointer, length)` pair of a list or string at a return pointer.
fn pointer_pair(bytes: &[u8]) -> (usize, usize) {
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    (word(0), word(4))
}

/// The `ComponentType` of a byte-path result: laid out as Wasmtime's
/// `WasmList<u8>` and `WasmStr`, a (pointer, length) pair, which comes back
/// through a return pointer; its `Lift` reads it as one of those.
macro_rules! pointer_pair_result {
    ($name:ident) => {
        // SAFETY: the layout of `WasmList<u8>` and `WasmStr`, whose own lifts
        // check the pair before the `Lift` below reads it.
        unsafe impl ComponentType for $name {
            type Lower = [ValRaw; 2];
            const ABI: CanonicalAbiInfo = CanonicalAbiInfo::POINTER_PAIR;
            const MAY_REQUIRE_REALLOC: bool = true;

            fn typecheck(_ty: &InterfaceType, _types: &InstanceType<'_>) -> wasmtime::Result<()> {
                wasmtime::bail!(NOT_TYPED)
            }
        }
    };
}

/// A `list<u8>` result, given to BYTES_TARGET in place in the guest's memory
/// while Wasmtime lifts it.
struct BytesOut;
pointer_pair_result!(BytesOut);

// SAFETY: reads only the bytes `WasmList<u8>`'s own lift checked, bounds and
// hostcall fuel (max-result-bytes) included.
unsafe impl Lift for BytesOut {
    fn linear_lift_from_flat(
        _cx: &mut LiftContext<'_>,
        _ty: InterfaceType,
        _src: &[ValRaw; 2],
    ) -> wasmtime::Result<Self> {
        wasmtime::bail!(NOT_HERE)
    }

    fn linear_lift_from_memory(
        cx: &mut LiftContext<'_>,
        ty: InterfaceType,
        bytes: &[u8],
    ) -> wasmtime::Result<Self> {
        <WasmList<u8> as Lift>::linear_lift_from_memory(cx, ty, bytes)?;
        let (ptr, len) = pointer_pair(bytes);
        give_bytes(&cx.memory()[ptr..][..len])?;
        Ok(BytesOut)
    }
}

/// A `string` result, given to BYTES_TARGET as UTF-8 while Wasmtime lifts it:
/// in place when the guest's strings are UTF-8, else transcoded by Wasmtime.
struct TextOut;
pointer_pair_result!(TextOut);

// SAFETY: reads only the bytes `WasmStr`'s own lift checked (bounds and hostcall
// fuel), or what `String`'s lift made of them.
unsafe impl Lift for TextOut {
    fn linear_lift_from_flat(
        _cx: &mut LiftContext<'_>,
        _ty: InterfaceType,
        _src: &[ValRaw; 2],
    ) -> wasmtime::Result<Self> {
        wasmtime::bail!(NOT_HERE)
    }

    fn linear_lift_from_memory(
        cx: &mut LiftContext<'_>,
        ty: InterfaceType,
        bytes: &[u8],
    ) -> wasmtime::Result<Self> {
        use wasmtime::component::__internal::wasmtime_environ::component::StringEncoding;
        if cx.options().string_encoding != StringEncoding::Utf8 {
            // UTF-16 or Latin-1: Wasmtime decodes it.
            let text = <String as Lift>::linear_lift_from_memory(cx, ty, bytes)?;
            give_bytes(text.as_bytes())?;
            return Ok(TextOut);
        }
        <WasmStr as Lift>::linear_lift_from_memory(cx, ty, bytes)?;
        let (ptr, len) = pointer_pair(bytes);
        // Wasmtime's own check, with its message.
        let text = std::str::from_utf8(&cx.memory()[ptr..][..len])?;
        give_bytes(text.as_bytes())?;
        Ok(TextOut)
    }
}

// ---------------------------------------------------------------------------
// Flat calls: a function whose parameters flatten to at most 16 core values and
// whose result holds no pointer (scalars, and records and tuples of them),
// called through Wasmtime's typed call with the core values the caller lowered,
// without a dynamic value per argument, field or result.

use wasmtime::component::__internal::{
    CanonicalAbiInfo, InstanceType, InterfaceType, LiftContext, LowerContext,
};
use wasmtime::component::{
    ComponentNamedList, ComponentType, Lift, Lower, TypedFunc, WasmList, WasmStr,
};
use wasmtime::ValRaw;

/// The canonical ABI's limit on parameters passed as flat core values.
const WASM_LINK_FLAT_PARAMS_MAX: usize = 16;

const NOT_TYPED: &str = "a flat call's values are not type-checked here";
const NOT_HERE: &str = "a flat call does not lower or lift this way";

/// The `N` flat core values of a function's parameters, lowered by the caller.
#[derive(Copy, Clone)]
struct FlatParams<'a, const N: usize>(&'a [ValRaw; N]);

// SAFETY: `Lower` is `N` `ValRaw`s. `ABI` is only read for parameters passed in
// memory, which happens above 16 flat values; `wasm_link_component_func_call_flat`
// takes at most 16.
unsafe impl<const N: usize> ComponentType for FlatParams<'_, N> {
    type Lower = [ValRaw; N];
    const ABI: CanonicalAbiInfo = CanonicalAbiInfo::record_static(&[]);
    const MAY_REQUIRE_REALLOC: bool = false;

    fn typecheck(_ty: &InterfaceType, _types: &InstanceType<'_>) -> wasmtime::Result<()> {
        wasmtime::bail!(NOT_TYPED)
    }
}

// SAFETY: a parameter list, as Wasmtime's tuples are.
unsafe impl<const N: usize> ComponentNamedList for FlatParams<'_, N> {}

// SAFETY: writes the `N` values of `Lower` as they were given.
unsafe impl<const N: usize> Lower for FlatParams<'_, N> {
    fn linear_lower_to_flat<T>(
        &self,
        _cx: &mut LowerContext<'_, T>,
        _ty: InterfaceType,
        dst: &mut std::mem::MaybeUninit<[ValRaw; N]>,
    ) -> wasmtime::Result<()> {
        dst.write(*self.0);
        Ok(())
    }

    fn linear_lower_to_memory<T>(
        &self,
        _cx: &mut LowerContext<'_, T>,
        _ty: InterfaceType,
        _offset: usize,
    ) -> wasmtime::Result<()> {
        wasmtime::bail!(NOT_HERE)
    }
}

/// A result of one flat core value, as the guest returned it.
#[derive(Copy, Clone)]
struct FlatResult(ValRaw);

// SAFETY: `Lower` is one `ValRaw`, so the result comes back flat; `ABI` is not
// read for a result that does.
unsafe impl ComponentType for FlatResult {
    type Lower = ValRaw;
    const ABI: CanonicalAbiInfo = CanonicalAbiInfo::SCALAR8;
    const MAY_REQUIRE_REALLOC: bool = false;

    fn typecheck(_ty: &InterfaceType, _types: &InstanceType<'_>) -> wasmtime::Result<()> {
        wasmtime::bail!(NOT_TYPED)
    }
}

// SAFETY: a result list of one value.
unsafe impl ComponentNamedList for FlatResult {}

// SAFETY: copies the one `ValRaw`.
unsafe impl Lift for FlatResult {
    fn linear_lift_from_flat(
        _cx: &mut LiftContext<'_>,
        _ty: InterfaceType,
        src: &ValRaw,
    ) -> wasmtime::Result<Self> {
        Ok(FlatResult(*src))
    }

    fn linear_lift_from_memory(
        _cx: &mut LiftContext<'_>,
        _ty: InterfaceType,
        _bytes: &[u8],
    ) -> wasmtime::Result<Self> {
        wasmtime::bail!(NOT_HERE)
    }
}

/// Where a result returned through memory is copied to: `size` bytes from a
/// return pointer aligned to `align`. Set for the length of one call by
/// `wasm_link_component_func_call_flat` (the previous value restored after it,
/// since a guest may call the host, and the host this function, while it runs):
/// Wasmtime's lift has only the result's static type to go by.
#[derive(Copy, Clone)]
struct MemoryTarget {
    out: *mut u8,
    size: usize,
    align: usize,
}

thread_local! {
    static MEMORY_TARGET: std::cell::Cell<Option<MemoryTarget>> = const { std::cell::Cell::new(None) };
}

/// A result returned through memory, copied out of it during the lift, before
/// the function's post-return runs.
struct MemoryResult;

// SAFETY: `Lower` is two `ValRaw`s, more than a result may have flat, so the
// result comes back through a return pointer. The static size and alignment
// are those of an empty record, so Wasmtime's own checks of the pointer always
// pass: the lift checks it against the size and alignment of MEMORY_TARGET.
unsafe impl ComponentType for MemoryResult {
    type Lower = [ValRaw; 2];
    const ABI: CanonicalAbiInfo = CanonicalAbiInfo::record_static(&[]);
    const MAY_REQUIRE_REALLOC: bool = false;

    fn typecheck(_ty: &InterfaceType, _types: &InstanceType<'_>) -> wasmtime::Result<()> {
        wasmtime::bail!(NOT_TYPED)
    }
}

// SAFETY: a result list of one value.
unsafe impl ComponentNamedList for MemoryResult {}

// SAFETY: reads only within the guest's memory, bounds-checked.
unsafe impl Lift for MemoryResult {
    fn linear_lift_from_flat(
        _cx: &mut LiftContext<'_>,
        _ty: InterfaceType,
        _src: &[ValRaw; 2],
    ) -> wasmtime::Result<Self> {
        wasmtime::bail!(NOT_HERE)
    }

    fn linear_lift_from_memory(
        cx: &mut LiftContext<'_>,
        _ty: InterfaceType,
        bytes: &[u8],
    ) -> wasmtime::Result<Self> {
        let Some(target) = MEMORY_TARGET.with(|cell| cell.get()) else {
            wasmtime::bail!(NOT_HERE)
        };
        // `bytes` is the empty slice at the return pointer.
        let memory = cx.memory();
        let ptr = bytes.as_ptr() as usize - memory.as_ptr() as usize;
        // The checks and messages of Wasmtime's own lift of a result.
        if ptr % target.align != 0 {
            wasmtime::bail!("return pointer not aligned");
        }
        let result = memory
            .get(ptr..)
            .and_then(|b| b.get(..target.size))
            .ok_or_else(|| wasmtime::format_err!("pointer out of bounds of memory"))?;
        // SAFETY: the caller gave `out` room for `size` bytes.
        unsafe { std::ptr::copy_nonoverlapping(result.as_ptr(), target.out, target.size) };
        Ok(MemoryResult)
    }
}

/// Sets MEMORY_TARGET for one call and puts the previous one back after it.
struct TargetGuard(Option<MemoryTarget>);

impl TargetGuard {
    fn set(target: Option<MemoryTarget>) -> TargetGuard {
        TargetGuard(MEMORY_TARGET.with(|cell| cell.replace(target)))
    }
}

impl Drop for TargetGuard {
    fn drop(&mut self) {
        MEMORY_TARGET.with(|cell| cell.set(self.0));
    }
}

/// How a flat call's result comes back (named as C spells it).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum wasm_link_flat_result_t {
    /// The function has no result.
    WASM_LINK_FLAT_RESULT_NONE = 0,
    /// One core value, written to `*flat_result`.
    WASM_LINK_FLAT_RESULT_FLAT = 1,
    /// Through a return pointer: `memory_size` bytes copied to `memory_result`.
    WASM_LINK_FLAT_RESULT_MEMORY = 2,
}

/// Calls `func` with the `nargs` (at most 16) core values of its parameters as
/// the canonical ABI flattens them (`args`), through Wasmtime's typed call:
/// no dynamic value per argument, field or result. Its result comes back as
/// `result` says: one core value to `*flat_result`, or the `memory_size` bytes
/// at the return pointer, which must be aligned to `memory_align` (a power of
/// two) and lie within the guest's memory, copied to `memory_result` before the
/// function's post-return runs. A store that must be entered asynchronously and
/// an export lifted with the `async` option are errors before the guest runs,
/// with the messages the C API's call gives; so is a bad return pointer, with
/// those of Wasmtime's lift. `func` and `context` must be live, the outputs
/// must have room for the result, and the caller checked the type, when it
/// placed the plugin, from the function's component type: the parameters
/// flatten to exactly `nargs` values of the kinds in `args`, and the result to
/// one value or to `memory_size` bytes with no pointer among them. Wasmtime's
/// `typed` would check that again on every call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_component_func_call_flat(
    func: &wasmtime::component::Func,
    mut context: WasmtimeStoreContextMut<'_>,
    args: *const ValRaw,
    nargs: usize,
    result: wasm_link_flat_result_t,
    flat_result: *mut ValRaw,
    memory_result: *mut u8,
    memory_size: usize,
    memory_align: usize,
) -> Option<Box<wasmtime_error_t>> {
    use wasm_link_flat_result_t::*;
    // Only a result in memory reads MEMORY_TARGET.
    let _guard = (result == WASM_LINK_FLAT_RESULT_MEMORY).then(|| {
        TargetGuard::set(Some(MemoryTarget {
            out: memory_result,
            size: memory_size,
            align: memory_align.max(1),
        }))
    });
    macro_rules! call {
        ($n:literal) => {{
            // SAFETY: the caller gave `nargs` values.
            let values = unsafe { &*args.cast::<[ValRaw; $n]>() };
            let params = FlatParams::<$n>(values);
            // SAFETY (each `new_unchecked`): the caller checked the type (above).
            match result {
                WASM_LINK_FLAT_RESULT_NONE => {
                    let f = unsafe { TypedFunc::<FlatParams<$n>, ()>::new_unchecked(*func) };
                    f.call(&mut context, params)?;
                }
                WASM_LINK_FLAT_RESULT_FLAT => {
                    let f = unsafe { TypedFunc::<FlatParams<$n>, FlatResult>::new_unchecked(*func) };
                    let FlatResult(out) = f.call(&mut context, params)?;
                    unsafe { *flat_result = out };
                }
                WASM_LINK_FLAT_RESULT_MEMORY => {
                    let f = unsafe { TypedFunc::<FlatParams<$n>, MemoryResult>::new_unchecked(*func) };
                    f.call(&mut context, params)?;
                }
            }
        }};
    }
    let called = (|| -> wasmtime::Result<()> {
        match nargs {
            0 => call!(0),
            1 => call!(1),
            2 => call!(2),
            3 => call!(3),
            4 => call!(4),
            5 => call!(5),
            6 => call!(6),
            7 => call!(7),
            8 => call!(8),
            9 => call!(9),
            10 => call!(10),
            11 => call!(11),
            12 => call!(12),
            13 => call!(13),
            14 => call!(14),
            15 => call!(15),
            16 => call!(16),
            _ => wasmtime::bail!(
                "a flat call takes at most {WASM_LINK_FLAT_PARAMS_MAX} core values, not {nargs}"
            ),
        }
        Ok(())
    })();
    called.err().map(|error| Box::new(error.into()))
}

/// Where the compiled image of `component` starts in memory (Wasmtime's
/// `Component::image_range`): the same for every copy of one compiled component
/// (`wasmtime_component_clone` shares the image), and different for components
/// alive at the same time that were compiled or deserialized apart. Null for an
/// empty image, which identifies nothing. `component` must be a live
/// `wasmtime_component_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_component_image_start(
    component: *const wasmtime_component_t,
) -> *const u8 {
    // `wasmtime_component_t` is `#[repr(transparent)]` around one `Component`.
    let component = unsafe { &*component.cast::<wasmtime::component::Component>() };
    let image = component.image_range();
    if image.is_empty() {
        std::ptr::null()
    } else {
        image.start
    }
}

/// How many bytes the compiled image of `component` takes (the length of
/// Wasmtime's `Component::image_range`): what keeping a copy of the component
/// keeps mapped. `component` must be a live `wasmtime_component_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_component_image_size(
    component: *const wasmtime_component_t,
) -> usize {
    // `wasmtime_component_t` is `#[repr(transparent)]` around one `Component`.
    let component = unsafe { &*component.cast::<wasmtime::component::Component>() };
    let image = component.image_range();
    (image.end as usize) - (image.start as usize)
}

/// A new owned reference to the engine `component` belongs to, for
/// `wasm_engine_delete`. `component` must be a live `wasmtime_component_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_component_engine(
    component: *const wasmtime_component_t,
) -> *mut wasm_engine_t {
    // `wasmtime_component_t` is `#[repr(transparent)]` around one `Component`,
    // and `wasm_engine_t` is `#[repr(C)]` around one `Engine`: a boxed engine
    // is a boxed `wasm_engine_t`, which `wasm_engine_delete` frees as one.
    let component = unsafe { &*component.cast::<wasmtime::component::Component>() };
    Box::into_raw(Box::new(component.engine().clone())).cast::<wasm_engine_t>()
}

// ---------------------------------------------------------------------------
// Byte sockets: a host function for an import `func(list<u8> | string) -> R`,
// where R holds `result<list<u8> | string, E>` per plugin, lifted and lowered
// through Wasmtime's typed path: the argument is read in place in the caller's
// memory, and each plugin's bytes are copied into it whole, not as one dynamic
// value per byte.

/// How a byte socket gathers its plugins' results (named as C spells them).
pub const WASM_LINK_SOCKET_TUPLE: u8 = 0; // tuple<string, result<O, E>>: exactly one
pub const WASM_LINK_SOCKET_OPTION: u8 = 1; // option<tuple<string, result<O, E>>>
pub const WASM_LINK_SOCKET_LIST: u8 = 2; // list<tuple<string, result<O, E>>>

/// What a byte socket's `E` is.
pub const WASM_LINK_SOCKET_ERROR_NONE: u8 = 0; // result<O>: a bare `err`
pub const WASM_LINK_SOCKET_ERROR_STRING: u8 = 1; // result<O, string>
pub const WASM_LINK_SOCKET_ERROR_VARIANT: u8 = 2; // a variant whose cases carry a string or nothing

/// The shape of a byte socket's import: the container, whether the parameter
/// and the `ok` payload are `string` (else `list<u8>`), and the error form.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Copy, Clone)]
pub struct wasm_link_socket_bytes_shape_t {
    pub container: u8,
    pub input_is_string: bool,
    pub output_is_string: bool,
    pub error: u8,
}

/// One plugin's error as the caller sees it: the case of its error variant
/// (for WASM_LINK_SOCKET_ERROR_VARIANT) and its message, if the case (or the
/// string form) carries one.
struct SocketError {
    case: u32,
    message: Option<Vec<u8>>,
}

/// The plugins' outcomes of one call of a byte socket, in order, as the
/// embedder's callback adds them.
#[allow(non_camel_case_types)]
pub struct wasm_link_socket_results_t {
    entries: Vec<SocketOutcome>,
}

/// A plugin's id and its bytes or error, as the callback gave them.
type SocketOutcome = (Vec<u8>, Result<Vec<u8>, SocketError>);

/// A copy of the `len` bytes at `data` (which may be null when `len` is 0).
/// SAFETY: `data` must point at `len` readable bytes.
unsafe fn bytes_of(data: *const u8, len: usize) -> Vec<u8> {
    if len == 0 {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(data, len) }.to_vec()
    }
}

/// Adds plugin `id`'s bytes (`size` of them) as an `ok` outcome. `results` is
/// the one the callback was given; `id` and, for a string result, the bytes
/// must be UTF-8, else the call traps the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_socket_results_ok(
    results: &mut wasm_link_socket_results_t,
    id: *const u8,
    id_len: usize,
    bytes: *const u8,
    size: usize,
) {
    // SAFETY: the caller gives `id_len` and `size` readable bytes.
    let outcome = unsafe { (bytes_of(id, id_len), Ok(bytes_of(bytes, size))) };
    results.entries.push(outcome);
}

/// Adds plugin `id`'s error as an `err` outcome: `case` of the caller's error
/// variant, with `message` (`message_len` bytes of UTF-8) as its payload, or
/// none when `message` is null. The string form takes the message and a bare
/// `err` neither. A case out of the variant's range, or a payload the case
/// does not carry, traps the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_socket_results_err(
    results: &mut wasm_link_socket_results_t,
    id: *const u8,
    id_len: usize,
    case: u32,
    message: *const u8,
    message_len: usize,
) {
    // SAFETY: the caller gives `id_len` and, unless null, `message_len` readable bytes.
    let message = (!message.is_null()).then(|| unsafe { bytes_of(message, message_len) });
    let id = unsafe { bytes_of(id, id_len) };
    results.entries.push((id, Err(SocketError { case, message })));
}

/// The embedder's half of a byte socket: called with the caller's argument in
/// place (`input`, `input_len` bytes; UTF-8 when it is a string), it adds each
/// plugin's outcome to `results`. An error it returns traps the caller.
#[allow(non_camel_case_types)]
pub type wasm_link_socket_bytes_callback_t = extern "C" fn(
    data: *mut c_void,
    input: *const u8,
    input_len: usize,
    results: *mut wasm_link_socket_results_t,
) -> Option<Box<wasmtime_error_t>>;

struct SocketHost {
    callback: wasm_link_socket_bytes_callback_t,
    data: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
}

// As for `HostFunction`: the embedder's callback and data are its to make thread-safe.
unsafe impl Send for SocketHost {}
unsafe impl Sync for SocketHost {}

impl Drop for SocketHost {
    fn drop(&mut self) {
        if let Some(finalizer) = self.finalizer {
            finalizer(self.data);
        }
    }
}

impl SocketHost {
    fn call(&self, input: &[u8]) -> wasmtime::Result<Vec<SocketOutcome>> {
        let mut results = wasm_link_socket_results_t { entries: Vec::new() };
        if let Some(error) = (self.callback)(self.data, input.as_ptr(), input.len(), &mut results) {
            return Err((*error).into());
        }
        Ok(results.entries)
    }
}

/// A byte socket's parameter, read in place in the caller's memory.
trait SocketInput: ComponentType + Lift + Send + Sync + 'static {
    fn with_bytes<R>(
        &self,
        store: &WasmtimeStoreContextMut<'_>,
        f: impl FnOnce(&[u8]) -> R,
    ) -> wasmtime::Result<R>;
}

impl SocketInput for WasmList<u8> {
    fn with_bytes<R>(
        &self,
        store: &WasmtimeStoreContextMut<'_>,
        f: impl FnOnce(&[u8]) -> R,
    ) -> wasmtime::Result<R> {
        Ok(f(self.as_le_slice(store)))
    }
}

impl SocketInput for WasmStr {
    fn with_bytes<R>(
        &self,
        store: &WasmtimeStoreContextMut<'_>,
        f: impl FnOnce(&[u8]) -> R,
    ) -> wasmtime::Result<R> {
        // Borrowed for a UTF-8 caller; a UTF-16 or Latin-1 one's is transcoded.
        Ok(f(self.to_str(store)?.as_bytes()))
    }
}

/// A byte socket's `ok` payload: `list<u8>` or `string`.
trait SocketOk: ComponentType + Lower + Send + Sync + Sized + 'static {
    fn from_bytes(bytes: Vec<u8>) -> wasmtime::Result<Self>;
}

impl SocketOk for Vec<u8> {
    fn from_bytes(bytes: Vec<u8>) -> wasmtime::Result<Self> {
        Ok(bytes)
    }
}

impl SocketOk for String {
    fn from_bytes(bytes: Vec<u8>) -> wasmtime::Result<Self> {
        utf8(bytes, "string result")
    }
}

fn utf8(bytes: Vec<u8>, what: &str) -> wasmtime::Result<String> {
    String::from_utf8(bytes).map_err(|_| wasmtime::format_err!("a socket's {what} is not UTF-8"))
}

/// A byte socket's `E`: nothing, a string, or a variant of messages.
trait SocketErr: ComponentType + Lower + Send + Sync + Sized + 'static {
    fn from_error(error: SocketError) -> wasmtime::Result<Self>;
}

impl SocketErr for () {
    fn from_error(_: SocketError) -> wasmtime::Result<Self> {
        Ok(())
    }
}

impl SocketErr for String {
    fn from_error(error: SocketError) -> wasmtime::Result<Self> {
        utf8(error.message.unwrap_or_default(), "error message")
    }
}

/// A case of the caller's error variant, with the string it carries, if any.
/// The variant is the caller's own (its cases, in its order); each case carries
/// a string or nothing, and at least one carries a string, which makes its
/// layout that of a one-byte discriminant and a string.
struct VariantError {
    case: u32,
    message: Option<String>,
}

impl SocketErr for VariantError {
    fn from_error(error: SocketError) -> wasmtime::Result<Self> {
        let message = error.message.map(|m| utf8(m, "error message")).transpose()?;
        Ok(VariantError { case: error.case, message })
    }
}

use wasmtime::component::__internal::ComponentTypes;

/// The variant `ty` names, if its cases are those VariantError can be.
fn error_variant_cases(
    ty: &InterfaceType,
    types: &ComponentTypes,
) -> wasmtime::Result<Vec<bool>> {
    let InterfaceType::Variant(index) = ty else {
        wasmtime::bail!("expected an error variant")
    };
    let mut carries = Vec::new();
    for payload in types[*index].cases.values() {
        match payload {
            None => carries.push(false),
            Some(InterfaceType::String) => carries.push(true),
            Some(_) => wasmtime::bail!("an error variant's case carries a string or nothing"),
        }
    }
    if carries.len() > 256 || !carries.contains(&true) {
        wasmtime::bail!("an error variant has at most 256 cases and one that carries a string");
    }
    Ok(carries)
}

impl VariantError {
    /// Checks the case against the variant `ty` and gives its discriminant.
    fn discriminant(&self, ty: &InterfaceType, types: &ComponentTypes) -> wasmtime::Result<u8> {
        let carries = error_variant_cases(ty, types)?;
        match carries.get(self.case as usize) {
            Some(&carries) if carries == self.message.is_some() => Ok(self.case as u8),
            Some(_) => wasmtime::bail!("error case {} takes another payload", self.case),
            None => wasmtime::bail!("error case {} is not one of the variant's", self.case),
        }
    }
}

// SAFETY: `Lower` is a discriminant and a string's two flat values, and `ABI`
// is a variant of a one-byte discriminant and a string payload, which is what
// `typecheck` accepts (see `error_variant_cases`).
unsafe impl ComponentType for VariantError {
    type Lower = [ValRaw; 3];
    const ABI: CanonicalAbiInfo =
        CanonicalAbiInfo::variant_static(&[Some(<String as ComponentType>::ABI), None]);
    const MAY_REQUIRE_REALLOC: bool = true;

    fn typecheck(ty: &InterfaceType, types: &InstanceType<'_>) -> wasmtime::Result<()> {
        error_variant_cases(ty, types.types).map(|_| ())
    }
}

// SAFETY: writes the discriminant, then the payload as `String` lowers it.
unsafe impl Lower for VariantError {
    fn linear_lower_to_flat<T>(
        &self,
        cx: &mut LowerContext<'_, T>,
        ty: InterfaceType,
        dst: &mut std::mem::MaybeUninit<[ValRaw; 3]>,
    ) -> wasmtime::Result<()> {
        let discriminant = self.discriminant(&ty, cx.types)?;
        let mut payload = [ValRaw::u32(0), ValRaw::u32(0)];
        if let Some(message) = &self.message {
            let mut lowered = std::mem::MaybeUninit::<[ValRaw; 2]>::uninit();
            message.as_str().linear_lower_to_flat(cx, InterfaceType::String, &mut lowered)?;
            // SAFETY: `str`'s lower wrote both values.
            payload = unsafe { lowered.assume_init() };
        }
        dst.write([ValRaw::u32(discriminant.into()), payload[0], payload[1]]);
        Ok(())
    }

    fn linear_lower_to_memory<T>(
        &self,
        cx: &mut LowerContext<'_, T>,
        ty: InterfaceType,
        offset: usize,
    ) -> wasmtime::Result<()> {
        let discriminant = self.discriminant(&ty, cx.types)?;
        cx.get::<1>(offset)[0] = discriminant;
        if let Some(message) = &self.message {
            // The payload follows the one-byte discriminant at the string's alignment.
            let payload = offset + <String as ComponentType>::ABI.align32 as usize;
            message.as_str().linear_lower_to_memory(cx, InterfaceType::String, payload)?;
        }
        Ok(())
    }
}

/// One plugin's entry: its id and outcome.
fn socket_entry<O: SocketOk, E: SocketErr>(
    (id, outcome): SocketOutcome,
) -> wasmtime::Result<(String, Result<O, E>)> {
    let outcome = match outcome {
        Ok(bytes) => Ok(O::from_bytes(bytes)?),
        Err(error) => Err(E::from_error(error)?),
    };
    Ok((utf8(id, "plugin id")?, outcome))
}

fn add_socket_func<P: SocketInput, O: SocketOk, E: SocketErr>(
    linker_instance: &mut LinkerInstanceOf<'_>,
    name: &str,
    container: u8,
    host: Arc<SocketHost>,
) -> wasmtime::Result<()> {
    let gather = move |store: WasmtimeStoreContextMut<'_>, input: P| {
        input.with_bytes(&store, |bytes| host.call(bytes))?
    };
    match container {
        WASM_LINK_SOCKET_TUPLE => linker_instance.func_wrap(name, move |store, (input,): (P,)| {
            let mut entries = gather(store, input)?.into_iter();
            match (entries.next(), entries.next()) {
                (Some(entry), None) => Ok((socket_entry::<O, E>(entry)?,)),
                _ => wasmtime::bail!("an exactly-one socket gives one result"),
            }
        }),
        WASM_LINK_SOCKET_OPTION => linker_instance.func_wrap(name, move |store, (input,): (P,)| {
            let mut entries = gather(store, input)?.into_iter();
            match (entries.next(), entries.next()) {
                (entry, None) => Ok((entry.map(socket_entry::<O, E>).transpose()?,)),
                _ => wasmtime::bail!("an at-most-one socket gives at most one result"),
            }
        }),
        WASM_LINK_SOCKET_LIST => linker_instance.func_wrap(name, move |store, (input,): (P,)| {
            let entries = gather(store, input)?;
            let list: wasmtime::Result<Vec<_>> =
                entries.into_iter().map(socket_entry::<O, E>).collect();
            Ok((list?,))
        }),
        other => wasmtime::bail!("no byte socket gathers its results as {other}"),
    }
}

/// Defines `name` in `linker_instance` as a byte socket of `shape`:
/// `callback(data, input, input_len, results)` gets the caller's argument in
/// place and adds each plugin's outcome, which the function lowers into the
/// caller's memory as `shape` says. The import's type is checked against the
/// shape when a component is instantiated (a mismatch fails it); the container
/// is checked on every call: an exactly-one socket needs one outcome and an
/// at-most-one at most one, else the call traps the caller. `linker_instance`
/// must be live; `finalizer(data)` runs when the linker goes (also when this
/// fails).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_link_component_linker_instance_add_socket_bytes(
    linker_instance: *mut wasmtime_component_linker_instance_t<'_>,
    name: *const u8,
    name_len: usize,
    shape: wasm_link_socket_bytes_shape_t,
    callback: wasm_link_socket_bytes_callback_t,
    data: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
) -> Option<Box<wasmtime_error_t>> {
    // Made first, so that `finalizer` runs whatever happens.
    let host = Arc::new(SocketHost { callback, data, finalizer });
    let site = unsafe { host_function_site(linker_instance, name, name_len) };
    let (linker_instance, name) = match site {
        Ok(site) => site,
        Err(error) => return Some(error),
    };
    macro_rules! add {
        ($input:ty, $ok:ty, $err:ty) => {
            add_socket_func::<$input, $ok, $err>(linker_instance, name, shape.container, host)
        };
    }
    type Bytes = WasmList<u8>;
    let added = match (shape.input_is_string, shape.output_is_string, shape.error) {
        (false, false, WASM_LINK_SOCKET_ERROR_NONE) => add!(Bytes, Vec<u8>, ()),
        (false, false, WASM_LINK_SOCKET_ERROR_STRING) => add!(Bytes, Vec<u8>, String),
        (false, false, WASM_LINK_SOCKET_ERROR_VARIANT) => add!(Bytes, Vec<u8>, VariantError),
        (false, true, WASM_LINK_SOCKET_ERROR_NONE) => add!(Bytes, String, ()),
        (false, true, WASM_LINK_SOCKET_ERROR_STRING) => add!(Bytes, String, String),
        (false, true, WASM_LINK_SOCKET_ERROR_VARIANT) => add!(Bytes, String, VariantError),
        (true, false, WASM_LINK_SOCKET_ERROR_NONE) => add!(WasmStr, Vec<u8>, ()),
        (true, false, WASM_LINK_SOCKET_ERROR_STRING) => add!(WasmStr, Vec<u8>, String),
        (true, false, WASM_LINK_SOCKET_ERROR_VARIANT) => add!(WasmStr, Vec<u8>, VariantError),
        (true, true, WASM_LINK_SOCKET_ERROR_NONE) => add!(WasmStr, String, ()),
        (true, true, WASM_LINK_SOCKET_ERROR_STRING) => add!(WasmStr, String, String),
        (true, true, WASM_LINK_SOCKET_ERROR_VARIANT) => add!(WasmStr, String, VariantError),
        (_, _, other) => Err(wasmtime::format_err!("no byte socket has error form {other}")),
    };
    added.err().map(|error| Box::new(error.into()))
}
