// A plugin may export a binding's interface under other names; its remaps are
// resolved once, when it is placed in the binding, and callers only ever use the
// binding's names.
#include "support.hh"

#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

class Remaps : public ::testing::Test {
protected:
  Remaps() : engine(make_engine()) {}

  PluginInstance plugin(const std::string &file) {
    wasmtime::component::Linker linker(engine);
    return take(Plugin(load(engine, file)).instantiate(engine, linker));
  }

  Result<Binding> children(Cardinality cardinality, Binding::Plugs plugs) {
    return Binding::create("test:child", child_interfaces(), cardinality, std::move(plugs));
  }

  static std::string values(const Binding &binding) {
    std::string out;
    for (const auto &[id, result] : take(binding.dispatch("root", "get-value", {})))
      out += id + "=" + (result ? to_string(*result.ok_ref()) : result.err_ref().message()) + " ";
    return out;
  }

  wasmtime::Engine engine;
};

Remap legacy_names() {
  return {"legacy-root", {{"get-value", "legacy-get-value"}, {"trap", "legacy-trap"}}};
}

TEST_F(Remaps, InterfaceAndSeveralFunctionsTogether) {
  auto binding = take(children(Cardinality::exactly_one,
                               {{"old", plugin("remaps/legacy.wat"), {{"root", legacy_names()}}}}));
  EXPECT_EQ(values(binding), "old=7 ");
  auto trapped = take(binding.dispatch("root", "trap", {}));
  expect_error(trapped[0].result, DispatchError::Kind::runtime_exception,
               "runtime-exception: error while executing at wasm backtrace:\n"
               "    0:     0x3e - m!<wasm function 1>\n"
               "\n"
               "Caused by:\n"
               "    wasm trap: wasm `unreachable` instruction executed");
}

TEST_F(Remaps, OneFunctionRenamed) {
  auto binding = take(children(
      Cardinality::exactly_one,
      {{"r", plugin("remaps/renamed_function.wat"), {{"root", {"", {{"get-value", "fetch"}}}}}}}));
  EXPECT_EQ(values(binding), "r=8 ");
}

TEST_F(Remaps, InterfaceUnderAWholeInstanceNameOfAnotherPackage) {
  auto binding = take(children(
      Cardinality::exactly_one,
      {{"o", plugin("remaps/other_package.wat"), {{"root", {"old:child/root@1.0.0", {}}}}}}));
  EXPECT_EQ(values(binding), "o=9 ");
}

TEST_F(Remaps, CanonicalAndRemappedPluginsInOneBinding) {
  auto binding = take(children(Cardinality::any,
                               {{"new", plugin("sockets/child_a.wat")},
                                {"old", plugin("remaps/legacy.wat"), {{"root", legacy_names()}}}}));
  EXPECT_EQ(values(binding), "new=1 old=7 ");
}

TEST_F(Remaps, ConsumerSeesTheBindingsNamesThroughASocket) {
  auto socket = take(children(Cardinality::exactly_one,
                              {{"old", plugin("remaps/legacy.wat"), {{"root", legacy_names()}}}}));
  auto relay = take(Plugin(load(engine, "sockets/relay_exactly_one.wat"))
                        .link(engine, wasmtime::component::Linker(engine), {socket}));
  auto relay_binding =
      take(Binding::create("test:relay", {{"root", Interface().function("relay-get-value")}},
                           Cardinality::exactly_one, {{"relay", relay}}));
  auto results = take(relay_binding.dispatch("root", "relay-get-value", {}));
  EXPECT_EQ(to_string(*results[0].result.ok_ref()), "(\"old\", ok(7))");
}

TEST_F(Remaps, RemapToAMissingInstanceNamesPluginAndExport) {
  expect_error(children(Cardinality::any,
                        {{"old", plugin("remaps/legacy.wat"), {{"root", {"ancient-root", {}}}}}}),
               Error::Kind::link,
               "plugin `old` in binding `test:child` does not export instance "
               "`test:child/ancient-root` (remapped from `test:child/root`.`get-value`)");
}

TEST_F(Remaps, RemapToAMissingFunctionNamesPluginAndExport) {
  expect_error(children(Cardinality::any,
                        {{"old",
                          plugin("remaps/legacy.wat"),
                          {{"root", {"legacy-root", {{"get-value", "legacy-get-value"}}}}}}}),
               Error::Kind::link,
               "plugin `old` in binding `test:child` does not export function `trap` in "
               "`test:child/legacy-root` (remapped from `test:child/root`.`trap`)");
  expect_error(children(Cardinality::any, {{"r",
                                            plugin("remaps/renamed_function.wat"),
                                            {{"root", {"", {{"get-value", "get"}}}}}}}),
               Error::Kind::link,
               "plugin `r` in binding `test:child` does not export function `get` in "
               "`test:child/root` (remapped from `test:child/root`.`get-value`)");
}

TEST_F(Remaps, RemapOfWhatTheBindingLacksIsAnError) {
  expect_error(
      children(Cardinality::any, {{"a", plugin("sockets/child_a.wat"), {{"leaf", {"root", {}}}}}}),
      Error::Kind::link,
      "plugin `a` in binding `test:child` remaps interface `leaf`, which the binding does "
      "not have");
  expect_error(
      children(Cardinality::any,
               {{"a", plugin("sockets/child_a.wat"), {{"root", {"", {{"put", "x"}}}}}}}),
      Error::Kind::link,
      "plugin `a` in binding `test:child` remaps function `put` of `test:child/root`, which "
      "the binding does not have");
}

TEST_F(Remaps, UnremappedPluginStillNeedsTheCanonicalNames) {
  expect_error(children(Cardinality::any, {{"old", plugin("remaps/legacy.wat")}}),
               Error::Kind::link,
               "plugin `old` in binding `test:child` does not export instance `test:child/root`");
}

} // namespace
} // namespace wasm_link
