#include <wasm_link/plugin.hh>

#include "binding_state.hh"
#include "plugin_state.hh"
#include "wasi.hh"

#include <algorithm>
#include <any>
#include <thread>
#include <wasm_link/binding.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {
namespace detail {
CallChain &CallChain::current() noexcept {
  thread_local CallChain chain;
  return chain;
}

Result<CallLock, DispatchError> CallLock::acquire(PluginState &plugin) {
  CallChain &chain = CallChain::current();
  // A thread holds no plugin outside its chain, so past this walk the mutex is
  // not this thread's.
  for (const PluginState *held = chain.innermost; held != nullptr; held = held->caller)
    if (held == &plugin)
      return DispatchError::lock_rejected("the plugin is running a call that led to this one");
  if (!plugin.mutex.try_lock()) {
    // Held by another branch of this tree, or by another tree, which is the
    // only one worth waiting for. Every plugin a tree holds has `held_by` set
    // before its holder asks for the next one, so two branches cannot each wait
    // for a plugin the other holds.
    if (chain.tree != nullptr && plugin.held_by.load() == chain.tree)
      return DispatchError::lock_rejected(
          "another branch of this parallel dispatch is running the plugin");
    plugin.mutex.lock();
  }
  const bool rooted = chain.tree == nullptr;
  if (rooted)
    chain.tree = &chain;
  plugin.held_by.store(chain.tree);
  plugin.caller = chain.innermost;
  chain.innermost = &plugin;
  return CallLock(plugin, rooted);
}

CallLock::~CallLock() {
  if (plugin_ == nullptr)
    return;
  CallChain &chain = CallChain::current();
  chain.innermost = plugin_->caller;
  if (rooted_)
    chain.tree = nullptr;
  plugin_->caller = nullptr;
  plugin_->held_by.store(nullptr);
  plugin_->mutex.unlock();
}

Result<std::monostate> start(PluginState &plugin, const wasmtime::Engine &engine,
                             wasmtime::component::Linker &linker) {
  plugin.instance.reset();
  // The first instance goes into the store the plugin was made with; a restart
  // needs a fresh one. (A store costs about 5% of building a graph.)
  if (plugin.generation++ > 0)
    plugin.store = wasmtime::Store(plugin.engine);
  plugin.store.context().set_data(std::any(&plugin));
  const WasiGrant *grant = plugin.wasi ? &*plugin.wasi : nullptr;
  auto wasi = wasi_imports(plugin.engine, plugin.component, grant);
  if (!wasi)
    return Error(Error::Kind::link, "cannot link plugin: " + wasi.err().message());
  if (!wasi.ok_ref().provided.empty() || !wasi.ok_ref().stubbed.empty()) {
    auto defined = define_wasi(plugin.engine, linker, plugin.component, wasi.ok_ref());
    if (!defined)
      return defined.err();
    auto given = give_wasi(plugin.store.context(), *grant);
    if (!given)
      return given.err();
  }
  auto limited = apply_limits_at_instantiation(engine, plugin);
  if (!limited)
    return limited.err();
  auto instance = linker.instantiate(plugin.store.context(), plugin.component);
  if (!instance)
    return Error(Error::Kind::instantiate, "cannot instantiate plugin: " +
                                               describe_failure(plugin, instance.err().message()));
  plugin.instance = instance.ok();
  return std::monostate();
}

Result<PluginInstance> instantiate(wasmtime::Engine &engine, wasmtime::component::Linker &linker,
                                   PluginSeed seed) {
  if (seed.component.capi() == nullptr)
    return Error(Error::Kind::instantiate,
                 "cannot instantiate plugin: its component was moved from");
  auto state = std::make_shared<PluginState>(engine, std::move(seed));
  auto started = start(*state, engine, linker);
  if (!started)
    return started.err();
  return PluginState::handle(std::move(state));
}

Result<PluginInstance> link(wasmtime::Engine &engine, wasmtime::component::Linker linker,
                            std::vector<Binding> sockets, PluginSeed seed) {
  auto defined = define_sockets(engine, linker, seed.component, sockets);
  if (!defined)
    return defined.err();
  auto instance = instantiate(engine, linker, std::move(seed));
  if (instance)
    PluginState::of(instance.ok_ref()).linker = std::move(linker);
  return instance;
}

namespace {

Result<std::monostate> restart(PluginState &plugin, wasmtime::component::Linker *linker) {
  auto lock = CallLock::acquire(plugin);
  if (!lock)
    return Error(Error::Kind::instantiate, "cannot restart a plugin from inside a call into it");
  if (linker == nullptr && !plugin.linker)
    return Error(Error::Kind::instantiate,
                 "cannot restart a plugin made by instantiate() without a linker: pass the "
                 "linker that satisfies its imports");
  return start(plugin, plugin.engine, linker != nullptr ? *linker : *plugin.linker);
}

} // namespace

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

Result<std::monostate> PluginInstance::restart() {
  return detail::restart(*state_, nullptr);
}

Result<std::monostate> PluginInstance::restart(wasmtime::component::Linker &linker) {
  return detail::restart(*state_, &linker);
}

} // namespace wasm_link
