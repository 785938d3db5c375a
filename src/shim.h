/* What wasm-link adds to Wasmtime's C API, from the Rust crate that builds it
 * (cmake/wasmtime-c-api/src/lib.rs). Each function is tested from C++. */
#ifndef WASM_LINK_SHIM_H
#define WASM_LINK_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wasi.h>
#include <wasm.h>
#include <wasmtime/error.h>
#include <wasmtime/store.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A hash of the settings of `engine` that decide whether a component compiled
 * by one engine can be loaded by another (Wasmtime's
 * Engine::precompile_compatibility_hash). */
uint64_t wasm_link_engine_precompile_hash(const wasm_engine_t *engine);

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
#ifdef __cplusplus
}
#endif

#endif
