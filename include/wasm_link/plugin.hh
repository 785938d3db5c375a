// Plugins: a compiled component with a context of the embedder's type, and the
// instances they become.
#pragma once

#include <concepts>
#include <memory>
#include <utility>
#include <variant>
#include <vector>
#include <wasm_link/detail/plugin_seed.hh>
#include <wasm_link/error.hh>
#include <wasm_link/limits.hh>
#include <wasm_link/wasi.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {

class Binding;

// An instantiated plugin: its store, its instance and its context. A handle:
// copies refer to the same instance, which lives while any handle or binding
// holds it. Calls into it are serialised (one thread at a time). As with
// std::shared_ptr, `const` is the handle's: a const PluginInstance still gives
// its context to change (the context is the plugin's state, shared by every
// handle and by host functions through wasm_link::context).
class PluginInstance {
public:
  // The context, or null when it is not of type `Ctx`.
  template <typename Ctx> Ctx *context() const noexcept { return box().get<Ctx>(); }

  const wasmtime::component::Component &component() const noexcept;

  // Replaces the instance with a fresh one of the same component, in place:
  // every binding and socket holding this plugin reaches the new instance. The
  // context stays; the limits apply afresh. This is how a plugin comes back after
  // a trap, since Wasmtime never enters a trapped instance again. Plugins made by
  // Plugin::link restart with the linker they were linked with; others need the
  // linker that satisfies their imports. Waits for a call in progress; refused
  // from inside a call into this plugin.
  Result<std::monostate> restart();
  Result<std::monostate> restart(wasmtime::component::Linker &linker);

private:
  friend struct detail::PluginState;
  friend class Binding;
  explicit PluginInstance(std::shared_ptr<detail::PluginState> state) : state_(std::move(state)) {}
  const detail::ContextBox &box() const noexcept;

  std::shared_ptr<detail::PluginState> state_;
};

// A compiled component and the context its instance will carry. `Ctx` is any
// movable type of the embedder's; host functions the embedder adds to the linker
// reach it with wasm_link::context<Ctx>(store).
template <typename Ctx = std::monostate> class Plugin {
public:
  explicit Plugin(wasmtime::component::Component component, Ctx context = Ctx{})
      : component_(std::move(component)), context_(std::move(context)) {}

  // The budgets and caps the instance gets (none by default).
  Plugin &with_limits(Limits limits) & {
    limits_ = std::make_shared<const Limits>(std::move(limits));
    return *this;
  }
  Plugin &&with_limits(Limits limits) && {
    limits_ = std::make_shared<const Limits>(std::move(limits));
    return std::move(*this);
  }

  // What the instance may reach through WASI (wasi.hh). Without a grant, a
  // component that imports any `wasi:` interface is refused. With one, the
  // runtime adds WASI 0.2 to the linker the plugin is instantiated with (once:
  // a linker that has it already keeps it; plugins without a grant are still
  // refused) and gives the plugin's store its own WASI context, anew on every
  // restart.
  Plugin &with_wasi(WasiGrant grant) & {
    wasi_ = std::make_shared<const WasiGrant>(std::move(grant));
    return *this;
  }
  Plugin &&with_wasi(WasiGrant grant) && {
    wasi_ = std::make_shared<const WasiGrant>(std::move(grant));
    return std::move(*this);
  }

  // Instantiates the component in a store of its own. Its imports must all be
  // satisfied by `linker` (WASI by a grant). On a temporary, the plugin's
  // context moves into the instance; on a plugin kept to make more instances,
  // each gets a copy of it (so `Ctx` must be copyable there).
  Result<PluginInstance> instantiate(wasmtime::Engine &engine,
                                     wasmtime::component::Linker &linker) && {
    return detail::instantiate(engine, linker, seed());
  }
  Result<PluginInstance>
  instantiate(wasmtime::Engine &engine,
              wasmtime::component::Linker &linker) const &requires std::copy_constructible<Ctx> {
    return Plugin(*this).instantiate(engine, linker);
  }

  // Defines the sockets (one import instance `<package>/<interface>` for each
  // interface of each binding) in `linker`, then instantiates the component.
  // On a kept plugin, as instantiate().
  Result<PluginInstance> link(wasmtime::Engine &engine, wasmtime::component::Linker linker,
                              std::vector<Binding> sockets) && {
    return detail::link(engine, std::move(linker), std::move(sockets), seed());
  }
  Result<PluginInstance>
  link(wasmtime::Engine &engine, wasmtime::component::Linker linker,
       std::vector<Binding> sockets) const &requires std::copy_constructible<Ctx> {
    return Plugin(*this).link(engine, std::move(linker), std::move(sockets));
  }

private:
  detail::PluginSeed seed() {
    return {std::move(component_), detail::ContextBox(std::move(context_)), std::move(limits_),
            std::move(wasi_)};
  }

  wasmtime::component::Component component_;
  Ctx context_;
  std::shared_ptr<const Limits> limits_;  // null: none given
  std::shared_ptr<const WasiGrant> wasi_; // null: none given
};

// The context of the plugin whose store `store` is, for host functions; null when
// the store is not a plugin's or its context is not of type `Ctx`. A plugin's
// store data belongs to the runtime: it is not the std::any that
// Store::Context::get_data() returns for a store made by wasmtime::Store, so
// never call get_data() or set_data() on a plugin's store.
template <typename Ctx> Ctx *context(wasmtime::Store::Context store) noexcept {
  const detail::ContextBox *box = detail::context_box(store);
  return box == nullptr ? nullptr : box->get<Ctx>();
}

} // namespace wasm_link
