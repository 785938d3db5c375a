// What a plugin may consume (see "Limits" in docs/ABI.md). Zero trust: a plugin
// is given budgets and caps when it is created, and running out of one is a
// `runtime-exception` for that call alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <wasm_link/interface.hh>

namespace wasm_link {

class PluginInstance;

// One call about to be made, as a per-call budget callback sees it.
struct CallSite {
  const PluginInstance &plugin;    // its context: plugin.context<Ctx>()
  std::string_view interface_path; // `<package>/<interface>`
  std::string_view function;
  const Function &metadata;
};

// A budget for one call: fuel units, or epoch ticks beyond the current epoch.
// Returning nothing leaves the plugin's budget as it is.
using CallBudget = std::function<std::optional<std::uint64_t>(const CallSite &)>;

struct Limits {
  // Fuel set before instantiation, so start functions and initialisers are
  // metered. The engine must meter fuel (Config::consume_fuel(true)).
  std::optional<std::uint64_t> initial_fuel = std::nullopt;
  // Fuel set before every call; without it, calls consume what is left.
  CallBudget fuel_per_call = nullptr;
  // Epoch ticks each call may run for. The engine must have epoch interruption
  // (Config::epoch_interruption(true)); the embedder advances the epoch.
  CallBudget epoch_deadline = nullptr;
  // Wall-clock time each call (and the instantiation) may run for. Needs epoch
  // interruption; the runtime then advances the engine's epoch every
  // millisecond from a thread of its own, one per engine, running while any
  // plugin with a timeout lives.
  std::optional<std::chrono::milliseconds> timeout = std::nullopt;
  // Caps on the plugin's store, fixed at instantiation. Growth past a cap
  // fails the grow (the guest sees -1); a component that needs more from the
  // start fails to instantiate. Bytes and elements count all the plugin's
  // memories and tables together, whatever number of them its component has.
  std::optional<std::int64_t> max_memory_bytes = std::nullopt;   // all linear memories
  std::optional<std::int64_t> max_table_elements = std::nullopt; // all tables
  std::optional<std::int64_t> max_instances = std::nullopt;
  std::optional<std::int64_t> max_tables = std::nullopt;
  std::optional<std::int64_t> max_memories = std::nullopt;
  // The bytes of strings and lists one call may copy out of the plugin: what a
  // call returns, and what the plugin passes to a socket or host function.
  // Without a cap a plugin of a few MiB could make the host copy much more
  // (many strings aliasing one region). None: Wasmtime's 128 MiB.
  std::optional<std::size_t> max_result_bytes = std::nullopt;
  // Resource handles the plugin has given out that the runtime holds wrapped
  // for consumers and the host at one time (see docs/ABI.md, "Resources across
  // plugins"). Past it, results with more handles are `resource-table-full` and
  // their handles are dropped in the plugin.
  std::uint32_t max_resource_handles = 65'536;
};

} // namespace wasm_link
