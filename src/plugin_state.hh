// What a PluginInstance handle refers to, and the lock every call into a plugin
// goes through.
#pragma once

#include <mutex>
#include <optional>
#include <wasm_link/dispatch_error.hh>
#include <wasm_link/plugin.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

struct PluginState {
  PluginState(wasmtime::Engine &engine, wasmtime::component::Component component,
              ContextBox context)
      : store(engine), component(std::move(component)), context(std::move(context)) {}

  static PluginInstance handle(std::shared_ptr<PluginState> state) {
    return PluginInstance(std::move(state));
  }
  static PluginState &of(const PluginInstance &instance) { return *instance.state_; }
  static std::shared_ptr<PluginState> share(const PluginInstance &instance) {
    return instance.state_;
  }

  wasmtime::Store store;
  wasmtime::component::Component component;
  ContextBox context;
  std::optional<wasmtime::component::Instance> instance;
  // Held while the store is in use: a store runs one call at a time.
  std::mutex mutex;
};

// Holds a plugin for the length of one call. Callers on other threads wait their
// turn; a call that would re-enter a plugin this thread is already running (A ->
// B -> A) is refused with `lock-rejected` instead of deadlocking.
class CallLock {
public:
  static Result<CallLock, DispatchError> acquire(PluginState &plugin);
  CallLock(CallLock &&other) noexcept : plugin_(std::exchange(other.plugin_, nullptr)) {}
  CallLock &operator=(CallLock &&) = delete;
  ~CallLock();

private:
  explicit CallLock(PluginState &plugin) : plugin_(&plugin) {}
  PluginState *plugin_;
};

} // namespace wasm_link::detail
