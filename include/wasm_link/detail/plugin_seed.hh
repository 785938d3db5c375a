// What the Plugin template hands to the library (plugin.hh): not part of the
// API, and free to change. Kept out of plugin.hh so that it reads as the API.
#pragma once

#include <memory>
#include <optional>
#include <type_traits>
#include <typeinfo>
#include <variant>
#include <vector>
#include <wasm_link/error.hh>
#include <wasm_link/limits.hh>
#include <wasm_link/wasi.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {

class Binding;
class PluginInstance;

namespace detail {
struct PluginState;

// An owned value of any type, recovered only as that type.
class ContextBox {
public:
  template <typename Ctx>
  explicit ContextBox(Ctx context) : value_(own(std::move(context))), type_(&typeid(Ctx)) {}

  template <typename Ctx> Ctx *get() const noexcept {
    return *type_ == typeid(Ctx) ? static_cast<Ctx *>(value_.get()) : nullptr;
  }

private:
  using Owned = std::unique_ptr<void, void (*)(void *)>;

  // The default context holds nothing: one object serves every plugin, which
  // spares each an allocation.
  template <typename Ctx> static Owned own(Ctx context) {
    if constexpr (std::is_same_v<Ctx, std::monostate>) {
      static std::monostate none;
      return Owned(&none, [](void *) {});
    } else {
      return Owned(new Ctx(std::move(context)), [](void *p) { delete static_cast<Ctx *>(p); });
    }
  }

  Owned value_;
  const std::type_info *type_;
};

// What a Plugin hands over to become an instance.
struct PluginSeed {
  wasmtime::component::Component component;
  ContextBox context;
  // Null: the plugin was given none. Each instance copies them (a limit's
  // callbacks may keep state of their own per instance).
  std::shared_ptr<const Limits> limits;
  std::shared_ptr<const WasiGrant> wasi; // null: none; read-only, shared by instances
};
Result<PluginInstance> instantiate(wasmtime::Engine &engine, wasmtime::component::Linker &linker,
                                   PluginSeed seed);
Result<PluginInstance> link(wasmtime::Engine &engine, wasmtime::component::Linker linker,
                            std::vector<Binding> sockets, PluginSeed seed);
const ContextBox *context_box(wasmtime::Store::Context store) noexcept;
} // namespace detail

} // namespace wasm_link
