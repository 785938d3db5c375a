#include <wasm_link/engine.hh>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace wasm_link {
namespace {

bool is_binary(std::span<const std::uint8_t> bytes) noexcept {
  static constexpr std::uint8_t magic[] = {0x00, 'a', 's', 'm'};
  return bytes.size() >= 4 && std::equal(magic, magic + 4, bytes.begin());
}

} // namespace

wasmtime::Config default_config() {
  wasmtime::Config config;
  config.wasm_component_model(true);
  config.wasm_component_model_map(true);
  // Wasmtime's support for concurrent component execution costs every call a
  // task made and retired (about half of a host call, a third of a socket call;
  // docs/BENCHMARKS.md). The runtime calls plugins synchronously and refuses
  // future and stream values at plugin boundaries, so it is off by default; an
  // embedder that needs it turns it back on.
  config.concurrency_support(false);
  return config;
}

Result<wasmtime::component::Component> compile_component(wasmtime::Engine &engine,
                                                         std::span<const std::uint8_t> bytes,
                                                         std::string_view name) {
  auto fail = [&](const std::string &why) {
    return Error(Error::Kind::load, "cannot compile component `" + std::string(name) + "`: " + why);
  };
  if (is_binary(bytes)) {
    auto component = wasmtime::component::Component::compile(
        engine, wasmtime::Span<uint8_t>(const_cast<std::uint8_t *>(bytes.data()), bytes.size()));
    if (!component)
      return fail(component.err().message());
    return component.ok();
  }
  auto wasm = wasmtime::wat2wasm(
      std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
  if (!wasm)
    return fail(wasm.err().message());
  auto binary = wasm.ok();
  auto component = wasmtime::component::Component::compile(
      engine, wasmtime::Span<uint8_t>(binary.data(), binary.size()));
  if (!component)
    return fail(component.err().message());
  return component.ok();
}

Result<wasmtime::component::Component>
compile_component(wasmtime::Engine &engine, std::string_view text, std::string_view name) {
  return compile_component(
      engine, std::span(reinterpret_cast<const std::uint8_t *>(text.data()), text.size()), name);
}

Result<wasmtime::component::Component> load_component(wasmtime::Engine &engine,
                                                      const std::filesystem::path &file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    return Error(Error::Kind::load,
                 "cannot read component `" + file.string() + "`: it is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return Error(Error::Kind::load,
                 "cannot read component `" + file.string() + "`: " + std::strerror(errno));
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad())
    return Error(Error::Kind::load,
                 "cannot read component `" + file.string() + "`: " + std::strerror(errno));
  return compile_component(engine, std::span<const std::uint8_t>(bytes), file.string());
}

} // namespace wasm_link
