// A binding that cannot work is refused when it is built, with a message that
// names the binding, the plugin and what is missing.
#include "support.hh"

#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

class BindingErrors : public ::testing::Test {
protected:
  BindingErrors() : engine(make_engine()), linker(engine) {}

  PluginInstance plugin() {
    return take(
        Plugin(load(engine, "binding_errors/exports_echo.wat")).instantiate(engine, linker));
  }

  wasmtime::Engine engine;
  wasmtime::component::Linker linker;
};

TEST_F(BindingErrors, PackageNameMustBeNamespacedKebabCase) {
  expect_error(Binding::create("values", {}, Cardinality::any, {}), Error::Kind::binding,
               "binding package name `values` is invalid: it has no `namespace:` prefix (expected "
               "`namespace:name[@version]`)");
  expect_error(
      Binding::create("Test:Values", {}, Cardinality::any, {}), Error::Kind::binding,
      "binding package name `Test:Values` is invalid: namespace and name must be kebab-case "
      "identifiers (expected `namespace:name[@version]`)");
  expect_error(Binding::create("test:values@", {}, Cardinality::any, {}), Error::Kind::binding,
               "binding package name `test:values@` is invalid: the version after `@` is not a "
               "semantic version (expected `namespace:name[@version]`)");
}

TEST_F(BindingErrors, ExactlyOneNeedsOnePlugin) {
  expect_error(Binding::create("test:values", {}, Cardinality::exactly_one, {}),
               Error::Kind::binding,
               "binding `test:values` is exactly-one but was given 0 plugins");
  expect_error(Binding::create("test:values", {}, Cardinality::exactly_one,
                               {{"a", plugin()}, {"b", plugin()}}),
               Error::Kind::binding,
               "binding `test:values` is exactly-one but was given 2 plugins");
}

TEST_F(BindingErrors, AtLeastOneCannotBeEmptyAndAtMostOneHoldsOne) {
  expect_error(Binding::create("test:values", {}, Cardinality::at_least_one, {}),
               Error::Kind::binding,
               "binding `test:values` is at-least-one but was given 0 plugins");
  expect_error(Binding::create("test:values", {}, Cardinality::at_most_one,
                               {{"a", plugin()}, {"b", plugin()}}),
               Error::Kind::binding,
               "binding `test:values` is at-most-one but was given 2 plugins");
}

TEST_F(BindingErrors, IdsAreUniqueAndNotEmpty) {
  expect_error(
      Binding::create("test:values", {}, Cardinality::any, {{"a", plugin()}, {"a", plugin()}}),
      Error::Kind::binding, "binding `test:values` has two plugins with id `a`");
  expect_error(Binding::create("test:values", {}, Cardinality::any, {{"", plugin()}}),
               Error::Kind::binding, "binding `test:values` has a plugin with an empty id");
}

TEST_F(BindingErrors, PluginMustExportEveryInterface) {
  expect_error(Binding::create("test:other", {{"echo", Interface().function("get")}},
                               Cardinality::exactly_one, {{"leaf", plugin()}}),
               Error::Kind::link,
               "plugin `leaf` in binding `test:other` does not export instance `test:other/echo`");
}

TEST_F(BindingErrors, PluginMustExportEveryFunction) {
  expect_error(Binding::create("test:values",
                               {{"echo", Interface().function("get").function("put")}},
                               Cardinality::exactly_one, {{"leaf", plugin()}}),
               Error::Kind::link,
               "plugin `leaf` in binding `test:values` does not export function `put` in "
               "`test:values/echo`");
}

TEST_F(BindingErrors, VersionGoesAfterTheInterfaceInExportNames) {
  expect_error(Binding::create("test:values@1.2.0", {{"echo", Interface().function("get")}},
                               Cardinality::exactly_one, {{"leaf", plugin()}}),
               Error::Kind::link,
               "plugin `leaf` in binding `test:values@1.2.0` does not export instance "
               "`test:values/echo@1.2.0`");
}

TEST(Cardinality, NamesAndCounts) {
  for (auto c : {Cardinality::exactly_one, Cardinality::at_most_one, Cardinality::at_least_one,
                 Cardinality::any})
    EXPECT_EQ(parse_cardinality(to_string(c)), c);
  EXPECT_EQ(to_string(Cardinality::at_least_one), "at-least-one");
  EXPECT_EQ(parse_cardinality("exactly_one"), std::nullopt);
  EXPECT_TRUE(admits(Cardinality::at_most_one, 0));
  EXPECT_FALSE(admits(Cardinality::at_most_one, 2));
  EXPECT_FALSE(admits(Cardinality::at_least_one, 0));
  EXPECT_TRUE(admits(Cardinality::any, 0));
}

} // namespace
} // namespace wasm_link
