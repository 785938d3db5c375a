// The plugins of one compiled component in a binding share what placing them
// resolves (their exports, types and checks: detail::ComponentExports), while
// each calls its own instance; plugins of other components, or with other
// remaps, are resolved and checked on their own.
#include "binding_state.hh"
#include "shim.h"
#include "support.hh"

#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

class ComponentExports : public ::testing::Test {
protected:
  ComponentExports()
      : engine(make_engine()), linker(engine),
        counter(load(engine, "component_exports/counter.wat")) {}

  PluginInstance plugin(const wasmtime::component::Component &component) {
    return take(Plugin(component).instantiate(engine, linker));
  }

  Result<Binding> counters(Binding::Plugs plugs) {
    return Binding::create("test:counter", {{"api", Interface().function("next")}},
                           Cardinality::any, std::move(plugs));
  }

  // Each plugin's `next`, as `id=value `.
  static std::string next(const Binding &binding) {
    std::string out;
    for (const auto &[id, result] : take(binding.dispatch("api", "next", {})))
      out += id + "=" + (result ? to_string(*result.ok_ref()) : result.err_ref().message()) + " ";
    return out;
  }

  static const detail::PlugState &plug(const Binding &binding, std::size_t index) {
    const detail::ReadSection section; // the binding does not change in these tests
    return detail::share(binding)->roster(section).plugs.at(index);
  }

  wasmtime::Engine engine;
  wasmtime::component::Linker linker;
  wasmtime::component::Component counter;
};

TEST_F(ComponentExports, CopiesOfAComponentShareTheirImageAndOthersDoNot) {
  const wasmtime::component::Component copy = counter;
  const void *image = wasm_link_component_image_start(counter.capi());
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(wasm_link_component_image_start(copy.capi()), image);
  const auto again = load(engine, "component_exports/counter.wat");
  EXPECT_NE(wasm_link_component_image_start(again.capi()), image);
  // The image is at least a page (the code), the same for equal compilations.
  EXPECT_GE(wasm_link_component_image_size(counter.capi()), 4096u);
  EXPECT_EQ(wasm_link_component_image_size(again.capi()),
            wasm_link_component_image_size(counter.capi()));
}

// What a plugin's state asks for its engine, instead of keeping a copy.
TEST_F(ComponentExports, AComponentGivesTheEngineItBelongsTo) {
  wasmtime::Engine own(wasm_link_component_engine(counter.capi()));
  EXPECT_EQ(wasm_link_engine_precompile_hash(own.capi()),
            wasm_link_engine_precompile_hash(engine.capi()));
  // The same engine, not one like it: Wasmtime instantiates a component only
  // in a store of its own engine.
  wasmtime::Store store(own);
  wasmtime::component::Linker own_linker(own);
  EXPECT_TRUE(own_linker.instantiate(store.context(), counter));
}

// A plug keeps of each function handle only what the instance does not give.
TEST_F(ComponentExports, AKeptHandleIsTheFunctionOfItsInstance) {
  auto binding = take(counters({{"a", plugin(counter)}}));
  EXPECT_EQ(next(binding), "a=1 "); // the first call resolves the handles
  const detail::PlugState &kept = plug(binding, 0);
  detail::PluginState &state = *kept.plugin;
  const auto fresh = state.instance.get_func(state.store.context(), kept.export_of(0).index);
  ASSERT_TRUE(fresh);
  const auto func = kept.funcs[0].in(state);
  EXPECT_EQ(func.capi()->store_id, fresh->capi()->store_id);
  EXPECT_EQ(func.capi()->__private1, fresh->capi()->__private1);
  EXPECT_EQ(func.capi()->__private2, fresh->capi()->__private2);
}

TEST_F(ComponentExports, PluginsOfOneComponentShareThemAndCallTheirOwnInstances) {
  auto binding = take(counters({{"a", plugin(counter)}, {"b", plugin(counter)}}));
  EXPECT_EQ(plug(binding, 0).exports, plug(binding, 1).exports);
  const auto first = take(binding.dispatch_to("a", "api", "next", {}));
  EXPECT_EQ(to_string(*first[0].result.ok_ref()), "1");
  EXPECT_EQ(next(binding), "a=2 b=1 ");
}

TEST_F(ComponentExports, ARestartedPluginStillDispatches) {
  auto a = plugin(counter);
  auto binding = take(counters({{"a", a}, {"b", plugin(counter)}}));
  EXPECT_EQ(next(binding), "a=1 b=1 ");
  ASSERT_TRUE(a.restart(linker));
  EXPECT_EQ(next(binding), "a=1 b=2 ");
  EXPECT_EQ(next(binding), "a=2 b=3 ");
}

TEST_F(ComponentExports, APluginOfTheComponentWithOtherRemapsHasItsOwn) {
  const Remap hundred{"", {{"next", "next-hundred"}}};
  auto binding = take(counters({{"a", plugin(counter)},
                                {"b", plugin(counter), {{"api", hundred}}},
                                {"c", plugin(counter), {{"api", hundred}}}}));
  EXPECT_NE(plug(binding, 0).exports, plug(binding, 1).exports);
  EXPECT_EQ(plug(binding, 1).exports, plug(binding, 2).exports);
  EXPECT_EQ(next(binding), "a=1 b=101 c=101 ");

  expect_error(counters({{"a", plugin(counter)},
                         {"b", plugin(counter), {{"api", {"", {{"next", "last"}}}}}}}),
               Error::Kind::link,
               "plugin `b` in binding `test:counter` does not export function `last` in "
               "`test:counter/api` (remapped from `test:counter/api`.`next`)");
}

TEST_F(ComponentExports, APluginOfAnotherComponentIsStillChecked) {
  expect_error(counters({{"a", plugin(counter)},
                         {"b", plugin(counter)},
                         {"c", plugin(load(engine, "component_exports/next_is_u64.wat"))}}),
               Error::Kind::link,
               "plugin `c` in binding `test:counter`: `test:counter/api`.`next` is func() -> u64, "
               "expected func() -> u32 as plugin `a` exports it");
  auto other = take(counters(
      {{"a", plugin(counter)}, {"b", plugin(load(engine, "component_exports/counter.wat"))}}));
  EXPECT_NE(plug(other, 0).exports, plug(other, 1).exports);
  EXPECT_EQ(next(other), "a=1 b=1 ");
}

// Placing resolves no function handle (the first call does), yet an export
// that is not a function is refused when the plugin is placed.
TEST_F(ComponentExports, AnExportThatIsNoFunctionIsRefusedWhenPlaced) {
  expect_error(counters({{"a", plugin(load(engine, "component_exports/next_is_an_instance.wat"))}}),
               Error::Kind::link,
               "plugin `a` in binding `test:counter`: export `next` of `test:counter/api` is not "
               "a function");
}

} // namespace
} // namespace wasm_link
