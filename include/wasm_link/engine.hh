// Engines for plugin graphs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>
#include <wasm_link/error.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {

// A configuration with what plugins rely on turned on: the component model and
// its `map` type. Start from it and add what you need (fuel, epochs, ...).
//
// Wasmtime's concurrency support is off: its per-call bookkeeping would be about
// half of a host call. Components with async functions need it: see
// concurrent_config.
wasmtime::Config default_config();

// default_config with Wasmtime's concurrency support and component-model async
// on (its built-ins, stackful form and `error-context` too): an engine for graphs with plugins
// that needs_concurrency says need it. Every call into a plugin of such an
// engine costs about twice as much (docs/BENCHMARKS.md), async or not, so use it
// only where a component needs it. (Wasmtime's C API aborts the process when an
// Engine is made with only one of `concurrency_support` and
// `wasm_component_model_async`; this sets both.)
wasmtime::Config concurrent_config();

// Whether a component (binary or text) needs an engine from concurrent_config:
// it has `async func`s, `future`, `stream` or `error-context` types, or uses
// component-model async in its canonical functions. Reads the component's
// types, not its code. False for bytes that are no component (compiling them
// says why).
bool needs_concurrency(std::span<const std::uint8_t> component);

// The compile cache's folder unless told otherwise: `$WASM_LINK_CACHE_DIR/components`,
// else `$XDG_CACHE_HOME/wasm-link/components`, else `$HOME/.cache/wasm-link/components`;
// none when none of these is set.
std::optional<std::filesystem::path> default_cache_folder();

// How load_component reads and compiles a file.
struct LoadOptions {
  // Where compiled components are kept between runs; none: compile every time.
  // Entries are keyed by the Wasmtime version, the engine's compilation
  // settings and the file's bytes, and checked (SHA-256) before use: a corrupt
  // or foreign entry is compiled again. The folder is used only when it
  // belongs to this user and only they may write it.
  std::optional<std::filesystem::path> cache = default_cache_folder();
  // Accept a precompiled component (`wasmtime compile` output, `.cwasm`). It is
  // native code that Wasmtime runs as it finds it: load one only from where you
  // would load a program. Off: such a file is refused.
  bool allow_precompiled = false;
  // Larger files are refused before they are read.
  std::uint64_t max_file_bytes = std::uint64_t(256) << 20;
};

// Compiles the component in `file`: a binary component (`.wasm`) or the text format
// (anything else that does not start with the wasm magic number). Only regular
// files are read. Errors name the file.
Result<wasmtime::component::Component> load_component(wasmtime::Engine &engine,
                                                      const std::filesystem::path &file,
                                                      const LoadOptions &options = {});

// Compiles a component from bytes (binary or text); `name` stands for it in errors.
Result<wasmtime::component::Component> compile_component(wasmtime::Engine &engine,
                                                         std::span<const std::uint8_t> bytes,
                                                         std::string_view name);
Result<wasmtime::component::Component>
compile_component(wasmtime::Engine &engine, std::string_view text, std::string_view name);

} // namespace wasm_link
