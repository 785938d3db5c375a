#include <wasm_link/engine.hh>

#include "compile_cache.hh"
#include "shim.h"
#include <wasm_link/files.hh>

#include <cstdlib>

namespace wasm_link {
namespace {

bool is_binary(std::span<const std::uint8_t> bytes) noexcept {
  static constexpr std::uint8_t magic[] = {0x00, 'a', 's', 'm'};
  return bytes.size() >= 4 && std::equal(magic, magic + 4, bytes.begin());
}

// Wasmtime's compiled artifacts are ELF objects.
bool is_precompiled(std::span<const std::uint8_t> bytes) noexcept {
  static constexpr std::uint8_t magic[] = {0x7f, 'E', 'L', 'F'};
  return bytes.size() >= 4 && std::equal(magic, magic + 4, bytes.begin());
}

// WebAssembly text starts, after white space and comments, with `(`. Anything
// else is not given to the WAT parser, whose errors quote the offending line:
// a file that is not WebAssembly (`/proc/self/environ`, say) is not echoed.
bool looks_like_text(std::span<const std::uint8_t> bytes) noexcept {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::uint8_t c = bytes[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == ';' && i + 1 < bytes.size() && bytes[i + 1] == ';') {
      while (i < bytes.size() && bytes[i] != '\n')
        ++i;
    } else if (c == '(' && i + 1 < bytes.size() && bytes[i + 1] == ';') {
      // A block comment; nesting does not matter for the first character after it.
      int depth = 0;
      for (; i + 1 < bytes.size(); ++i) {
        if (bytes[i] == '(' && bytes[i + 1] == ';')
          ++depth, ++i;
        else if (bytes[i] == ';' && bytes[i + 1] == ')' && --depth == 0) {
          i += 2;
          break;
        }
      }
      if (depth != 0)
        return false;
    } else {
      return c == '(';
    }
  }
  return false;
}

// WebAssembly text to binary, in the older component syntax too (the shim's
// wasm_link_wat2wasm, src/shim.h): the reference's plugins are written in it.
// Errors name `name` as the text's file.
wasmtime::Result<std::vector<std::uint8_t>> wat_to_wasm(std::span<const std::uint8_t> text,
                                                        std::string_view name) {
  wasm_byte_vec_t binary;
  if (wasmtime_error_t *error = wasm_link_wat2wasm(reinterpret_cast<const char *>(text.data()),
                                                   text.size(), name.data(), name.size(), &binary))
    return wasmtime::Error(error);
  std::vector<std::uint8_t> out(binary.data, binary.data + binary.size);
  wasm_byte_vec_delete(&binary);
  return out;
}

} // namespace

wasmtime::Config default_config() {
  wasmtime::Config config;
  config.wasm_component_model(true);
  config.wasm_component_model_map(true);
  // Wasmtime's support for concurrent component execution costs every call a
  // task made and retired (about half of a host call, a third of a socket call;
  // docs/BENCHMARKS.md). Only components with async functions need it
  // (concurrent_config).
  config.concurrency_support(false);
  return config;
}

wasmtime::Config concurrent_config() {
  wasmtime::Config config = default_config();
  config.concurrency_support(true);
  config.wasm_component_model_async(true);
  config.wasm_component_model_more_async_builtins(true);
  config.wasm_component_model_async_stackful(true);
  wasm_link_config_component_model_error_context_set(config.capi(), true);
  return config;
}

bool needs_concurrency(std::span<const std::uint8_t> component) {
  if (is_binary(component))
    return wasm_link_component_needs_concurrency(component.data(), component.size());
  if (!looks_like_text(component))
    return false;
  auto binary = wat_to_wasm(component, "<component>");
  return binary &&
         wasm_link_component_needs_concurrency(binary.ok_ref().data(), binary.ok_ref().size());
}

Result<wasmtime::component::Component> compile_component(wasmtime::Engine &engine,
                                                         std::span<const std::uint8_t> bytes,
                                                         std::string_view name) {
  auto fail = [&](const std::string &why) {
    return Error(Error::Kind::load, "cannot compile component `" + std::string(name) + "`: " + why);
  };
  std::vector<std::uint8_t> converted;
  if (!is_binary(bytes)) {
    auto wasm = wat_to_wasm(bytes, name);
    if (!wasm)
      return fail(wasm.err().message());
    converted = std::move(wasm.ok_ref());
    bytes = converted;
  }
  auto component = wasmtime::component::Component::compile(
      engine, wasmtime::Span<uint8_t>(const_cast<std::uint8_t *>(bytes.data()), bytes.size()));
  if (component)
    return component.ok();
  std::string why = component.err().message();
  if (why.find("async") != std::string::npos &&
      wasm_link_component_needs_concurrency(bytes.data(), bytes.size()))
    why += "\n(the component uses component-model async: its engine must be made from "
           "wasm_link::concurrent_config())";
  return fail(why);
}

Result<wasmtime::component::Component>
compile_component(wasmtime::Engine &engine, std::string_view text, std::string_view name) {
  return compile_component(
      engine, std::span(reinterpret_cast<const std::uint8_t *>(text.data()), text.size()), name);
}

std::optional<std::filesystem::path> default_cache_folder() {
  auto set = [](const char *name) -> const char * {
    const char *value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
  };
  if (const char *dir = set("WASM_LINK_CACHE_DIR"))
    return std::filesystem::path(dir) / "components";
  if (const char *dir = set("XDG_CACHE_HOME"))
    return std::filesystem::path(dir) / "wasm-link" / "components";
  if (const char *home = set("HOME"))
    return std::filesystem::path(home) / ".cache" / "wasm-link" / "components";
  return std::nullopt;
}

Result<wasmtime::component::Component> load_component(wasmtime::Engine &engine,
                                                      const std::filesystem::path &file,
                                                      const LoadOptions &options) {
  auto fail = [&](const std::string &why) {
    return Error(Error::Kind::load, "cannot read component `" + file.string() + "`: " + why);
  };
  auto bytes = read_regular_file(file, options.max_file_bytes);
  if (!bytes)
    return fail(bytes.err());
  const std::span<const std::uint8_t> source(bytes.ok_ref());
  if (is_precompiled(source)) {
    if (!options.allow_precompiled)
      return fail("it is a precompiled component (native code, as `wasmtime compile` makes); "
                  "load it only from a source you trust as a program, with "
                  "LoadOptions::allow_precompiled");
    auto component = wasmtime::component::Component::deserialize(
        engine, wasmtime::Span<uint8_t>(bytes.ok_ref().data(), bytes.ok_ref().size()));
    if (!component)
      return fail(component.err().message());
    return component.ok();
  }
  if (!is_binary(source) && !looks_like_text(source))
    return fail("it is neither a WebAssembly component nor WebAssembly text");
  std::optional<detail::CompileCache> cache;
  if (options.cache)
    cache = detail::CompileCache::open(*options.cache);
  if (cache)
    if (auto found = cache->find(engine, source))
      return *found;
  auto component = compile_component(engine, source, file.string());
  if (component && cache)
    cache->keep(engine, source, component.ok_ref());
  return component;
}

} // namespace wasm_link
