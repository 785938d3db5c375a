// Types are checked when the graph is built, before any call: every plugin of a
// binding exports each function with one type, and every socket import takes
// and expects what the binding's function takes and returns.
#include "support.hh"

#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

class Validation : public ::testing::Test {
protected:
  Validation() : engine(make_engine()) {}

  PluginInstance plugin(const std::string &file) {
    wasmtime::component::Linker linker(engine);
    return take(Plugin(load(engine, file)).instantiate(engine, linker));
  }

  Result<Binding> children(Binding::Interfaces interfaces, Cardinality cardinality,
                           Binding::Plugs plugs) {
    return Binding::create("test:child", std::move(interfaces), cardinality, std::move(plugs));
  }

  static Binding::Interfaces by_hand() { return child_interfaces(); }

  Result<PluginInstance> link(const std::string &consumer, const Binding &socket) {
    return Plugin(load(engine, consumer))
        .link(engine, wasmtime::component::Linker(engine), {socket});
  }

  wasmtime::Engine engine;
};

TEST_F(Validation, PluginsOfOneBindingExportOneType) {
  expect_error(children(by_hand(), Cardinality::any,
                        {{"a", plugin("sockets/child_a.wat")},
                         {"s", plugin("validation/child_string.wat")}}),
               Error::Kind::link,
               "plugin `s` in binding `test:child`: `test:child/root`.`get-value` is func() -> "
               "string, expected func() -> u32 as plugin `a` exports it");
}

TEST_F(Validation, PluginMatchesTheInterfacesDeclaredTypes) {
  auto declared = take(
      Interface::from_component(engine, load(engine, "sockets/child_a.wat"), "test:child/root"));
  expect_error(children({{"root", declared}}, Cardinality::exactly_one,
                        {{"p", plugin("validation/child_param.wat")}}),
               Error::Kind::link,
               "plugin `p` in binding `test:child`: `test:child/root`.`get-value` is func(scale: "
               "u32) -> u32, expected func() -> u32 as interface `root` declares it");
}

TEST_F(Validation, SocketImportMustExpectTheFunctionsResult) {
  auto socket = take(children(by_hand(), Cardinality::exactly_one,
                              {{"s", plugin("validation/child_string.wat")}}));
  expect_error(link("sockets/relay_exactly_one.wat", socket), Error::Kind::link,
               "socket `test:child`: import `test:child/root`: `get-value` expects a result "
               "of u32, but the binding's function is func() -> string (as plugin `s` "
               "exports it)");
}

TEST_F(Validation, SocketImportMustTakeTheFunctionsParameters) {
  auto socket = take(
      children(by_hand(), Cardinality::exactly_one, {{"p", plugin("validation/child_param.wat")}}));
  expect_error(link("sockets/relay_exactly_one.wat", socket), Error::Kind::link,
               "socket `test:child`: import `test:child/root`: `get-value` takes other "
               "parameters: the import is func() -> tuple<string, result<u32, " +
                   dispatch_error_type +
                   ">>, but the binding's function is func(scale: u32) -> u32 (as plugin `p` "
                   "exports it)");
}

TEST_F(Validation, EmptyBindingWithDeclaredTypesStillChecksSockets) {
  auto declared = take(Interface::from_component(
      engine, load(engine, "validation/child_string.wat"), "test:child/root"));
  auto socket = take(children({{"root", declared}}, Cardinality::at_most_one, {}));
  expect_error(
      link("sockets/relay_at_most_one.wat", socket), Error::Kind::link,
      "socket `test:child`: import `test:child/root`: `get-value` expects a result of u32, "
      "but the binding's function is func() -> string (as interface `root` declares it)");
}

TEST_F(Validation, FittingPluginReturnsItsString) {
  auto binding = take(children(by_hand(), Cardinality::exactly_one,
                               {{"s", plugin("validation/child_string.wat")}}));
  auto results = take(binding.dispatch("root", "get-value", {}));
  EXPECT_EQ(to_string(*results[0].result.ok_ref()), "\"s\"");
}

} // namespace
} // namespace wasm_link
