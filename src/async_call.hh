// Wasmtime's async entry points, driven to their end on the calling thread.
#pragma once

#include "plugin_state.hh"

#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

// Polls `future` until it is done, then deletes it. The host functions a plugin
// reaches finish within the call, and Wasmtime ends a call that has nothing
// left to wait for with a trap, so this does not spin for long.
inline void run_to_end(wasmtime_call_future_t *future) {
  while (!wasmtime_call_future_poll(future)) {
  }
  wasmtime_call_future_delete(future);
}

// Runs `entry`, which goes into some store through one of Wasmtime's async
// entry points, on this thread; or, when this thread is already inside one (a
// socket call from an async plugin), on a thread of its own that continues this
// thread's call chain: Wasmtime runs one store's event loop per thread at a
// time, and starting a second panics.
template <typename F> auto run_async_entry(F &&entry) -> decltype(entry()) {
  thread_local int entries_on_this_thread = 0;
  if (entries_on_this_thread > 0) {
    std::optional<decltype(entry())> outcome;
    std::thread([&, chain = CallChain::joinable()] {
      AdoptChain adopt(chain);
      outcome.emplace(run_async_entry(entry));
    }).join();
    return std::move(*outcome);
  }
  struct Entered {
    Entered() { ++entries_on_this_thread; }
    ~Entered() { --entries_on_this_thread; }
  } entered;
  return entry();
}

// What Wasmtime says, before running anything, when a sync entry point is used
// on a store that must be entered asynchronously: one that instantiated a
// component lowering an async host function (an `async func` import).
inline constexpr std::string_view async_store_refusal =
    "store configuration requires that `*_async` functions are used instead";

// Drops a guest's resource in `plugin`'s store (whose lock the caller holds),
// through the async entry point in a store that refused a sync one
// (PluginState::async_entry).
wasmtime::Result<std::monostate> drop_guest(PluginState &plugin,
                                            const wasmtime::component::ResourceAny &handle);

// What instantiating a component depends on in its imports, read in one walk
// over its type (each query of which allocates).
struct ImportScan {
  std::vector<std::string> wasi; // the `wasi:` imports' names
  // Whether it imports an `async func`. Wasmtime links such an import only to
  // an async host function, and instantiates a component linked to one only
  // through its async entry point.
  bool async = false;
};
ImportScan scan_imports(const wasmtime::Engine &engine,
                        const wasmtime::component::Component &component);

} // namespace wasm_link::detail
