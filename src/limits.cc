// Applying a plugin's Limits: caps and initial budgets at instantiation, per-call
// budgets before each call, and the epoch ticker behind wall-clock timeouts.
#include "plugin_state.hh"
#include "shim.h"

#include <atomic>
#include <map>
#include <thread>

namespace wasm_link::detail {
namespace {

// Far enough ahead never to be reached, and small enough that Wasmtime's
// `current epoch + delta` cannot overflow.
constexpr std::uint64_t no_deadline = std::uint64_t{1} << 62;

// Ticks of the runtime's ticker in a timeout: one per millisecond, and one more
// so a call gets at least the whole timeout.
std::uint64_t ticks(std::chrono::milliseconds timeout) {
  return static_cast<std::uint64_t>(timeout.count()) + 1;
}

} // namespace

// Advances one engine's epoch every millisecond while any plugin with a
// timeout holds it.
class Ticker {
public:
  explicit Ticker(const wasmtime::Engine &engine)
      : engine_(engine), thread_([this] {
          while (!stop_.load(std::memory_order_relaxed)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            engine_.increment_epoch();
          }
        }) {}
  ~Ticker() {
    stop_ = true;
    thread_.join();
  }

  // The ticker of the embedder's Engine object, started on first use. The C API
  // gives engines no identity, so clones of one engine made by the embedder
  // count as engines of their own.
  static std::shared_ptr<Ticker> of(const wasmtime::Engine &engine) {
    static std::mutex mutex;
    static std::map<const wasm_engine_t *, std::weak_ptr<Ticker>> tickers;
    std::lock_guard lock(mutex);
    auto &slot = tickers[engine.capi()];
    auto ticker = slot.lock();
    if (!ticker)
      slot = ticker = std::make_shared<Ticker>(engine);
    return ticker;
  }

private:
  wasmtime::Engine engine_;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
};

Result<std::monostate> apply_limits_at_instantiation(const wasmtime::Engine &engine,
                                                     PluginState &plugin) {
  const Limits &limits = plugin.limits();
  auto context = plugin.store.context();
  const bool wants_fuel = limits.initial_fuel || limits.fuel_per_call;
  const bool metered = wasm_link_engine_consumes_fuel(engine.capi());
  if (wants_fuel && !metered)
    return Error(Error::Kind::config,
                 "the plugin has fuel limits but its engine does not meter fuel (create the engine "
                 "from a Config with consume_fuel(true))");
  // Without fuel limits, a plugin on a metering engine must not start empty.
  if (metered)
    if (auto fuel = context.set_fuel(limits.initial_fuel.value_or(wants_fuel ? 0 : UINT64_MAX));
        !fuel)
      return Error(Error::Kind::config, "cannot give the plugin fuel: " + fuel.err().message());

  context.set_epoch_deadline(limits.timeout ? ticks(*limits.timeout) : no_deadline);
  // A restart keeps the plugin's ticker: `engine` is then the plugin's own
  // clone, which the C API cannot tell is the same engine.
  if (limits.timeout) // given limits: the plugin has its extras
    if (auto &ticker = plugin.extras_made().ticker; !ticker)
      ticker = Ticker::of(engine);

  if (limits.max_memory_bytes || limits.max_table_elements || limits.max_instances ||
      limits.max_tables || limits.max_memories)
    wasm_link_store_limit_totals(plugin.store.capi(), limits.max_memory_bytes.value_or(-1),
                                 limits.max_table_elements.value_or(-1),
                                 limits.max_instances.value_or(-1), limits.max_tables.value_or(-1),
                                 limits.max_memories.value_or(-1));
  if (limits.max_result_bytes)
    wasm_link_store_set_hostcall_fuel(plugin.store.capi(), *limits.max_result_bytes);
  return std::monostate();
}

void apply_limits_before_call(PluginState &plugin, const CallSite &site) {
  const Limits &limits = plugin.limits();
  auto context = plugin.store.context();
  if (limits.fuel_per_call)
    if (auto fuel = limits.fuel_per_call(site))
      (void)context.set_fuel(*fuel); // metering was checked at instantiation
  std::optional<std::uint64_t> deadline;
  if (limits.epoch_deadline)
    deadline = limits.epoch_deadline(site);
  if (limits.timeout)
    deadline = std::min(deadline.value_or(no_deadline), ticks(*limits.timeout));
  if (deadline)
    context.set_epoch_deadline(*deadline);
}

std::string describe_failure(const PluginState &plugin, const std::string &message) {
  const Limits &limits = plugin.limits();
  if (message.find("all fuel consumed") != std::string::npos)
    return "fuel exhausted: " + message;
  if (message.find("wasm trap: interrupt") != std::string::npos) {
    if (limits.timeout)
      return "deadline passed (timeout " + std::to_string(limits.timeout->count()) +
             " ms): " + message;
    return "epoch deadline passed: " + message;
  }
  if (message.find("fuel allocated for hostcalls has been exhausted") != std::string::npos)
    return "result too large (max-result-bytes = " +
           (limits.max_result_bytes ? std::to_string(*limits.max_result_bytes)
                                    : std::string("134217728, Wasmtime's default")) +
           "): " + message;
  if (message.find("call stack exhausted") != std::string::npos)
    return "stack exhausted: " + message;
  if (message.find("cannot enter component instance") != std::string::npos)
    return "the plugin failed in an earlier call and Wasmtime will not enter it again; restart "
           "it (PluginInstance::restart): " +
           message;
  if (message.find("exceeds memory limits") != std::string::npos && limits.max_memory_bytes)
    return message + " (max-memory-bytes = " + std::to_string(*limits.max_memory_bytes) + ")";
  if (message.find("exceeds table limits") != std::string::npos && limits.max_table_elements)
    return message + " (max-table-elements = " + std::to_string(*limits.max_table_elements) + ")";
  if (message.find("count too high") != std::string::npos &&
      (limits.max_instances || limits.max_tables || limits.max_memories))
    return message + " (max-instances, max-tables, max-memories = " +
           std::to_string(limits.max_instances.value_or(-1)) + ", " +
           std::to_string(limits.max_tables.value_or(-1)) + ", " +
           std::to_string(limits.max_memories.value_or(-1)) + "; -1: Wasmtime's default)";
  return message;
}

} // namespace wasm_link::detail
