// What every test needs: fixture paths, an engine, loading that fails the test
// loudly, and a check of an error that names it whole.
#pragma once

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <source_location>
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

// The ABI's `dispatch-error` variant as type names print it.
inline const std::string dispatch_error_type =
    "variant { lock-rejected, invalid-interface-path(string), invalid-function(string), "
    "missing-response, runtime-exception(string), invalid-argument-list, "
    "unsupported-type(string), executor-unavailable, resource-table-full, "
    "resource-handle-conversion-failed, invalid-resource-handle }";

// The interfaces of `test:child`, which the sockets' children implement.
inline Binding::Interfaces child_interfaces() {
  return {{"root", Interface().function("get-value").function("trap")}};
}

template <typename T, typename E> T take(Result<T, E> result) {
  if (!result)
    throw std::runtime_error(result.err().message());
  return result.ok();
}

// A relay (a fixture exporting `test:relay/run`), linked to `socket`, alone in
// an exactly-one binding of `test:relay` as plugin `relay`.
inline Binding relay_over(wasmtime::Engine &engine, const std::string &fixture,
                          const Binding &socket) {
  auto component = load(engine, fixture);
  auto linked = take(Plugin(component).link(engine, wasmtime::component::Linker(engine), {socket}));
  auto run = take(Interface::from_component(engine, component, "test:relay/run"));
  return take(
      Binding::create("test:relay", {{"run", run}}, Cardinality::exactly_one, {{"relay", linked}}));
}

// A test whose plugins are the sockets' children (tests/sockets/child_*.wat),
// in bindings of `test:child`.
class ChildTest : public ::testing::Test {
protected:
  ChildTest() : engine(make_engine()) {}

  PluginInstance child(const std::string &file) {
    wasmtime::component::Linker linker(engine);
    return take(Plugin(load(engine, "sockets/" + file)).instantiate(engine, linker));
  }

  Binding children(Cardinality cardinality, Binding::Plugs plugs) {
    return take(Binding::create("test:child", child_interfaces(), cardinality, std::move(plugs)));
  }

  wasmtime::Engine engine;
};

inline std::string_view kind_name(Error::Kind kind) {
  return to_string(kind);
}
inline std::string_view kind_name(DispatchError::Kind kind) {
  return case_name(kind);
}

// That `result` failed with `kind` (an Error::Kind, or a DispatchError's case)
// and exactly `message`. The whole message, never a part: every load error
// contains "component", every trap "wasm", so a test that looks for a word
// passes on the wrong error. A failure is reported at the caller's line.
template <typename T, typename E>
void expect_error(const Result<T, E> &result, typename E::Kind kind, std::string_view message,
                  std::source_location where = std::source_location::current()) {
  if (result) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line()))
        << "succeeded, expected the error (" << kind_name(kind) << ")\n  " << message;
    return;
  }
  const E &error = result.err_ref();
  if (error.kind() != kind || error.message() != message)
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line()))
        << "the error (" << kind_name(error.kind()) << ")\n  " << error.message()
        << "\nis not the one expected (" << kind_name(kind) << ")\n  " << message;
}

// resources/counters.wat, with `get` adding `tag` so that two plugins can be
// told apart.
inline wasmtime::component::Component counters(wasmtime::Engine &engine, std::uint32_t tag) {
  return take(
      compile_component(engine,
                        fixture_text("resources/counters.wat", "(global $tag i32 (i32.const 0))",
                                     "(global $tag i32 (i32.const " + std::to_string(tag) + "))"),
                        "counters.wat"));
}

// The fixture `relative`, a component, importing `test:child/root` with an
// `async func` and lowering it into a core instance (never calling it): such a
// store must be entered through Wasmtime's async entry points. Link it to a
// `test:child` socket (async/child_async.wat) on a concurrent_config() engine.
inline std::string with_lowered_async_import(const std::string &relative) {
  return fixture_text(relative, "(component\n", R"((component
  (import "test:child/root" (instance $async-child
    (export "get-value" (func async (result (tuple string (result u32 (error string))))))))
  (core module $async-memory
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 256)))
  (core instance $async-memory-instance (instantiate $async-memory))
  (alias core export $async-memory-instance "memory" (core memory $async-memory-memory))
  (alias core export $async-memory-instance "realloc" (core func $async-realloc))
  (alias export $async-child "get-value" (func $async-get-value))
  (core func $async-get-value-core
    (canon lower (func $async-get-value) (memory $async-memory-memory) (realloc $async-realloc)))
  (core module $async-user (import "" "get-value" (func (param i32))))
  (core instance (instantiate $async-user
    (with "" (instance (export "get-value" (func $async-get-value-core))))))
)");
}

} // namespace wasm_link::testing
