// Host functions the embedder adds to a plugin's linker: they reach the plugin's
// context, and a call from one back into the plugin that is running is refused.
#include "support.hh"

#include <any>
#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;
using wasmtime::component::FuncType;
using wasmtime::component::Linker;
using wasmtime::component::Val;

struct Counter {
  std::uint32_t calls = 0;
  std::unique_ptr<int> move_only; // a context need not be copyable
};

template <typename F> Linker linker_with_callback(wasmtime::Engine &engine, F callback) {
  Linker linker(engine);
  // The C API hands out the root exclusively: it and its children must be gone
  // before the linker is used again.
  {
    auto root = linker.root();
    auto instance = root.add_instance("host:api/callback");
    EXPECT_TRUE(instance);
    auto added = instance.ok_ref().add_func(
        "call",
        [callback](wasmtime::Store::Context store, const FuncType &, wasmtime::Span<Val> args,
                   wasmtime::Span<Val> results) -> wasmtime::Result<std::monostate> {
          (void)args;
          results[0] = Val(callback(store));
          return std::monostate();
        });
    EXPECT_TRUE(added);
  }
  return linker;
}

Binding api_binding(PluginInstance instance) {
  return take(Binding::create("test:host", {{"api", Interface().function("run")}},
                              Cardinality::exactly_one, {{"plugin", instance}}));
}

std::uint32_t run(const Binding &binding) {
  auto results = take(binding.dispatch("api", "run", {}));
  if (!results[0].result)
    throw std::runtime_error(results[0].result.err_ref().message());
  return results[0].result.ok_ref()->get_u32();
}

TEST(HostFunctions, ReachThePluginsContext) {
  auto engine = make_engine();
  auto linker = linker_with_callback(engine, [](wasmtime::Store::Context store) {
    Counter *counter = context<Counter>(store);
    return counter == nullptr ? 0u : ++counter->calls;
  });
  auto instance = take(
      Plugin(load(engine, "host_functions/calls_host.wat"), Counter{}).instantiate(engine, linker));
  auto binding = api_binding(instance);

  EXPECT_EQ(run(binding), 1u);
  EXPECT_EQ(run(binding), 2u);
  ASSERT_NE(instance.context<Counter>(), nullptr);
  EXPECT_EQ(instance.context<Counter>()->calls, 2u);
  // A restart gives the plugin a new store: its host functions still reach it.
  ASSERT_TRUE(instance.restart(linker));
  EXPECT_EQ(run(binding), 3u);
}

TEST(HostFunctions, APluginWhoseRestartFailedIsRefusedUntilRestarted) {
  auto engine = make_engine();
  auto linker = linker_with_callback(engine, [](wasmtime::Store::Context) { return 5u; });
  auto instance = take(
      Plugin(load(engine, "host_functions/calls_host.wat"), Counter{}).instantiate(engine, linker));
  auto binding = api_binding(instance);
  EXPECT_EQ(run(binding), 5u);
  Linker empty(engine); // lacks the host function the plugin imports
  ASSERT_FALSE(instance.restart(empty));
  auto results = take(binding.dispatch("api", "run", {}));
  ASSERT_FALSE(results[0].result);
  EXPECT_EQ(results[0].result.err_ref().kind(), DispatchError::Kind::runtime_exception);
  EXPECT_EQ(results[0].result.err_ref().message(),
            "runtime-exception: the plugin has no instance: its last restart failed; restart it "
            "again");
  ASSERT_TRUE(instance.restart(linker));
  EXPECT_EQ(run(binding), 5u);
}

TEST(HostFunctions, ContextOfAnotherTypeIsNull) {
  auto engine = make_engine();
  auto linker = linker_with_callback(engine, [](wasmtime::Store::Context store) {
    return context<std::string>(store) == nullptr ? 1u : 0u;
  });
  auto instance = take(
      Plugin(load(engine, "host_functions/calls_host.wat"), Counter{}).instantiate(engine, linker));
  EXPECT_EQ(instance.context<std::string>(), nullptr);
  EXPECT_EQ(run(api_binding(instance)), 1u);
}

TEST(HostFunctions, StoreThatIsNoPluginsHasNoContext) {
  auto engine = make_engine();
  wasmtime::Store store(engine);
  EXPECT_EQ(context<Counter>(store.context()), nullptr);
  // Nor with data of its own, which wasmtime::Store keeps in a std::any.
  Counter counter;
  store.context().set_data(std::any(&counter));
  EXPECT_EQ(context<Counter>(store.context()), nullptr);
}

TEST(HostFunctions, ReenteringTheRunningPluginIsLockRejected) {
  auto engine = make_engine();
  std::shared_ptr<Binding> binding;
  std::optional<DispatchError> inner;
  auto linker = linker_with_callback(engine, [&](wasmtime::Store::Context) {
    auto results = binding->dispatch("api", "run", {});
    if (results && !results.ok_ref()[0].result)
      inner = results.ok_ref()[0].result.err_ref();
    return 7u;
  });
  auto instance =
      take(Plugin(load(engine, "host_functions/calls_host.wat")).instantiate(engine, linker));
  binding = std::make_shared<Binding>(api_binding(instance));

  EXPECT_EQ(run(*binding), 7u);
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->kind(), DispatchError::Kind::lock_rejected);
  EXPECT_EQ(inner->case_name(), "lock-rejected");
  // The plugin is free again once the outer call returned.
  EXPECT_EQ(run(*binding), 7u);
}

TEST(HostFunctions, MissingImportIsAnInstantiateError) {
  auto engine = make_engine();
  Linker linker(engine);
  expect_error(Plugin(load(engine, "host_functions/calls_host.wat")).instantiate(engine, linker),
               Error::Kind::instantiate,
               "cannot instantiate plugin: component imports instance `host:api/callback`, but a "
               "matching implementation was not found in the linker\n"
               "\n"
               "Caused by:\n"
               "    0: instance export `call` has the wrong type\n"
               "    1: function implementation is missing");
}

} // namespace
} // namespace wasm_link
