// The type cache: what the runtime reads from the types of a compiled
// component, kept across bindings and graphs, so that placing plugins of a
// component placed before does none of that work again: the component's
// imports (scan_imports) and each exported function as placing a plugin
// resolves and classifies it (Export, less the binding's metadata).
//
// A component is known by where its compiled image starts (as PlacedComponents
// in src/placement.cc knows it), and each entry holds a copy of the component,
// so that its image stays mapped and the address names no other component
// while the entry lives. That keeps the component compiled after its last
// plugin is gone, so the cache is bounded: the components most recently used,
// at most `max_components` of them and `max_image_bytes` of images.
#pragma once

#include "async_call.hh"
#include "binding_state.hh"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

class TypeCache {
public:
  // What the shared cache keeps at most. A component with a bigger image than
  // `max_image_bytes` is not kept at all.
  static constexpr std::size_t default_max_components = 16;
  static constexpr std::size_t default_max_image_bytes = std::size_t{64} << 20;

  TypeCache(std::size_t max_components, std::size_t max_image_bytes)
      : max_components_(max_components), max_image_bytes_(max_image_bytes) {}
  TypeCache(const TypeCache &) = delete;
  TypeCache &operator=(const TypeCache &) = delete;

  // The process's one cache, which placing plugins and starting them use.
  static TypeCache &shared();

  // The imports of `component`, read now when the cache did not know them.
  ImportScan imports(const wasmtime::Engine &engine,
                     const wasmtime::component::Component &component);
  // The function `name` in the instance `component` exports as `path`, as
  // remember() was given it; none when the cache does not know it.
  std::optional<Export> function(const wasmtime::component::Component &component,
                                 std::string_view path, std::string_view name);
  // Keeps `function` (resolved and classified; its metadata is not kept).
  void remember(const wasmtime::component::Component &component, std::string_view path,
                std::string_view name, const Export &function);

  // How many components are kept, and whether `component` is one.
  std::size_t size() const;
  bool holds(const wasmtime::component::Component &component) const;

private:
  using Functions = std::map<std::string, std::map<std::string, Export, std::less<>>, std::less<>>;
  struct Entry {
    wasmtime::component::Component component; // keeps the image mapped
    std::size_t image_bytes;
    std::uint64_t used; // the cache's use count when it was last used
    std::optional<ImportScan> imports;
    Functions functions;
  };
  // The entry of `component`, made when `make` (which may evict others); null
  // when it has none and `make` is false, or when the component is not kept.
  Entry *entry(const wasmtime::component::Component &component, bool make);

  const std::size_t max_components_;
  const std::size_t max_image_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<const void *, Entry> entries_;
  std::size_t image_bytes_ = 0;
  std::uint64_t uses_ = 0;
};

} // namespace wasm_link::detail
