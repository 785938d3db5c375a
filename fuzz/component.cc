// Component bytes from anyone (`wasm-link inspect`, a manifest's `component`):
// binary or text, read for whether it needs concurrency support (as the
// command does), compiled by Wasmtime, then every exported instance read as a
// binding's interface with its functions' types spelled out. Errors are
// values; nothing crashes or hangs.
//
// Wasmtime's Rust code is not instrumented: libFuzzer sees the coverage of
// wasm_link's own code only, and finds its way through Wasmtime by the corpus.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>
#include <wasm_link.hh>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  using namespace wasm_link;
  static wasmtime::Engine sync_engine(default_config());
  static wasmtime::Engine async_engine(concurrent_config());
  wasmtime::Engine &engine = needs_concurrency(std::span(data, size)) ? async_engine : sync_engine;
  auto component = compile_component(engine, std::span(data, size), "fuzz");
  if (!component)
    return 0;
  const auto type = component.ok_ref().type();
  std::vector<std::string> instances;
  for (std::size_t i = 0; i < type.export_count(engine); ++i) {
    auto [name, item] = *type.export_nth(engine, i);
    if (item.is_component_instance())
      instances.emplace_back(name);
  }
  for (const auto &name : instances) {
    auto interface = Interface::from_component(engine, component.ok_ref(), name);
    if (!interface)
      continue;
    for (const auto &[function_name, function] : interface.ok_ref().functions()) {
      (void)classify_function_name(function_name);
      if (function.type)
        (void)type_name(*function.type);
    }
  }
  return 0;
}
