// What every test needs: fixture paths, an engine, and loading that fails the
// test loudly.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <wasm_link.hh>

namespace wasm_link::testing {

inline std::filesystem::path fixture(const std::string &relative) {
  return std::filesystem::path(WASM_LINK_TESTS_DIR) / relative;
}

inline wasmtime::Engine make_engine() {
  return wasmtime::Engine(default_config());
}

inline wasmtime::component::Component load(wasmtime::Engine &engine, const std::string &relative) {
  auto component = load_component(engine, fixture(relative));
  if (!component)
    throw std::runtime_error(component.err().message());
  return component.ok();
}

// The interfaces of `test:child`, which the sockets' children implement.
inline Binding::Interfaces child_interfaces() {
  return {{"root", Interface().function("get-value").function("trap")}};
}

template <typename T, typename E> T take(Result<T, E> result) {
  if (!result)
    throw std::runtime_error(result.err().message());
  return result.ok();
}

} // namespace wasm_link::testing
