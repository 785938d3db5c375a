// What the Plugin template hands to the library (plugin.hh): not part of the
// API, and free to change. Kept out of plugin.hh so that it reads as the API.
#pragma once

#include <memory>
#include <optional>
#include <type_traits>
#include <typeinfo>
#include <utility>
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

// An owned value of any type, recovered only as that type. Two words: every
// plugin's state holds one.
class ContextBox {
public:
  template <typename Ctx>
  explicit ContextBox(Ctx context) : value_(own(std::move(context))), kind_(&kind_of<Ctx>) {}
  ContextBox(ContextBox &&other) noexcept
      : value_(std::exchange(other.value_, nullptr)), kind_(other.kind_) {}
  ContextBox(const ContextBox &) = delete;
  ContextBox &operator=(ContextBox) = delete;
  ~ContextBox() { kind_->destroy(value_); }

  template <typename Ctx> Ctx *get() const noexcept {
    return kind_->type == typeid(Ctx) ? static_cast<Ctx *>(value_) : nullptr;
  }

private:
  struct Kind {
    const std::type_info &type;
    void (*destroy)(void *) noexcept; // given null after a move
  };
  template <typename Ctx> static void destroy(void *value) noexcept {
    if constexpr (!std::is_same_v<Ctx, std::monostate>)
      delete static_cast<Ctx *>(value);
  }
  template <typename Ctx> static constexpr Kind kind_of{typeid(Ctx), &destroy<Ctx>};

  // The default context holds nothing: one object serves every plugin, which
  // spares each an allocation.
  template <typename Ctx> static void *own(Ctx context) {
    if constexpr (std::is_same_v<Ctx, std::monostate>) {
      static std::monostate none;
      return &none;
    } else {
      return new Ctx(std::move(context));
    }
  }

  void *value_;
  const Kind *kind_;
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
