#include "type_cache.hh"

#include "shim.h"

#include <algorithm>

namespace wasm_link::detail {

TypeCache &TypeCache::shared() {
  // Never destroyed: a thread still placing plugins while the process exits
  // must not find it gone.
  static auto *cache = new TypeCache(default_max_components, default_max_image_bytes);
  return *cache;
}

TypeCache::Entry *TypeCache::entry(const wasmtime::component::Component &component, bool make) {
  const void *image = wasm_link_component_image_start(component.capi());
  if (image == nullptr)
    return nullptr; // an empty image identifies nothing
  if (auto found = entries_.find(image); found != entries_.end()) {
    found->second.used = ++uses_;
    return &found->second;
  }
  const std::size_t bytes = wasm_link_component_image_size(component.capi());
  if (!make || max_components_ == 0 || bytes > max_image_bytes_)
    return nullptr;
  while (!entries_.empty() &&
         (entries_.size() >= max_components_ || image_bytes_ + bytes > max_image_bytes_)) {
    auto oldest =
        std::min_element(entries_.begin(), entries_.end(), [](const auto &a, const auto &b) {
          return a.second.used < b.second.used;
        });
    image_bytes_ -= oldest->second.image_bytes;
    entries_.erase(oldest);
  }
  image_bytes_ += bytes;
  return &entries_
              .emplace(image, Entry{.component = component,
                                    .image_bytes = bytes,
                                    .used = ++uses_,
                                    .imports = std::nullopt,
                                    .functions = {}})
              .first->second;
}

ImportScan TypeCache::imports(const wasmtime::Engine &engine,
                              const wasmtime::component::Component &component) {
  {
    std::lock_guard lock(mutex_);
    if (Entry *known = entry(component, false); known != nullptr && known->imports)
      return *known->imports;
  }
  // Read outside the lock: other components' plugins need not wait for it.
  ImportScan scanned = scan_imports(engine, component);
  std::lock_guard lock(mutex_);
  if (Entry *kept = entry(component, true))
    kept->imports = scanned;
  return scanned;
}

std::optional<Export> TypeCache::function(const wasmtime::component::Component &component,
                                          std::string_view path, std::string_view name) {
  std::lock_guard lock(mutex_);
  Entry *known = entry(component, false);
  if (known == nullptr)
    return std::nullopt;
  auto instance = known->functions.find(path);
  if (instance == known->functions.end())
    return std::nullopt;
  auto function = instance->second.find(name);
  if (function == instance->second.end())
    return std::nullopt;
  return function->second;
}

void TypeCache::remember(const wasmtime::component::Component &component, std::string_view path,
                         std::string_view name, const Export &function) {
  std::lock_guard lock(mutex_);
  Entry *kept = entry(component, true);
  if (kept == nullptr)
    return;
  auto instance = kept->functions.find(path);
  if (instance == kept->functions.end())
    instance = kept->functions.emplace(std::string(path), Functions::mapped_type{}).first;
  Export &stored = instance->second.insert_or_assign(std::string(name), function).first->second;
  stored.metadata = nullptr; // the binding's, not the component's
}

std::size_t TypeCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

bool TypeCache::holds(const wasmtime::component::Component &component) const {
  std::lock_guard lock(mutex_);
  return entries_.contains(wasm_link_component_image_start(component.capi()));
}

} // namespace wasm_link::detail
