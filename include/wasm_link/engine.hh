// Engines for plugin graphs.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>
#include <wasm_link/error.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {

// A configuration with what plugins rely on turned on: the component model and
// its `map` type. Start from it and add what you need (fuel, epochs, ...).
//
// Wasmtime's concurrency support is off: plugins are called synchronously, and
// its per-call bookkeeping would be about half of a host call. To turn on
// component-model async, call `concurrency_support(true)` too: Wasmtime's C API
// aborts the process when an Engine is made with the one but not the other.
wasmtime::Config default_config();

// Compiles the component in `file`: a binary component (`.wasm`) or the text format
// (anything else that does not start with the wasm magic number). Errors name the file.
Result<wasmtime::component::Component> load_component(wasmtime::Engine &engine,
                                                      const std::filesystem::path &file);

// Compiles a component from bytes (binary or text); `name` stands for it in errors.
Result<wasmtime::component::Component> compile_component(wasmtime::Engine &engine,
                                                         std::span<const std::uint8_t> bytes,
                                                         std::string_view name);
Result<wasmtime::component::Component>
compile_component(wasmtime::Engine &engine, std::string_view text, std::string_view name);

} // namespace wasm_link
