// Zero trust: every plugin gets only the budgets and caps it was given. Each
// hostile case checks the exact error (which limit was hit) and that a healthy
// plugin in the same graph still answers afterwards.
#include "shim.h"
#include "support.hh"

#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <thread>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

wasmtime::Engine limiting_engine() {
  wasmtime::Config config = default_config();
  config.consume_fuel(true);
  config.epoch_interruption(true);
  return wasmtime::Engine(std::move(config));
}

CallBudget always(std::uint64_t budget) {
  return [budget](const CallSite &) { return std::optional<std::uint64_t>(budget); };
}

bool starts_with(const std::string &text, const std::string &prefix) {
  return text.rfind(prefix, 0) == 0;
}

class Limited : public ::testing::Test {
protected:
  Limited()
      : engine(limiting_engine()), linker(engine),
        hostile_component(load(engine, "limits/hostile.wat")),
        healthy(take(Binding::create(
            "test:child", child_interfaces(), Cardinality::exactly_one,
            {{"healthy",
              take(Plugin(load(engine, "sockets/child_a.wat")).instantiate(engine, linker))}}))) {}

  Binding hostile(Limits limits) {
    plugin =
        take(Plugin(hostile_component).with_limits(std::move(limits)).instantiate(engine, linker));
    return take(Binding::create(
        "test:hostile",
        {{"api", take(Interface::from_component(engine, hostile_component, "test:hostile/api"))}},
        Cardinality::exactly_one, {{"hostile", *plugin}}));
  }

  // The value, or the error message, of `function`.
  static std::string call(const Binding &binding, std::string_view function) {
    const CallResult result = take(binding.dispatch("api", function, {}))[0].result;
    if (!result) {
      EXPECT_EQ(result.err_ref().kind(), DispatchError::Kind::runtime_exception);
      return result.err_ref().payload();
    }
    return to_string(*result.ok_ref());
  }

  void expect_healthy_still_answers() {
    auto results = take(healthy.dispatch("root", "get-value", {}));
    ASSERT_TRUE(results[0].result);
    EXPECT_EQ(to_string(*results[0].result.ok_ref()), "1");
  }

  wasmtime::Engine engine;
  wasmtime::component::Linker linker;
  wasmtime::component::Component hostile_component;
  Binding healthy;
  std::optional<PluginInstance> plugin;
};

TEST_F(Limited, InfiniteLoopRunsOutOfFuel) {
  auto binding = hostile({.fuel_per_call = always(100'000)});
  const std::string error = call(binding, "spin");
  EXPECT_TRUE(starts_with(error, "fuel exhausted: ")) << error;
  EXPECT_NE(error.find("all fuel consumed by WebAssembly"), std::string::npos) << error;
  expect_healthy_still_answers();
}

TEST_F(Limited, InfiniteLoopPassesItsTimeout) {
  auto binding = hostile({.timeout = std::chrono::milliseconds(50)});
  const std::string error = call(binding, "spin");
  EXPECT_TRUE(starts_with(error, "deadline passed (timeout 50 ms): ")) << error;
  EXPECT_NE(error.find("wasm trap: interrupt"), std::string::npos) << error;
  expect_healthy_still_answers();
}

TEST_F(Limited, EpochDeadlineCallbackSeesTheCall) {
  std::vector<std::string> seen;
  auto binding = hostile({.epoch_deadline = [&](const CallSite &site) {
    seen.push_back(std::string(site.interface_path) + "." + std::string(site.function) +
                   (site.metadata.kind == FunctionKind::freestanding ? " freestanding" : " other") +
                   (site.plugin.context<std::monostate>() ? " with context" : ""));
    return std::optional<std::uint64_t>(0); // already due: the first check traps
  }});
  const std::string error = call(binding, "spin");
  EXPECT_TRUE(starts_with(error, "epoch deadline passed: ")) << error;
  EXPECT_EQ(seen, std::vector<std::string>{"test:hostile/api.spin freestanding with context"});
  expect_healthy_still_answers();
}

TEST_F(Limited, FuelPerCallIsResetBeforeEveryCall) {
  // One call of `work` costs a few thousand units; a hundred of them would not
  // fit in one budget of 10,000, but each call gets the budget afresh.
  auto binding = hostile({.fuel_per_call = always(10'000)});
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(call(binding, "work"), "1000") << "call " << i;
}

TEST_F(Limited, WithoutPerCallFuelCallsConsumeWhatIsLeft) {
  auto binding = hostile({.initial_fuel = 20'000});
  int answered = 0;
  std::string error;
  for (int i = 0; i < 100 && error.empty(); ++i) {
    std::string out = call(binding, "work");
    if (out == "1000")
      ++answered;
    else
      error = out;
  }
  EXPECT_GT(answered, 0);
  EXPECT_LT(answered, 100);
  EXPECT_TRUE(starts_with(error, "fuel exhausted: ")) << error;
}

TEST_F(Limited, MemoryBombIsRefusedAtTheCap) {
  auto binding = hostile({.max_memory_bytes = 1 << 20});
  EXPECT_EQ(call(binding, "grow-memory"), "16"); // 16 pages of 64 KiB: the guest saw -1 after
  EXPECT_EQ(call(binding, "work"), "1000");      // a refused grow is not a trap
  expect_healthy_still_answers();
}

TEST_F(Limited, TableBombIsRefusedAtTheCap) {
  auto binding = hostile({.max_table_elements = 1000});
  EXPECT_EQ(call(binding, "grow-table"), "1000");
  expect_healthy_still_answers();
}

TEST_F(Limited, DeepRecursionIsATrapNotACrash) {
  auto binding = hostile({});
  const std::string error = call(binding, "recurse");
  EXPECT_TRUE(starts_with(error, "stack exhausted: ")) << error;
  EXPECT_NE(error.find("wasm trap: call stack exhausted"), std::string::npos) << error;
  expect_healthy_still_answers();
}

TEST_F(Limited, HugeStringOrListBeyondTheGuestsMemoryIsRefused) {
  EXPECT_EQ(call(hostile({}), "huge-string"), "string pointer/length out of bounds of memory");
  EXPECT_EQ(call(hostile({}), "huge-list"), "list pointer/length out of bounds of memory");
  expect_healthy_still_answers();
}

TEST_F(Limited, TrappedPluginIsRefusedUntilRestarted) {
  auto binding = hostile({.fuel_per_call = always(100'000)});
  ASSERT_TRUE(starts_with(call(binding, "spin"), "fuel exhausted: "));
  EXPECT_EQ(call(binding, "work"),
            "the plugin failed in an earlier call and Wasmtime will not enter it again; restart "
            "it (PluginInstance::restart): wasm trap: cannot enter component instance");
  ASSERT_TRUE(plugin->restart(linker));
  EXPECT_EQ(call(binding, "work"), "1000");
}

TEST_F(Limited, StartFunctionThatNeverEndsRunsOutOfFuel) {
  auto instance = Plugin(load(engine, "limits/start_forever.wat"))
                      .with_limits({.initial_fuel = 100'000})
                      .instantiate(engine, linker);
  expect_error(instance, Error::Kind::instantiate,
               "cannot instantiate plugin: fuel exhausted: error while executing at wasm "
               "backtrace:\n"
               "    0:     0x24 - m!forever\n"
               "\n"
               "Caused by:\n"
               "    wasm trap: all fuel consumed by WebAssembly");
  expect_healthy_still_answers();
}

// Per-call fuel alone gives the start function no fuel of its own: a plugin
// with fuel limits has only the fuel they give it. (The timeout only ends the
// loop should the start function get fuel after all.)
TEST_F(Limited, PerCallFuelAloneLeavesTheStartFunctionNone) {
  auto instance = Plugin(load(engine, "limits/start_forever.wat"))
                      .with_limits({.fuel_per_call = always(100'000),
                                    .timeout = std::chrono::milliseconds(5'000)})
                      .instantiate(engine, linker);
  expect_error(instance, Error::Kind::instantiate,
               "cannot instantiate plugin: fuel exhausted: wasm trap: all fuel consumed by "
               "WebAssembly");
}

TEST_F(Limited, StartFunctionThatNeverEndsPassesItsTimeout) {
  auto instance = Plugin(load(engine, "limits/start_forever.wat"))
                      .with_limits({.timeout = std::chrono::milliseconds(50)})
                      .instantiate(engine, linker);
  ASSERT_FALSE(instance);
  EXPECT_TRUE(starts_with(instance.err_ref().message(),
                          "cannot instantiate plugin: deadline passed (timeout 50 ms): "))
      << instance.err_ref().message();
  expect_healthy_still_answers();
}

// The memory cap is the plugin's total: four memories of one page each under a
// cap of 16 pages may grow by 12 pages together, not by 15 each.
TEST_F(Limited, MemoryCapCountsAllThePluginsMemoriesTogether) {
  auto component = load(engine, "limits/many_memories.wat");
  auto instance = take(
      Plugin(component).with_limits({.max_memory_bytes = 16 * 65536}).instantiate(engine, linker));
  auto binding = take(Binding::create(
      "test:memories",
      {{"api", take(Interface::from_component(engine, component, "test:memories/api"))}},
      Cardinality::exactly_one, {{"m", instance}}));
  auto grow = [&](std::string_view function, std::uint32_t pages) {
    const Val arg(pages);
    const CallResult result = take(binding.dispatch("api", function, {&arg, 1}))[0].result;
    return result ? result.ok_ref()->get_s32() : -2;
  };
  EXPECT_EQ(grow("grow-a", 8), 1);  // 4 + 8 = 12 pages in all
  EXPECT_EQ(grow("grow-b", 8), -1); // 20 > 16: refused, though b alone would fit
  EXPECT_EQ(grow("grow-b", 4), 1);  // 16: exactly the cap
  EXPECT_EQ(grow("grow-c", 1), -1); // 17 > 16
  EXPECT_EQ(grow("grow-d", 0), 1);  // growing by nothing is within any cap
}

// A plugin of 1 MiB of memory returns many strings aliasing one region: what
// the host copies is bounded by max_result_bytes, not by the plugin's memory.
TEST_F(Limited, ResultsLargerThanTheirCapAreRefused) {
  auto component = load(engine, "limits/amplify.wat");
  auto instance = take(
      Plugin(component).with_limits({.max_result_bytes = 8 << 20}).instantiate(engine, linker));
  auto binding = take(Binding::create(
      "test:amplify",
      {{"api", take(Interface::from_component(engine, component, "test:amplify/api"))}},
      Cardinality::exactly_one, {{"a", instance}}));
  const Val small(4u), large(64u);
  const CallResult fits = take(binding.dispatch("api", "amplify", {&small, 1}))[0].result;
  ASSERT_TRUE(fits) << fits.err_ref().message();
  EXPECT_EQ(fits.ok_ref()->get_list().size(), 4u);
  const CallResult refused = take(binding.dispatch("api", "amplify", {&large, 1}))[0].result;
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.err_ref().kind(), DispatchError::Kind::runtime_exception);
  EXPECT_EQ(refused.err_ref().payload(),
            "result too large (max-result-bytes = 8388608): too much data is being copied "
            "between the host and the guest: fuel allocated for hostcalls has been exhausted");
}

// The cap is the number given, not a multiple of it: 12 MiB is past 8 MiB.
TEST_F(Limited, ResultCapIsTheNumberGiven) {
  auto component = load(engine, "limits/amplify.wat");
  auto instance = take(
      Plugin(component).with_limits({.max_result_bytes = 8 << 20}).instantiate(engine, linker));
  auto binding = take(Binding::create(
      "test:amplify",
      {{"api", take(Interface::from_component(engine, component, "test:amplify/api"))}},
      Cardinality::exactly_one, {{"a", instance}}));
  const Val past(12u);
  const CallResult refused = take(binding.dispatch("api", "amplify", {&past, 1}))[0].result;
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.err_ref().payload(),
            "result too large (max-result-bytes = 8388608): too much data is being copied "
            "between the host and the guest: fuel allocated for hostcalls has been exhausted");
}

TEST_F(Limited, CountCapsBoundInstancesAndMemories) {
  auto refused = Plugin(load(engine, "limits/many_memories.wat"))
                     .with_limits({.max_memories = 3})
                     .instantiate(engine, linker);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.err().message(),
            "cannot instantiate plugin: resource limit exceeded: memory count too high at 4 "
            "(max-instances, max-tables, max-memories = -1, -1, 3; -1: Wasmtime's default)");
}

// Each count cap bounds its own kind, at its own number: three tables are
// refused under max_tables = 2 and fit under 3, and the other caps do not
// bound tables.
TEST_F(Limited, TableCountCapBoundsTables) {
  auto component = load(engine, "limits/many_tables.wat");
  auto refused = Plugin(component).with_limits({.max_tables = 2}).instantiate(engine, linker);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.err().message(),
            "cannot instantiate plugin: resource limit exceeded: table count too high at 3 "
            "(max-instances, max-tables, max-memories = -1, 2, -1; -1: Wasmtime's default)");
  auto fits = Plugin(component).with_limits({.max_tables = 3}).instantiate(engine, linker);
  EXPECT_TRUE(fits) << fits.err_ref().message();
  auto others = Plugin(component)
                    .with_limits({.max_instances = 2, .max_memories = 2})
                    .instantiate(engine, linker);
  EXPECT_TRUE(others) << others.err_ref().message();
}

// many_memories.wat has four core instances.
TEST_F(Limited, InstanceCountCapBoundsInstances) {
  auto component = load(engine, "limits/many_memories.wat");
  auto refused = Plugin(component).with_limits({.max_instances = 3}).instantiate(engine, linker);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.err().message(),
            "cannot instantiate plugin: resource limit exceeded: instance count too high at 4 "
            "(max-instances, max-tables, max-memories = 3, -1, -1; -1: Wasmtime's default)");
  auto fits = Plugin(component).with_limits({.max_instances = 4}).instantiate(engine, linker);
  EXPECT_TRUE(fits) << fits.err_ref().message();
  auto others = Plugin(component)
                    .with_limits({.max_tables = 3, .max_memories = 4})
                    .instantiate(engine, linker);
  EXPECT_TRUE(others) << others.err_ref().message();
}

TEST_F(Limited, ComponentNeedingMoreMemoryThanItsCapDoesNotInstantiate) {
  auto instance = Plugin(load(engine, "limits/big_memory.wat"))
                      .with_limits({.max_memory_bytes = 1 << 20})
                      .instantiate(engine, linker);
  ASSERT_FALSE(instance);
  EXPECT_EQ(instance.err_ref().message(),
            "cannot instantiate plugin: memory minimum size of 64 pages exceeds memory limits "
            "(max-memory-bytes = 1048576)");
}

TEST_F(Limited, NothingAmbient) {
  auto instance = Plugin(load(engine, "limits/ambient.wat")).instantiate(engine, linker);
  ASSERT_FALSE(instance);
  EXPECT_EQ(instance.err_ref().kind(), Error::Kind::link);
  EXPECT_EQ(instance.err_ref().message(),
            "cannot link plugin: it imports WASI (`wasi:cli/environment@0.2.0`) but was granted "
            "none: grant it with Plugin::with_wasi(WasiGrant{...}), or in a manifest with a "
            "[plugins.<id>.wasi] table (an empty table is a sandbox that holds nothing)");
}

TEST_F(Limited, CountCapsRefuseInstantiation) {
  auto instance =
      Plugin(hostile_component).with_limits({.max_memories = 0}).instantiate(engine, linker);
  expect_error(instance, Error::Kind::instantiate,
               "cannot instantiate plugin: resource limit exceeded: memory count too high at 1 "
               "(max-instances, max-tables, max-memories = -1, -1, 0; -1: Wasmtime's default)");
}

std::size_t threads() {
  return static_cast<std::size_t>(
      std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                    std::filesystem::directory_iterator()));
}

TEST(Ticker, OneThreadPerEngineWhileAPluginHasATimeout) {
  auto engine = limiting_engine();
  wasmtime::component::Linker linker(engine);
  auto component = load(engine, "sockets/child_a.wat"); // compiled: no compile threads later
  // A sanitizer's runtime starts a thread of its own at the process's first
  // thread (ThreadSanitizer does): let that happen before counting.
  std::thread([] {}).join();
  const std::size_t before = threads();
  {
    auto untimed = take(Plugin(component).instantiate(engine, linker));
    EXPECT_EQ(threads(), before) << "a plugin without a timeout started a ticker";
    auto first = take(Plugin(component)
                          .with_limits({.timeout = std::chrono::milliseconds(100)})
                          .instantiate(engine, linker));
    EXPECT_EQ(threads(), before + 1);
    auto second = take(Plugin(component)
                           .with_limits({.timeout = std::chrono::milliseconds(100)})
                           .instantiate(engine, linker));
    EXPECT_EQ(threads(), before + 1) << "one ticker per engine";
  }
  EXPECT_EQ(threads(), before) << "the ticker outlived the plugins that needed it";
}

TEST(Restart, ConsumerReachesTheRestartedDependencyThroughItsSocket) {
  auto engine = make_engine();
  wasmtime::component::Linker linker(engine);
  auto child = take(Plugin(load(engine, "sockets/child_a.wat")).instantiate(engine, linker));
  auto children = take(
      Binding::create("test:child", child_interfaces(), Cardinality::exactly_one, {{"a", child}}));
  auto relay = take(Plugin(load(engine, "sockets/relay_exactly_one.wat"))
                        .link(engine, wasmtime::component::Linker(engine), {children}));
  auto relays = take(Binding::create(
      "test:relay", {{"root", Interface().function("relay-get-value").function("relay-trap")}},
      Cardinality::exactly_one, {{"relay", relay}}));
  auto relay_call = [&](std::string_view function) {
    return to_string(*take(relays.dispatch("root", function, {}))[0].result.ok_ref());
  };

  EXPECT_EQ(
      relay_call("relay-trap"),
      R"w(("a", err(runtime-exception("error while executing at wasm backtrace:\n    0:     0x3e - m!<wasm function 1>\n\nCaused by:\n    wasm trap: wasm `unreachable` instruction executed"))))w");
  EXPECT_EQ(relay_call("relay-get-value"),
            "(\"a\", err(runtime-exception(\"the plugin failed in an earlier call and Wasmtime "
            "will not enter it again; restart it (PluginInstance::restart): wasm trap: cannot "
            "enter component instance\")))");
  ASSERT_TRUE(child.restart(linker));
  EXPECT_EQ(relay_call("relay-get-value"), "(\"a\", ok(1))");
  // A linked plugin restarts with the linker it was linked with, sockets included.
  ASSERT_TRUE(relay.restart());
  EXPECT_EQ(relay_call("relay-get-value"), "(\"a\", ok(1))");
}

TEST(Restart, InstantiatedPluginNeedsItsLinker) {
  auto engine = make_engine();
  wasmtime::component::Linker linker(engine);
  auto child = take(Plugin(load(engine, "sockets/child_a.wat")).instantiate(engine, linker));
  auto restarted = child.restart();
  ASSERT_FALSE(restarted);
  EXPECT_EQ(restarted.err_ref().message(),
            "cannot restart a plugin made by instantiate() without a linker: pass the linker that "
            "satisfies its imports");
}

TEST(Limits, FuelOnAnEngineWithoutMeteringIsAConfigError) {
  auto engine = make_engine();
  wasmtime::component::Linker linker(engine);
  auto instance = Plugin(load(engine, "sockets/child_a.wat"))
                      .with_limits({.initial_fuel = 1000})
                      .instantiate(engine, linker);
  expect_error(instance, Error::Kind::config,
               "the plugin has fuel limits but its engine does not meter fuel (create the engine "
               "from a Config with consume_fuel(true))");
  // What the runtime asks instead of trying (src/shim.h).
  EXPECT_FALSE(wasm_link_engine_consumes_fuel(engine.capi()));
  EXPECT_TRUE(wasm_link_engine_consumes_fuel(limiting_engine().capi()));
}

// Zero is a budget, as in the reference: a plugin whose instantiation runs no
// code instantiates (and its calls run out at once); one that runs code fails.
TEST(Limits, ZeroInitialFuelIsABudget) {
  auto engine = limiting_engine();
  wasmtime::component::Linker linker(engine);
  auto quiet = Plugin(load(engine, "sockets/child_a.wat"))
                   .with_limits({.initial_fuel = 0})
                   .instantiate(engine, linker);
  ASSERT_TRUE(quiet) << quiet.err_ref().message();
  auto children = take(Binding::create("test:child", child_interfaces(), Cardinality::exactly_one,
                                       {{"a", quiet.ok()}}));
  expect_error(take(children.dispatch("root", "get-value", {}))[0].result,
               DispatchError::Kind::runtime_exception,
               "runtime-exception: fuel exhausted: error while executing at wasm backtrace:\n"
               "    0:     0x38 - m!<wasm function 0>\n"
               "\n"
               "Caused by:\n"
               "    wasm trap: all fuel consumed by WebAssembly");

  auto busy = Plugin(load(engine, "limits/start_forever.wat"))
                  .with_limits({.initial_fuel = 0})
                  .instantiate(engine, linker);
  expect_error(busy, Error::Kind::instantiate,
               "cannot instantiate plugin: fuel exhausted: wasm trap: all fuel consumed by "
               "WebAssembly");
}

TEST(Limits, PluginsWithoutLimitsRunOnALimitingEngine) {
  // Fuel metering and epochs are engine-wide; a plugin that asked for neither
  // must not start with an empty tank or a deadline already due.
  auto engine = limiting_engine();
  wasmtime::component::Linker linker(engine);
  auto instance = take(Plugin(load(engine, "sockets/child_a.wat")).instantiate(engine, linker));
  auto binding = take(Binding::create("test:child", child_interfaces(), Cardinality::exactly_one,
                                      {{"free", instance}}));
  auto results = take(binding.dispatch("root", "get-value", {}));
  ASSERT_TRUE(results[0].result) << results[0].result.err_ref().message();
  EXPECT_EQ(to_string(*results[0].result.ok_ref()), "1");
}

} // namespace
} // namespace wasm_link
