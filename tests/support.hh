// What every test needs: fixture paths, an engine, and loading that fails the
// test loudly.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <wasm_link.hh>

namespace wasm_link::testing {

inline std::filesystem::path fixture(const std::string &relative) {
  return std::filesystem::path(WASM_LINK_TESTS_DIR) / relative;
}

// The text of a fixture, with the first `from` in it replaced by `to`.
inline std::string fixture_text(const std::string &relative, const std::string &from = "",
                                const std::string &to = "") {
  std::ifstream in(fixture(relative));
  std::stringstream text;
  text << in.rdbuf();
  std::string out = text.str();
  if (!from.empty()) {
    const auto at = out.find(from);
    if (at == std::string::npos)
      throw std::runtime_error(relative + " has no `" + from + "`");
    out.replace(at, from.size(), to);
  }
  return out;
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

// resources/counters.wat, with `get` adding `tag` so that two plugins can be
// told apart.
inline wasmtime::component::Component counters(wasmtime::Engine &engine, std::uint32_t tag) {
  return take(compile_component(
      engine,
      fixture_text("resources/counters.wat", "(global $tag i32 (i32.const 0))",
                   "(global $tag i32 (i32.const " + std::to_string(tag) + "))"),
      "counters.wat"));
}

} // namespace wasm_link::testing
