// What a PluginInstance handle refers to, and the lock every call into a plugin
// goes through.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <wasm_link/dispatch_error.hh>
#include <wasm_link/plugin.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

class Ticker;

struct PluginState {
  PluginState(wasmtime::Engine &engine, PluginSeed seed)
      : engine(engine), store(engine), component(std::move(seed.component)),
        context(std::move(seed.context)), limits(std::move(seed.limits)),
        wasi(std::move(seed.wasi)) {}

  static PluginInstance handle(std::shared_ptr<PluginState> state) {
    return PluginInstance(std::move(state));
  }
  static PluginState &of(const PluginInstance &instance) { return *instance.state_; }
  static std::shared_ptr<PluginState> share(const PluginInstance &instance) {
    return instance.state_;
  }

  wasmtime::Engine engine;
  wasmtime::Store store;
  wasmtime::component::Component component;
  ContextBox context;
  std::optional<wasmtime::component::Instance> instance;
  Limits limits;
  std::optional<WasiGrant> wasi;
  std::shared_ptr<Ticker> ticker; // while the plugin has a timeout
  // The linker of a plugin made by Plugin::link (it holds the sockets), for restart.
  std::optional<wasmtime::component::Linker> linker;
  // Counts instances: function handles cached for another generation belong to
  // a store that is gone (see Export).
  std::uint64_t generation = 0;
  // Held while the store is in use: a store runs one call at a time.
  std::mutex mutex;
  // The thread holding `mutex`, if any (see CallLock).
  std::atomic<std::thread::id> running_on{};
  // Guest handles whose drop was asked for while this thread was inside a call
  // into the plugin; dropped when its lock is next taken.
  std::mutex pending_mutex;
  std::vector<wasmtime::component::ResourceAny> pending_drops;
  std::atomic<bool> has_pending_drops = false; // spares calls the mutex

  // Puts off the drop of `handle` until this plugin's lock is next taken.
  void defer_drop(wasmtime::component::ResourceAny handle) {
    std::lock_guard lock(pending_mutex);
    pending_drops.push_back(std::move(handle));
    has_pending_drops.store(true, std::memory_order_release);
  }
  // Whether calls into the plugin are bounded in fuel or time.
  bool limits_calls() const noexcept {
    return limits.fuel_per_call || limits.epoch_deadline || limits.timeout;
  }
};

// A fresh store and instance for `plugin`, whose lock the caller holds; `engine`
// is the embedder's (see Ticker).
Result<std::monostate> start(PluginState &plugin, const wasmtime::Engine &engine,
                             wasmtime::component::Linker &linker);

// Limits (src/limits.cc): caps and initial budgets before instantiation,
// per-call budgets before each call, and which limit a failure message is about.
Result<std::monostate> apply_limits_at_instantiation(const wasmtime::Engine &engine,
                                                     PluginState &plugin);
void apply_limits_before_call(PluginState &plugin, const CallSite &site);
std::string describe_failure(const PluginState &plugin, const std::string &message);

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
