// Components written in the component text syntax from before
// WebAssembly/component-model#655 (as the Rust crate wasm-link 0.4's plugins
// are) load unchanged, without WAST_STRICT_COMPONENT_INDICES in the
// environment, and every option they name keeps its meaning.
#include "support.hh"

#include <cstdlib>
#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

class LegacySyntax : public ::testing::Test {
protected:
  wasmtime::Engine engine = make_engine();

  // A binding of the one plugin made from `file`, exporting `package`/`name`.
  Binding binding(const std::string &file, const std::string &package, const std::string &name,
                  std::vector<Binding> sockets = {}) {
    auto component = load(engine, "legacy_syntax/" + file);
    auto interface = take(Interface::from_component(engine, component, package + "/" + name));
    auto plugin = take(
        Plugin(component).link(engine, wasmtime::component::Linker(engine), std::move(sockets)));
    return take(
        Binding::create(package, {{name, interface}}, Cardinality::exactly_one, {{"p", plugin}}));
  }

  static Val value(const Binding &b, std::string_view interface, std::string_view function,
                   std::vector<Val> args = {}) {
    auto results = take(b.dispatch(interface, function, args));
    const CallResult &result = results[0].result;
    if (!result)
      throw std::runtime_error(result.err_ref().message());
    return *result.ok_ref();
  }
};

TEST_F(LegacySyntax, TheEnvironmentIsNotWhatMakesItWork) {
  EXPECT_EQ(std::getenv("WAST_STRICT_COMPONENT_INDICES"), nullptr);
}

TEST_F(LegacySyntax, LiftOptionsNamedByInstanceAndExport) {
  // (memory $i "memory"), (realloc (func $i "realloc")), (post-return (func $i "greet-done"))
  auto greet = binding("greet.wat", "test:legacy", "greet");
  EXPECT_EQ(value(greet, "greet", "greet", {Val::string("Ann")}).get_string(), "Hi, Ann!");
  EXPECT_EQ(value(greet, "greet", "greet", {Val::string("Bo")}).get_string(), "Hi, Bo!");
  EXPECT_EQ(value(greet, "greet", "post-returns").get_u32(), 2u)
      << "the post-return function ran after each greet";
}

TEST_F(LegacySyntax, LowerOptionsNamedByInstanceAndExport) {
  // A socket call through `(canon lower ... (memory $mi "memory") (realloc (func $mi
  // "realloc")))`, and an export lifted with `(realloc (func $realloc))`.
  auto greet = binding("greet.wat", "test:legacy", "greet");
  auto relay = binding("relay.wat", "test:legacy", "relay", {greet});
  EXPECT_EQ(value(relay, "relay", "relay", {Val::string("Cy")}).get_string(), "Hi, Cy!");
}

TEST_F(LegacySyntax, DestructorsNamedWithoutCore) {
  // (dtor (func $d "drop-counter")) and (dtor (func $drop-tally))
  auto counters = binding("counter.wat", "test:legacy", "counters");
  Val counter = value(counters, "counters", "[static]counter.make", {Val(41u)});
  EXPECT_EQ(value(counters, "counters", "[method]counter.get", {counter}).get_u32(), 41u);
  Val tally = value(counters, "counters", "make-tally");
  take(counters.drop(counter.get_resource()));
  EXPECT_EQ(value(counters, "counters", "dropped").get_u32(), 1u);
  take(counters.drop(tally.get_resource()));
  EXPECT_EQ(value(counters, "counters", "dropped").get_u32(), 1001u);
}

TEST_F(LegacySyntax, AnErrorInOlderSyntaxTextIsTheOlderParsersAndNamesTheLine) {
  // The current parser would name WAST_STRICT_COMPONENT_INDICES, a setting the
  // user need not know: the error is the one of the parser that reads the text.
  const std::string text =
      fixture_text("legacy_syntax/greet.wat", "(instance $api)))", "(instance $api))");
  expect_error(compile_component(engine, text, "broken"), Error::Kind::load,
               "cannot compile component `broken`: expected `)`\n"
               "     --> broken:38:1\n"
               "      |\n"
               "   38 | \n"
               "      | ^");
}

TEST_F(LegacySyntax, ErrorsInCurrentSyntaxTextAreTheCurrentParsers) {
  expect_error(compile_component(engine, "(component (core module (func (i32.bogus))))", "x"),
               Error::Kind::load,
               "cannot compile component `x`: unknown operator or unexpected token\n"
               "     --> x:1:32\n"
               "      |\n"
               "    1 | (component (core module (func (i32.bogus))))\n"
               "      |                                ^");
}

} // namespace
} // namespace wasm_link
