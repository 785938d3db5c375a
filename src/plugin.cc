#include <wasm_link/plugin.hh>

#include "async_call.hh"
#include "binding_state.hh"
#include "plugin_state.hh"
#include "shim.h"
#include "type_cache.hh"
#include "wasi.hh"

#include <algorithm>
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

Result<CallLock, DispatchError> CallLock::acquire(PluginState &plugin, Caller caller) {
  CallChain &chain = CallChain::current();
  // Entered by a host function dispatching from inside a call: not a socket call.
  const bool reentry = caller == Caller::host && chain.innermost != nullptr;
  bool through_sockets_only = caller == Caller::socket;
  // A thread holds no plugin outside its chain, so past this walk the mutex is
  // not this thread's.
  for (const PluginState *held = chain.innermost; held != nullptr; held = held->caller) {
    if (held == &plugin)
      return DispatchError::lock_rejected("the plugin is running a call that led to this one");
    through_sockets_only = through_sockets_only && !held->reentry;
  }
  if (!plugin.mutex.try_lock()) {
    // Held by another branch of this tree, or by another tree, which is the
    // only one worth waiting for, unless this call and the chain that led to
    // it are socket calls (see CallLock). Every plugin a tree holds has
    // `held_by` set before its holder asks for the next one, so two branches
    // cannot each wait for a plugin the other holds.
    if (chain.tree != nullptr && plugin.held_by.load() == chain.tree && !through_sockets_only)
      return DispatchError::lock_rejected(
          "another branch of this parallel dispatch is running the plugin");
    plugin.mutex.lock();
  }
  plugin.reentry = reentry;
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

namespace {

// Whether the import `item` is or holds an `async func`.
bool async_import(const wasmtime::Engine &engine, const wasmtime::component::ComponentItem &item) {
  if (item.is_component_func())
    return item.component_func().async();
  if (!item.is_component_instance())
    return false;
  const auto &instance = item.component_instance();
  // Counted once: Wasmtime reads every export to count them.
  const std::size_t exports = instance.export_count(engine);
  for (std::size_t j = 0; j < exports; ++j) {
    auto [_, member] = *instance.export_nth(engine, j);
    if (member.is_component_func() && member.component_func().async())
      return true;
  }
  return false;
}

} // namespace

ImportScan scan_imports(const wasmtime::Engine &engine,
                        const wasmtime::component::Component &component) {
  ImportScan out;
  const auto type = component.type();
  const std::size_t imports = type.import_count(engine);
  for (std::size_t i = 0; i < imports; ++i) {
    auto [name, item] = *type.import_nth(engine, i);
    if (name.rfind("wasi:", 0) == 0)
      out.wasi.emplace_back(name);
    out.async = out.async || async_import(engine, item);
  }
  return out;
}

wasmtime::Result<std::monostate> drop_guest(PluginState &plugin,
                                            const wasmtime::component::ResourceAny &handle) {
  wasmtime::Store::Context store = plugin.store.context();
  // The handle came from a call, which found out which entry points the store takes.
  if (!plugin.async_entry)
    return handle.drop(store);
  return run_async_entry([&]() -> wasmtime::Result<std::monostate> {
    if (wasmtime_error_t *error =
            wasm_link_component_resource_any_drop_async(store.capi(), handle.capi()))
      return wasmtime::Error(error);
    return std::monostate();
  });
}

namespace {

wasmtime::Result<wasmtime::component::Instance>
instantiate_async(wasmtime::component::Linker &linker, wasmtime::Store::Context store,
                  const wasmtime::component::Component &component) {
  return run_async_entry([&]() -> wasmtime::Result<wasmtime::component::Instance> {
    wasmtime_component_instance_t instance{};
    wasmtime_error_t *error = nullptr;
    run_to_end(wasmtime_component_linker_instantiate_async(linker.capi(), store.capi(),
                                                           component.capi(), &instance, &error));
    if (error != nullptr)
      return wasmtime::Error(error);
    return wasmtime::component::Instance(instance);
  });
}

Result<std::monostate> start_once(PluginState &plugin, const wasmtime::Engine &engine,
                                  wasmtime::component::Linker &linker) {
  plugin.instance = wasmtime::component::Instance(wasmtime_component_instance_t{});
  // The first instance goes into the store the plugin was made with; a restart
  // needs a fresh one. (A store costs about 5% of building a graph.)
  if (plugin.generation++ > 0)
    plugin.store = PluginState::new_store(engine, plugin);
  const WasiGrant *grant = plugin.wasi();
  ImportScan imports = TypeCache::shared().imports(engine, plugin.component);
  auto wasi = wasi_imports(std::move(imports.wasi), grant);
  if (!wasi)
    return Error(Error::Kind::link, "cannot link plugin: " + wasi.err().message());
  if (!wasi.ok_ref().provided.empty() || !wasi.ok_ref().stubbed.empty()) {
    auto defined = define_wasi(engine, linker, plugin.component, wasi.ok_ref());
    if (!defined)
      return defined.err();
    auto given = give_wasi(plugin.store.context(), *grant);
    if (!given)
      return given.err();
  }
  auto limited = apply_limits_at_instantiation(engine, plugin);
  if (!limited)
    return limited.err();
  plugin.async_entry = false;
  auto instance = imports.async
                      ? instantiate_async(linker, plugin.store.context(), plugin.component)
                      : linker.instantiate(plugin.store.context(), plugin.component);
  if (!instance)
    return Error(Error::Kind::instantiate, "cannot instantiate plugin: " +
                                               describe_failure(plugin, instance.err().message()));
  plugin.instance = instance.ok();
  return std::monostate();
}

} // namespace

bool transient_instantiation_failure(std::string_view message) noexcept {
  return message.find("cannot add seals to the memfd") != std::string_view::npos;
}

Result<std::monostate> start(PluginState &plugin, const wasmtime::Engine &engine,
                             wasmtime::component::Linker &linker) {
  // Each try after the first gets a fresh store (see start_once).
  return retry_transient(4, [&] { return start_once(plugin, engine, linker); });
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
    PluginState::of(instance.ok_ref()).extras_made().linker = std::move(linker);
  return instance;
}

namespace {

Result<std::monostate> restart(PluginState &plugin, wasmtime::component::Linker *linker) {
  auto lock = CallLock::acquire(plugin);
  if (!lock)
    return Error(Error::Kind::instantiate, "cannot restart a plugin from inside a call into it");
  if (linker == nullptr)
    linker = plugin.linker();
  if (linker == nullptr)
    return Error(Error::Kind::instantiate,
                 "cannot restart a plugin made by instantiate() without a linker: pass the "
                 "linker that satisfies its imports");
  return start(plugin, plugin.engine(), *linker);
}

} // namespace

const ContextBox *context_box(wasmtime::Store::Context store) noexcept {
  const PluginState *plugin = PluginState::of_store(store);
  return plugin == nullptr ? nullptr : &plugin->context;
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
