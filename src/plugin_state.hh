// What a PluginInstance handle refers to, and the lock every call into a plugin
// goes through.
#pragma once

#include "shim.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <wasm_link/dispatch_error.hh>
#include <wasm_link/plugin.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

class Ticker;

// A mutex of four bytes (std::mutex takes forty): held for whole calls, so a
// thread that finds it held sleeps on the word (a futex) until it is released.
// 0: free; 1: held; 2: held, and a thread may be asleep on it.
class SleepLock {
public:
  bool try_lock() noexcept {
    std::uint32_t free = 0;
    return state_.compare_exchange_strong(free, 1, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }
  void lock() noexcept {
    if (try_lock())
      return;
    while (state_.exchange(2, std::memory_order_acquire) != 0)
      state_.wait(2, std::memory_order_relaxed);
  }
  void unlock() noexcept {
    if (state_.exchange(0, std::memory_order_release) == 2)
      state_.notify_one();
  }

private:
  std::atomic<std::uint32_t> state_ = 0;
};

// A lock of one byte for sections of a few instructions.
class SpinLock {
public:
  void lock() noexcept {
    while (flag_.test_and_set(std::memory_order_acquire))
      std::this_thread::yield();
  }
  void unlock() noexcept { flag_.clear(std::memory_order_release); }

private:
  std::atomic_flag flag_;
};

struct PluginState {
  PluginState(wasmtime::Engine &engine, PluginSeed seed)
      : store(new_store(engine, *this)), component(std::move(seed.component)),
        context(std::move(seed.context)) {
    if (seed.limits)
      extras_made().limits = std::make_unique<const Limits>(*seed.limits);
    if (seed.wasi)
      extras_made().wasi = std::move(seed.wasi);
  }

  static PluginInstance handle(std::shared_ptr<PluginState> state) {
    return PluginInstance(std::move(state));
  }
  static PluginState &of(const PluginInstance &instance) { return *instance.state_; }
  // The store data of a plugin's store is its state, tagged in bit 0: a store
  // made by wasmtime::Store holds null or a std::any there, never an odd
  // address (see context_box). No finalizer: the state owns the store.
  static wasmtime::Store new_store(const wasmtime::Engine &engine, PluginState &plugin) {
    // The C API takes the engine mutably only to share it.
    return wasmtime::Store(
        wasmtime_store_new(const_cast<wasm_engine_t *>(engine.capi()), tag(&plugin), nullptr));
  }
  static PluginState *of_store(wasmtime::Store::Context store) noexcept {
    const auto bits = reinterpret_cast<std::uintptr_t>(wasmtime_context_get_data(store.capi()));
    return (bits & 1) != 0 ? reinterpret_cast<PluginState *>(bits & ~std::uintptr_t{1}) : nullptr;
  }
  static std::shared_ptr<PluginState> share(const PluginInstance &instance) {
    return instance.state_;
  }

  // No engine: engine() gives the component's (one word less per plugin).
  wasmtime::Store store;
  wasmtime::component::Component component;
  ContextBox context;
  // Its instance; while it has none (before the first start, or after a failed
  // restart) store_id 0, which no instance has: an optional would take a word more.
  wasmtime::component::Instance instance{wasmtime_component_instance_t{}};
  bool has_instance() const noexcept { return instance.capi()->store_id != 0; }
  // The engine of its component, which its store belongs to too: a new handle.
  wasmtime::Engine engine() const {
    return wasmtime::Engine(wasm_link_component_engine(component.capi()));
  }
  // What only some plugins have, apart: a plugin's state is most of what the
  // runtime adds to the memory of its instance. Made with the state, or by
  // Plugin::link before the instance is handed out; never while calls run.
  struct Extras {
    std::unique_ptr<const Limits> limits; // null: none given
    // When granted. Shared by the instances of one Plugin.
    std::shared_ptr<const WasiGrant> wasi;
    std::shared_ptr<Ticker> ticker; // while the plugin has a timeout
    // The linker of a plugin made by Plugin::link (it holds the sockets), for restart.
    std::optional<wasmtime::component::Linker> linker;
  };
  std::unique_ptr<Extras> extras;
  Extras &extras_made() {
    if (!extras)
      extras = std::make_unique<Extras>();
    return *extras;
  }
  // Its limits: those given, or none.
  const Limits &limits() const noexcept {
    static const Limits none;
    return extras && extras->limits ? *extras->limits : none;
  }
  const WasiGrant *wasi() const noexcept { return extras ? extras->wasi.get() : nullptr; }
  wasmtime::component::Linker *linker() const noexcept {
    return extras && extras->linker ? &*extras->linker : nullptr;
  }
  // Counts instances: function handles cached for another generation belong to
  // a store that is gone (see FuncHandle).
  std::uint64_t generation = 0;
  // While `mutex` is held through a CallLock: the call tree of the holder, and
  // the plugin its holder held before this one (see CallChain).
  std::atomic<const void *> held_by = nullptr;
  PluginState *caller = nullptr;
  // Guest handles whose drop was asked for while this thread was inside a call
  // into the plugin; dropped when its lock is next taken. Made by the first.
  std::unique_ptr<std::vector<wasmtime::component::ResourceAny>> pending_drops;
  // The small members together, where they take one word: a plugin's state is
  // most of what the runtime adds to its instance's memory.
  // The store refused a sync entry point (async_store_refusal): calls and drops
  // go through the async ones. Under `mutex`; reset by start().
  bool async_entry = false;
  // It was entered by a host function's dispatch from inside another call (see
  // CallLock); valid like `caller`.
  bool reentry = false;
  std::atomic<bool> has_pending_drops = false; // spares calls the lock
  SpinLock pending_mutex;                      // guards pending_drops, held briefly
  // Held while the store is in use: a store runs one call at a time.
  SleepLock mutex;

  // Puts off the drop of `handle` until this plugin's lock is next taken.
  void defer_drop(wasmtime::component::ResourceAny handle) {
    std::lock_guard lock(pending_mutex);
    if (!pending_drops)
      pending_drops = std::make_unique<std::vector<wasmtime::component::ResourceAny>>();
    pending_drops->push_back(std::move(handle));
    has_pending_drops.store(true, std::memory_order_release);
  }
  // Whether calls into the plugin are bounded in fuel or time.
  bool limits_calls() const noexcept {
    const Limits &given = limits();
    return given.fuel_per_call || given.epoch_deadline || given.timeout;
  }

private:
  static void *tag(PluginState *plugin) noexcept {
    static_assert(alignof(PluginState) > 1);
    return reinterpret_cast<void *>(reinterpret_cast<std::uintptr_t>(plugin) | 1);
  }
};

// A fresh store and instance for `plugin`, whose lock the caller holds; `engine`
// is the embedder's (see Ticker).
Result<std::monostate> start(PluginState &plugin, const wasmtime::Engine &engine,
                             wasmtime::component::Linker &linker);

// Whether an instantiation failed for a passing reason of the host, not of the
// plugin: Linux refuses to seal a memfd with EBUSY while a page Wasmtime has
// just written into a memory image is still counted in another CPU's page
// batch. Wasmtime keeps no failed image, so the next try builds it again.
bool transient_instantiation_failure(std::string_view message) noexcept;

// Runs `attempt` until it succeeds, fails for a reason that is not transient,
// or has failed `tries` times; waits a little longer after each failure.
template <class Attempt> auto retry_transient(int tries, Attempt attempt) -> decltype(attempt()) {
  for (int done = 1;; ++done) {
    auto result = attempt();
    if (result || done >= tries || !transient_instantiation_failure(result.err().message()))
      return result;
    std::this_thread::sleep_for(std::chrono::milliseconds(done * done));
  }
}

// Limits (src/limits.cc): caps and initial budgets before instantiation,
// per-call budgets before each call, and which limit a failure message is about.
Result<std::monostate> apply_limits_at_instantiation(const wasmtime::Engine &engine,
                                                     PluginState &plugin);
void apply_limits_before_call(PluginState &plugin, const CallSite &site);
std::string describe_failure(const PluginState &plugin, const std::string &message);

// The calls a thread is inside of, innermost first: the plugin it holds last,
// whose `caller` is the one held before, and so on up to the first. A call
// tree is everything one outermost call leads to; with parallel fan-out its
// branches run on several threads, each of which adopts the chain of the
// thread that waits for it (AdoptChain), so a branch's chain goes on in its parent's.
struct CallChain {
  PluginState *innermost = nullptr;
  // The tree's identity: the address of the chain of the thread it started on,
  // unique among trees in progress. Null outside any.
  const void *tree = nullptr;

  // This thread's chain.
  static CallChain &current() noexcept;
  // This thread's chain as work handed to other threads adopts it: in this
  // thread's tree, or in a new one rooted here when it is in none.
  static CallChain joinable() noexcept {
    CallChain chain = current();
    if (chain.tree == nullptr)
      chain.tree = &current();
    return chain;
  }
};

// This thread continues `chain` for the adopter's lifetime.
class AdoptChain {
public:
  explicit AdoptChain(const CallChain &chain)
      : saved_(std::exchange(CallChain::current(), chain)) {}
  AdoptChain(const AdoptChain &) = delete;
  AdoptChain &operator=(const AdoptChain &) = delete;
  ~AdoptChain() { CallChain::current() = saved_; }

private:
  CallChain saved_;
};

// Who makes a call: the host (Binding::dispatch, maybe from a host function
// inside another call) or a consumer through its socket.
enum class Caller { host, socket };

// Holds a plugin for the length of one call. Callers from other call trees wait
// their turn; a call into a plugin its own tree holds is refused with
// `lock-rejected` instead of deadlocking: a plugin up its chain (A -> B -> A),
// or one that another parallel branch of the same dispatch is running (which
// might be waiting for a plugin this branch holds). Except that a socket call
// whose chain went through sockets only waits for the other branch: socket
// calls follow the graph, where a plugin reaches only plugins instantiated
// before it, so two such branches never wait for each other.
class CallLock {
public:
  static Result<CallLock, DispatchError> acquire(PluginState &plugin, Caller caller = Caller::host);
  CallLock(CallLock &&other) noexcept
      : plugin_(std::exchange(other.plugin_, nullptr)), rooted_(other.rooted_) {}
  CallLock &operator=(CallLock &&) = delete;
  ~CallLock();

private:
  CallLock(PluginState &plugin, bool rooted) : plugin_(&plugin), rooted_(rooted) {}
  PluginState *plugin_;
  bool rooted_; // this lock started the thread's call tree
};

} // namespace wasm_link::detail
