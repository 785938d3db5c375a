// Component-model async plugins: `async func` exports, lifted with or without
// the `async` option, called by the host and through sockets of every
// cardinality, under the same limits as sync calls; sync and async plugins side
// by side. Their engine comes from concurrent_config().
#include "support.hh"

#include <chrono>
#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

wasmtime::Engine async_engine() {
  wasmtime::Config config = concurrent_config();
  config.consume_fuel(true);
  config.epoch_interruption(true);
  return wasmtime::Engine(std::move(config));
}

Binding::Interfaces async_child_interfaces() {
  return {{"root", Interface()
                       .function("get-value")
                       .function("trap")
                       .function("spin")
                       .function("lifted-async")}};
}

class Async : public ::testing::Test {
protected:
  PluginInstance plugin(const std::string &file, Limits limits = {}) {
    return take(
        Plugin(load(engine, file)).with_limits(std::move(limits)).instantiate(engine, linker));
  }

  Binding async_child(Limits limits = {}) {
    child = plugin("async/child_async.wat", std::move(limits));
    return take(Binding::create("test:child", async_child_interfaces(), Cardinality::exactly_one,
                                {{"a", *child}}));
  }

  // A trap leaves a component instance that Wasmtime will not enter again
  // (with concurrency support, as without); a restart makes a fresh one.
  void expect_poisoned_then_restarted(const Binding &binding) {
    EXPECT_EQ(call(binding, "root", "get-value"),
              "runtime-exception: the plugin failed in an earlier call and Wasmtime will not "
              "enter it again; restart it (PluginInstance::restart): wasm trap: cannot enter "
              "component instance");
    ASSERT_TRUE(child->restart(linker));
    EXPECT_EQ(call(binding, "root", "get-value"), "1");
    EXPECT_EQ(call(binding, "root", "lifted-async"), "1");
  }

  // The relay `file` linked to `socket`, as an exactly-one binding of its own.
  Binding relay(const std::string &file, const Binding &socket) {
    auto component = load(engine, file);
    auto instance =
        take(Plugin(component).link(engine, wasmtime::component::Linker(engine), {socket}));
    auto interface = take(Interface::from_component(engine, component, "test:relay/root"));
    return take(Binding::create("test:relay", {{"root", interface}}, Cardinality::exactly_one,
                                {{"relay", instance}}));
  }

  // What the one plugin of `binding` answered, as text.
  static std::string call(const Binding &binding, std::string_view interface,
                          std::string_view function) {
    const CallResult result = take(binding.dispatch(interface, function, {}))[0].result;
    if (!result)
      return std::string(case_name(result.err_ref().kind())) + ": " + result.err_ref().payload();
    return to_string(*result.ok_ref());
  }

  static bool starts_with(const std::string &text, const std::string &prefix) {
    return text.rfind(prefix, 0) == 0;
  }

  wasmtime::Engine engine = async_engine();
  wasmtime::component::Linker linker{engine};
  std::optional<PluginInstance> child; // of async_child
};

TEST_F(Async, NeedsConcurrencyReadsTheComponentsTypes) {
  const std::string async_child = fixture_text("async/child_async.wat");
  const std::string async_relay = fixture_text("async/relay_any_map_async.wat");
  const std::string sync_child = fixture_text("sockets/child_a.wat");
  const std::string not_wasm = "hello";
  auto bytes = [](const std::string &t) {
    return std::span(reinterpret_cast<const std::uint8_t *>(t.data()), t.size());
  };
  EXPECT_TRUE(needs_concurrency(bytes(async_child))) << "async func exports";
  EXPECT_TRUE(needs_concurrency(bytes(async_relay))) << "async func imports";
  EXPECT_TRUE(needs_concurrency(bytes(fixture_text("resources/future.wat"))))
      << "future and stream types";
  EXPECT_FALSE(needs_concurrency(bytes(sync_child)));
  EXPECT_FALSE(needs_concurrency(bytes(not_wasm)));
}

TEST_F(Async, AnEngineWithoutConcurrencySaysWhichConfigTheComponentNeeds) {
  wasmtime::Engine sync_engine(default_config());
  auto component = load_component(sync_engine, fixture("async/child_async.wat"));
  ASSERT_FALSE(component);
  const std::string message = component.err().message();
  EXPECT_TRUE(starts_with(message, "cannot compile component `" +
                                       fixture("async/child_async.wat").string() + "`: "))
      << message;
  EXPECT_TRUE(message.ends_with("\n(the component uses component-model async: its engine must be "
                                "made from wasm_link::concurrent_config())"))
      << message;
}

TEST_F(Async, HostCallsAnAsyncExportLiftedWithoutTheAsyncOption) {
  EXPECT_EQ(call(async_child(), "root", "get-value"), "1");
}

TEST_F(Async, HostCallsAnExportLiftedWithTheAsyncOption) {
  auto binding = async_child();
  EXPECT_EQ(call(binding, "root", "lifted-async"), "1");
  EXPECT_EQ(call(binding, "root", "lifted-async"), "1") << "and again: the task ended";
}

TEST_F(Async, SignaturesSayAsync) {
  EXPECT_EQ(async_child().signature("root", "get-value"), "async func() -> u32");
}

TEST_F(Async, TrapIsThatCallsRuntimeException) {
  auto binding = async_child();
  const std::string error = call(binding, "root", "trap");
  EXPECT_TRUE(starts_with(error, "runtime-exception: error while executing at wasm backtrace:"))
      << error;
  EXPECT_TRUE(error.ends_with("wasm trap: wasm `unreachable` instruction executed")) << error;
  expect_poisoned_then_restarted(binding);
}

TEST_F(Async, AsyncCallRunsOutOfFuel) {
  auto binding = async_child(
      {.fuel_per_call = [](const CallSite &) { return std::optional<std::uint64_t>(100'000); }});
  const std::string error = call(binding, "root", "spin");
  EXPECT_TRUE(starts_with(error, "runtime-exception: fuel exhausted: ")) << error;
  EXPECT_NE(error.find("all fuel consumed by WebAssembly"), std::string::npos) << error;
  expect_poisoned_then_restarted(binding);
}

TEST_F(Async, AsyncCallPassesItsDeadline) {
  auto binding = async_child({.timeout = std::chrono::milliseconds(50)});
  const std::string error = call(binding, "root", "spin");
  EXPECT_TRUE(starts_with(error, "runtime-exception: deadline passed (timeout 50 ms): ")) << error;
  EXPECT_TRUE(error.ends_with("wasm trap: interrupt")) << error;
  expect_poisoned_then_restarted(binding);
}

TEST_F(Async, AsyncSocketImportOfAnExactlyOneBinding) {
  auto socket = take(Binding::create("test:child", child_interfaces(), Cardinality::exactly_one,
                                     {{"a", plugin("async/child_async.wat")}}));
  auto app = relay("async/relay_exactly_one_async.wat", socket);
  EXPECT_EQ(call(app, "root", "relay-get-value"), "(\"a\", ok(1))");
  const std::string trapped = call(app, "root", "relay-trap");
  EXPECT_TRUE(starts_with(trapped, "(\"a\", err(runtime-exception(\"error while executing"))
      << trapped;
}

TEST_F(Async, AsyncSocketImportOfAnAtMostOneBinding) {
  auto empty =
      take(Binding::create("test:child", child_interfaces(), Cardinality::at_most_one, {}));
  EXPECT_EQ(call(relay("async/relay_at_most_one_async.wat", empty), "root", "relay-get-value"),
            "none");
  auto full = take(Binding::create("test:child", child_interfaces(), Cardinality::at_most_one,
                                   {{"b", plugin("async/child_async.wat")}}));
  EXPECT_EQ(call(relay("async/relay_at_most_one_async.wat", full), "root", "relay-get-value"),
            "some((\"b\", ok(1)))");
}

// A sync and an async plugin in one binding, from the host and through an
// async import of each many-plugin cardinality.
TEST_F(Async, SyncAndAsyncPluginsInOneBinding) {
  for (auto cardinality : {Cardinality::at_least_one, Cardinality::any}) {
    auto socket = take(Binding::create(
        "test:child", child_interfaces(), cardinality,
        {{"b-async", plugin("async/child_async.wat")}, {"a-sync", plugin("sockets/child_a.wat")}}));
    auto results = take(socket.dispatch("root", "get-value", {}));
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].id, "a-sync");
    EXPECT_EQ(to_string(*results[0].result.ok_ref()), "1");
    EXPECT_EQ(results[1].id, "b-async");
    EXPECT_EQ(to_string(*results[1].result.ok_ref()), "1");
    EXPECT_EQ(call(relay("async/relay_any_map_async.wat", socket), "root", "relay-get-value"),
              "[(\"a-sync\", ok(1)), (\"b-async\", ok(1))]");
    EXPECT_EQ(call(relay("sockets/relay_any_map.wat", socket), "root", "relay-get-value"),
              "[(\"a-sync\", ok(1)), (\"b-async\", ok(1))]")
        << "a sync import of the same binding";
  }
}

// Async plugins in a parallel fan-out, from the host and through an async
// socket import: each branch's thread runs its plugin's call.
TEST_F(Async, AsyncPluginsInAParallelFanOut) {
  auto socket = take(Binding::create("test:child", child_interfaces(), Cardinality::any,
                                     {{"a", plugin("async/child_async.wat")},
                                      {"b", plugin("async/child_async.wat")},
                                      {"c", plugin("sockets/child_a.wat")}}));
  socket.parallel(std::make_shared<Executor>(2), {.min_cost = std::chrono::nanoseconds(0)});
  auto app = relay("async/relay_any_map_async.wat", socket);
  for (int i = 0; i < 20; ++i) {
    auto results = take(socket.dispatch("root", "get-value", {}));
    ASSERT_EQ(results.size(), 3u);
    for (const auto &[id, result] : results)
      EXPECT_EQ(to_string(*result.ok_ref()), "1") << id;
    EXPECT_EQ(call(app, "root", "relay-get-value"),
              "[(\"a\", ok(1)), (\"b\", ok(1)), (\"c\", ok(1))]");
  }
}

// resources/app.wat with the methods and constructor of its socket imported as
// `async func`s, over resources/counters.wat.
TEST_F(Async, AsyncMethodOnAResourceThroughASocket) {
  std::string app_text =
      fixture_text("resources/app.wat", R"((export "[method]counter.get" (func (param "self")",
                   R"((export "[method]counter.get" (func async (param "self")");
  // Its exports become `async func`s too: a sync-typed export may not call an
  // async import.
  for (const auto &[from, to] : std::vector<std::pair<std::string, std::string>>{
           {R"((export "make" (func (param)", R"((export "make" (func async (param)"},
           {"(func $cycles (param", "(func $cycles async (param"},
           {"(func $keep (param", "(func $keep async (param"},
           {"(func $get-export (param", "(func $get-export async (param"},
           {"(func $release (param", "(func $release async (param"}}) {
    const auto at = app_text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    app_text.replace(at, from.size(), to);
  }
  auto app_component = take(compile_component(engine, app_text, "app_async.wat"));
  ASSERT_TRUE(needs_concurrency(
      std::span(reinterpret_cast<const std::uint8_t *>(app_text.data()), app_text.size())));

  wasmtime::component::Linker linker(engine);
  auto provider = counters(engine, 0);
  auto counters_binding = take(Binding::create(
      "test:res",
      {{"counters", take(Interface::from_component(engine, provider, "test:res/counters"))}},
      Cardinality::exactly_one, {{"a", take(Plugin(provider).instantiate(engine, linker))}}));
  auto app_plugin = take(
      Plugin(app_component).link(engine, wasmtime::component::Linker(engine), {counters_binding}));
  auto app = take(Binding::create(
      "test:app", {{"run", take(Interface::from_component(engine, app_component, "test:app/run"))}},
      Cardinality::exactly_one, {{"app", app_plugin}}));

  auto run = [&](std::string_view function, std::uint32_t arg) {
    const CallResult result =
        take(app.dispatch("run", function, std::vector<Val>{Val(arg)}))[0].result;
    if (!result)
      throw std::runtime_error(result.err_ref().message());
    return result.ok_ref() ? result.ok_ref()->get_u32() : 0u;
  };
  EXPECT_EQ(run("cycles", 1'000), 1'000u) << "make, get and drop a thousand times";
  const std::uint32_t handle = run("keep", 5);
  EXPECT_EQ(run("get", handle), 5u);
  EXPECT_EQ(counters_binding.live_handles(), 1u);
  run("release", handle);
  EXPECT_EQ(counters_binding.live_handles(), 0u);
}

// resources/counters.wat with an `async func` import, lowered (never called):
// Wasmtime then refuses its store every sync entry point, so its calls and the
// drops of its resources go through the async ones.
TEST_F(Async, ResourcesOfAPluginWithAnAsyncImportAreDropped) {
  const std::string text = with_lowered_async_import("resources/counters.wat");
  auto provider = take(compile_component(engine, text, "counters_async.wat"));
  auto socket = take(Binding::create("test:child", child_interfaces(), Cardinality::exactly_one,
                                     {{"a", plugin("async/child_async.wat")}}));
  auto instance =
      take(Plugin(provider).link(engine, wasmtime::component::Linker(engine), {socket}));
  auto counters = take(Binding::create(
      "test:res",
      {{"counters", take(Interface::from_component(engine, provider, "test:res/counters"))}},
      Cardinality::exactly_one, {{"c", instance}}));
  auto one = [&](std::string_view function, std::vector<Val> args = {}) {
    const CallResult result = take(counters.dispatch("counters", function, args))[0].result;
    if (!result)
      throw std::runtime_error(result.err_ref().message());
    return *result.ok_ref();
  };
  const Val made = one("make", {Val(7u)});
  EXPECT_EQ(one("[method]counter.get", {made}).get_u32(), 7u);
  take(counters.drop(made.get_resource()));
  EXPECT_EQ(one("destroyed").get_u32(), 1u) << "the destructor ran";
  EXPECT_EQ(counters.live_handles(), 0u);
}

} // namespace
} // namespace wasm_link
