/* What wasm-link adds to Wasmtime's C API, from the Rust crate that builds it
 * (cmake/wasmtime-c-api/src/lib.rs). Each function is tested from C++. */
#ifndef WASM_LINK_SHIM_H
#define WASM_LINK_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wasi.h>
#include <wasm.h>
#include <wasmtime/component/component.h>
#include <wasmtime/component/func.h>
#include <wasmtime/component/linker.h>
#include <wasmtime/component/val.h>
#include <wasmtime/error.h>
#include <wasmtime/store.h>
#include <wasmtime/val.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A hash of the settings of `engine` that decide whether a component compiled
 * by one engine can be loaded by another (Wasmtime's
 * Engine::precompile_compatibility_hash). */
uint64_t wasm_link_engine_precompile_hash(const wasm_engine_t *engine);

/* Whether `engine` meters fuel (Config::consume_fuel): a store of an engine
 * that does not refuses wasmtime_context_set_fuel with an error. */
bool wasm_link_engine_consumes_fuel(const wasm_engine_t *engine);

/* Lets the WASI configuration reach the network (TCP and UDP to any address
 * the host reaches) or not. */
void wasm_link_wasi_config_allow_network(wasi_config_t *config, bool allow);

/* Sends what the plugin writes to stdout (`stream` 1) or stderr (2) to
 * `callback(data, bytes, size)`, synchronously on the writing thread;
 * `finalizer(data)` runs when the store holding the WASI context goes. False
 * for another `stream`. */
bool wasm_link_wasi_config_set_output(wasi_config_t *config, uint32_t stream,
                                      ptrdiff_t (*callback)(void *, const unsigned char *, size_t),
                                      void *data, void (*finalizer)(void *));

/* Caps over the whole store: the bytes of all linear memories together, the
 * elements of all tables together, and the counts of instances, tables and
 * memories; negative: no cap (counts: Wasmtime's default, 10,000). */
void wasm_link_store_limit_totals(wasmtime_store_t *store, int64_t memory_bytes,
                                  int64_t table_elements, int64_t instances, int64_t tables,
                                  int64_t memories);

/* Bounds the bytes of strings and lists one call may copy from the plugin to
 * the host (Wasmtime's hostcall fuel; 128 MiB unless set). */
void wasm_link_store_set_hostcall_fuel(wasmtime_store_t *store, size_t bytes);

/* WebAssembly text to binary, as wasmtime_wat2wasm (errors name `path`, if not
 * null, as the text's file), also accepting the
 * component text syntax from before WebAssembly/component-model#655 that
 * Wasmtime 46 accepted and 48 refuses (`(memory $i "memory")`, `(func $f)` in a
 * `dtor` or canonical option): text the current parser refuses for that syntax
 * goes to the last parser that accepts it. Without changing the process
 * environment; WAST_STRICT_COMPONENT_INDICES=1 still refuses it. */
wasmtime_error_t *wasm_link_wat2wasm(const char *wat, size_t wat_len, const char *path,
                                     size_t path_len, wasm_byte_vec_t *ret);

/* As wasmtime_component_linker_instance_add_func, for an import of an `async
 * func` type, which Wasmtime links only to a concurrent host function. The
 * callback runs to completion inside the call, as a sync one does. Fails when
 * the engine lacks concurrency support. */
wasmtime_error_t *wasm_link_component_linker_instance_add_func_concurrent(
    wasmtime_component_linker_instance_t *linker_instance, const char *name, size_t name_len,
    wasmtime_component_func_callback_t callback, void *data, void (*finalizer)(void *));

/* Whether the binary component in `bytes` needs Wasmtime's concurrency support
 * to compile: an `async func`, `future`, `stream` or `error-context` type, the
 * `async` canonical option, or an async built-in. Reads types, not code; false
 * for bytes it cannot parse. */
bool wasm_link_component_needs_concurrency(const uint8_t *bytes, size_t len);

/* As wasmtime_component_resource_any_drop, through Wasmtime's async entry
 * point (driven to its end on this thread), which a store that links an async
 * host function requires. Not from inside another store's async call on this
 * thread. */
wasmtime_error_t *
wasm_link_component_resource_any_drop_async(wasmtime_context_t *store,
                                            const wasmtime_component_resource_any_t *resource);

/* Calls `func`, of type `func(list<u8>) -> list<u8>` or with `string` for the
 * parameter or the result, through Wasmtime's typed call: the argument and the
 * result cross the guest's memory as whole buffers. `output(data, bytes,
 * size)` gets the result at most once, read in place in the guest's memory
 * while Wasmtime lifts it, before the guest's post-return runs (which may free
 * or reuse it): a string's checked to be UTF-8, or transcoded by Wasmtime from
 * the guest's UTF-16 or Latin-1. The call can still fail after it (a trap in
 * post-return). A store that must be entered asynchronously and an export
 * lifted with the `async` option are errors before the guest runs, with the
 * messages the C API's call gives. Unchecked here, so that a call does not pay
 * for them: a string argument must be UTF-8, and `func` must have the type
 * given (the runtime reads it from the component's type when it places the
 * plugin; Wasmtime's `typed` would check it again on every call). */
wasmtime_error_t *
wasm_link_component_func_call_bytes(const wasmtime_component_func_t *func,
                                    wasmtime_context_t *context, const uint8_t *input,
                                    size_t input_len, bool input_is_string, bool output_is_string,
                                    void (*output)(void *, const uint8_t *, size_t), void *data);

/* How wasm_link_component_func_call_flat gives a function's result. */
typedef enum wasm_link_flat_result_t {
  WASM_LINK_FLAT_RESULT_NONE = 0,   /* the function has no result */
  WASM_LINK_FLAT_RESULT_FLAT = 1,   /* one core value, to `*flat_result` */
  WASM_LINK_FLAT_RESULT_MEMORY = 2, /* `memory_size` bytes, to `memory_result` */
} wasm_link_flat_result_t;

/* The most core values wasm_link_component_func_call_flat takes. */
#define WASM_LINK_FLAT_PARAMS_MAX 16

/* Calls `func` with the `nargs` (at most 16) core values its parameters
 * flatten to in the canonical ABI (`args`), through Wasmtime's typed call:
 * no dynamic value per argument, field or result. The result comes back as
 * `result` says: one core value to `*flat_result`, or the `memory_size` bytes
 * at the guest's return pointer, copied to `memory_result` before the
 * function's post-return runs. A return pointer not aligned to `memory_align`
 * (a power of two) or not within the guest's memory is an error with the
 * message of Wasmtime's own lift; a store that must be entered asynchronously
 * and an export lifted with the `async` option are errors before the guest
 * runs, with the messages the C API's call gives. `func` must have the type
 * this describes, which is not checked here: its parameters flatten to exactly
 * `nargs` values of the kinds in `args`, and its result to one core value or to
 * `memory_size` bytes holding no pointer. The runtime reads that from the
 * component's type when it places the plugin (Export::flat), and Wasmtime's
 * `typed` would check it again on every call. */
wasmtime_error_t *wasm_link_component_func_call_flat(const wasmtime_component_func_t *func,
                                                     wasmtime_context_t *context,
                                                     const wasmtime_val_raw_t *args, size_t nargs,
                                                     wasm_link_flat_result_t result,
                                                     wasmtime_val_raw_t *flat_result,
                                                     uint8_t *memory_result, size_t memory_size,
                                                     size_t memory_align);

/* How a byte socket gathers its plugins' outcomes (see
 * wasm_link_component_linker_instance_add_socket_bytes). */
#define WASM_LINK_SOCKET_TUPLE 0  /* tuple<string, result<O, E>>: exactly one */
#define WASM_LINK_SOCKET_OPTION 1 /* option<tuple<string, result<O, E>>> */
#define WASM_LINK_SOCKET_LIST 2   /* list<tuple<string, result<O, E>>> */

/* What a byte socket's `E` is. */
#define WASM_LINK_SOCKET_ERROR_NONE 0    /* result<O>: a bare `err` */
#define WASM_LINK_SOCKET_ERROR_STRING 1  /* result<O, string> */
#define WASM_LINK_SOCKET_ERROR_VARIANT 2 /* a variant whose cases carry a string or nothing */

/* A byte socket's import: the container, whether the parameter and the `ok`
 * payload `O` are `string` (else list<u8>), and the error form. */
typedef struct wasm_link_socket_bytes_shape_t {
  uint8_t container;
  bool input_is_string;
  bool output_is_string;
  uint8_t error;
} wasm_link_socket_bytes_shape_t;

/* The outcomes of one call of a byte socket, which its callback adds. */
typedef struct wasm_link_socket_results_t wasm_link_socket_results_t;

/* A byte socket's callback: `input` is the caller's argument, in place in its
 * memory (UTF-8 when it is a string), valid until the callback returns. It
 * adds each plugin's outcome to `results`; an error it returns traps the
 * caller. */
typedef wasmtime_error_t *(*wasm_link_socket_bytes_callback_t)(void *data, const uint8_t *input,
                                                               size_t input_len,
                                                               wasm_link_socket_results_t *results);

/* Adds plugin `id`'s `size` bytes as an `ok` outcome (copied). */
void wasm_link_socket_results_ok(wasm_link_socket_results_t *results, const char *id, size_t id_len,
                                 const uint8_t *bytes, size_t size);

/* Adds plugin `id`'s error: `error_case` of the caller's error variant (for
 * the variant form), with `message` as its payload, or none when `message` is
 * null. The string form takes the message; a bare `err` takes neither. A case
 * out of the variant's range, a payload the case does not carry, or an id or
 * string that is not UTF-8 traps the caller. */
void wasm_link_socket_results_err(wasm_link_socket_results_t *results, const char *id,
                                  size_t id_len, uint32_t error_case, const char *message,
                                  size_t message_len);

/* Defines `name` in `linker_instance` as a byte socket: an import
 * `func(list<u8> or string) -> R` whose R holds result<list<u8> or string, E>
 * per plugin, as `shape` says. Wasmtime's typed path reads the argument in
 * place and lowers each outcome's bytes whole, not as one dynamic value per
 * byte. Instantiating a component whose import has another type fails.
 * A tuple needs exactly one outcome and an option at most one, else the call
 * traps the caller. `finalizer(data)` runs when the linker goes, and also when
 * this fails. */
wasmtime_error_t *wasm_link_component_linker_instance_add_socket_bytes(
    wasmtime_component_linker_instance_t *linker_instance, const char *name, size_t name_len,
    wasm_link_socket_bytes_shape_t shape, wasm_link_socket_bytes_callback_t callback, void *data,
    void (*finalizer)(void *));

/* Where the compiled image of `component` starts in memory: the same for every
 * copy of one compiled component (wasmtime_component_clone shares it), and
 * different for components alive at the same time that were compiled or
 * deserialized apart. Null for an empty image, which identifies nothing. */
const void *wasm_link_component_image_start(const wasmtime_component_t *component);

/* How many bytes the compiled image of `component` takes: what keeping a copy
 * of the component keeps mapped. */
size_t wasm_link_component_image_size(const wasmtime_component_t *component);

/* The engine `component` was compiled by (or deserialized into): a new owned
 * reference to it, for wasm_engine_delete. Spares whoever holds a component a
 * copy of its engine. */
wasm_engine_t *wasm_link_component_engine(const wasmtime_component_t *component);

/* Turns the component model's `error-context` type and built-ins on or off. */
void wasm_link_config_component_model_error_context_set(wasm_config_t *config, bool enable);

#ifdef __cplusplus
}
#endif

#endif
