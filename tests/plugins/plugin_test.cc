// A Plugin makes instances: once from a temporary, or again and again from a
// plugin kept for it, each instance with a copy of the context.
#include "plugin_state.hh"
#include "support.hh"

#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

TEST(Plugins, AKeptPluginMakesInstancesWithACopyOfItsContextEach) {
  auto engine = make_engine();
  wasmtime::component::Linker linker(engine);
  Plugin<std::string> plugin(load(engine, "sockets/child_a.wat"), "first");
  auto one = take(plugin.instantiate(engine, linker));
  auto two = take(plugin.instantiate(engine, linker));
  ASSERT_NE(one.context<std::string>(), nullptr);
  ASSERT_NE(two.context<std::string>(), nullptr);
  *one.context<std::string>() = "changed";
  EXPECT_EQ(*two.context<std::string>(), "first") << "each instance has a context of its own";
  auto three = take(plugin.link(engine, wasmtime::component::Linker(engine), {}));
  EXPECT_EQ(*three.context<std::string>(), "first");
}

TEST(Plugins, AnInstanceOfATemporaryTakesItsContext) {
  auto engine = make_engine();
  wasmtime::component::Linker linker(engine);
  auto instance = take(
      Plugin<std::string>(load(engine, "sockets/child_a.wat"), "own").instantiate(engine, linker));
  EXPECT_EQ(*instance.context<std::string>(), "own");
}

// The default context holds nothing, and the instances share it; the limits
// of plugins given none are shared alike, and a plugin given limits has its own.
// A plugin given no limits, grant or linker carries no block of extras.
TEST(Plugins, InstancesWithoutContextOrLimitsShareTheEmptyOnes) {
  auto engine = make_engine();
  wasmtime::component::Linker linker(engine);
  const auto component = load(engine, "sockets/child_a.wat");
  auto one = take(Plugin(component).instantiate(engine, linker));
  auto two = take(Plugin(component).instantiate(engine, linker));
  auto limited =
      take(Plugin(component).with_limits({.max_resource_handles = 3}).instantiate(engine, linker));
  ASSERT_NE(one.context<std::monostate>(), nullptr);
  EXPECT_EQ(one.context<std::monostate>(), two.context<std::monostate>());
  EXPECT_EQ(one.context<std::string>(), nullptr);
  const auto &state = [](const PluginInstance &instance) -> const detail::PluginState & {
    return *detail::PluginState::share(instance);
  };
  EXPECT_EQ(&state(one).limits(), &state(two).limits());
  EXPECT_EQ(state(limited).limits().max_resource_handles, 3u);
  EXPECT_EQ(state(one).limits().max_resource_handles, Limits().max_resource_handles);
  EXPECT_EQ(state(one).extras, nullptr);
  EXPECT_NE(state(limited).extras, nullptr);
}

// Linux's passing EBUSY on sealing a memory image is tried again; a plugin's
// own failure is not.
TEST(Plugins, InstantiationIsTriedAgainOnlyAfterATransientFailure) {
  const Error sealing(Error::Kind::instantiate,
                      "cannot instantiate plugin: cannot add seals to the memfd");
  const Error trap(Error::Kind::instantiate, "cannot instantiate plugin: wasm trap: unreachable");
  EXPECT_TRUE(detail::transient_instantiation_failure(sealing.message()));
  EXPECT_FALSE(detail::transient_instantiation_failure(trap.message()));

  int tries = 0;
  auto healed = detail::retry_transient(
      4, [&]() -> Result<int> { return ++tries < 3 ? Result<int>(sealing) : Result<int>(7); });
  ASSERT_TRUE(healed);
  EXPECT_EQ(healed.ok(), 7);
  EXPECT_EQ(tries, 3);

  tries = 0;
  auto stuck = detail::retry_transient(4, [&]() -> Result<int> {
    ++tries;
    return sealing;
  });
  ASSERT_FALSE(stuck);
  EXPECT_EQ(stuck.err().message(), sealing.message());
  EXPECT_EQ(tries, 4);

  tries = 0;
  auto trapped = detail::retry_transient(4, [&]() -> Result<int> {
    ++tries;
    return trap;
  });
  ASSERT_FALSE(trapped);
  EXPECT_EQ(trapped.err().message(), trap.message());
  EXPECT_EQ(tries, 1);
}

TEST(Errors, EveryKindHasItsName) {
  EXPECT_EQ(to_string(Error::Kind::load), "load");
  EXPECT_EQ(to_string(Error::Kind::binding), "binding");
  EXPECT_EQ(to_string(Error::Kind::link), "link");
  EXPECT_EQ(to_string(Error::Kind::instantiate), "instantiate");
  EXPECT_EQ(to_string(Error::Kind::config), "config");
  EXPECT_EQ(to_string(Error::Kind::wit), "wit");
  EXPECT_EQ(to_string(Error::Kind::value), "value");
}

TEST(Errors, MessagesEndWithoutWhitespace) {
  EXPECT_EQ(Error(Error::Kind::load, "a\n\nCaused by:\n    b\n").message(),
            "a\n\nCaused by:\n    b");
  EXPECT_EQ(DispatchError::runtime_exception("trap\n \n").payload(), "trap");
}

TEST(Errors, ADispatchErrorsValueIsTheAbiVariant) {
  EXPECT_EQ(to_string(DispatchError::invalid_function("f").value()), "invalid-function(\"f\")");
  EXPECT_EQ(to_string(DispatchError::lock_rejected("busy").value()), "lock-rejected");
}

} // namespace
} // namespace wasm_link
