#include <wasm_link/plugin.hh>

#include "binding_state.hh"
#include "plugin_state.hh"

#include <algorithm>
#include <any>
#include <wasm_link/binding.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {
namespace detail {
namespace {

// The plugins this thread is running, innermost last.
thread_local std::vector<const PluginState *> running;

} // namespace

Result<CallLock, DispatchError> CallLock::acquire(PluginState &plugin) {
  if (std::find(running.begin(), running.end(), &plugin) != running.end())
    return DispatchError::lock_rejected("the plugin is already running a call on this thread");
  plugin.mutex.lock();
  running.push_back(&plugin);
  return CallLock(plugin);
}

CallLock::~CallLock() {
  if (plugin_ == nullptr)
    return;
  running.erase(std::find(running.begin(), running.end(), plugin_));
  plugin_->mutex.unlock();
}

Result<PluginInstance> instantiate(wasmtime::Engine &engine, wasmtime::component::Linker &linker,
                                   wasmtime::component::Component component, ContextBox context) {
  if (component.capi() == nullptr)
    return Error(Error::Kind::instantiate,
                 "cannot instantiate plugin: its component was moved from");
  auto state = std::make_shared<PluginState>(engine, std::move(component), std::move(context));
  state->store.context().set_data(std::any(state.get()));
  auto instance = linker.instantiate(state->store.context(), state->component);
  if (!instance)
    return Error(Error::Kind::instantiate,
                 "cannot instantiate plugin: " + instance.err().message());
  state->instance = instance.ok();
  return PluginState::handle(std::move(state));
}

Result<PluginInstance> link(wasmtime::Engine &engine, wasmtime::component::Linker linker,
                            std::vector<Binding> sockets, wasmtime::component::Component component,
                            ContextBox context) {
  auto defined = define_sockets(engine, linker, component, sockets);
  if (!defined)
    return defined.err();
  return instantiate(engine, linker, std::move(component), std::move(context));
}

const ContextBox *context_box(wasmtime::Store::Context store) noexcept {
  // A store made by wasmtime::Store starts with no data at all.
  if (wasmtime_context_get_data(store.capi()) == nullptr)
    return nullptr;
  auto *plugin = std::any_cast<PluginState *>(&store.get_data());
  return plugin == nullptr ? nullptr : &(*plugin)->context;
}

} // namespace detail

const wasmtime::component::Component &PluginInstance::component() const noexcept {
  return state_->component;
}

const detail::ContextBox &PluginInstance::box() const noexcept {
  return state_->context;
}

} // namespace wasm_link
