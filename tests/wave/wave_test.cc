// WAVE text parsed against real parameter types (those of the echo fixture),
// printed back canonically, and sent through the plugin.
#include "support.hh"

#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

class Wave : public ::testing::Test {
protected:
  Wave()
      : engine(make_engine()), component(load(engine, "values/echo.wat")),
        echo(take(Interface::from_component(engine, component, "test:values/echo"))) {}

  ValType param(const std::string &function) const {
    return echo.find(function)->type->param_nth(0)->second;
  }

  // The canonical WAVE of `text` read as `function`'s parameter, after a round
  // trip through the plugin; or the parse error.
  std::string through(const std::string &function, std::string_view text) {
    auto value = parse_wave(text, param(function));
    if (!value)
      return "error: " + value.err();
    wasmtime::component::Linker linker(engine);
    auto binding =
        take(Binding::create("test:values", {{"echo", echo}}, Cardinality::exactly_one,
                             {{"echo", take(Plugin(component).instantiate(engine, linker))}}));
    const Val argument = value.ok();
    auto result = take(binding.dispatch("echo", function, {&argument, 1}))[0].result;
    return result ? to_string(*result.ok_ref()) : "dispatch error: " + result.err_ref().message();
  }

  std::string error(const std::string &function, std::string_view text) {
    auto value = parse_wave(text, param(function));
    EXPECT_FALSE(value) << text << " parsed as " << (value ? to_string(value.ok_ref()) : "");
    return value ? std::string() : value.err();
  }

  wasmtime::Engine engine;
  wasmtime::component::Component component;
  Interface echo;
};

TEST_F(Wave, EveryTypeParsesAndRoundTrips) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"echo-bool", " true ", "true"},
      {"echo-s8", "-128", "-128"},
      {"echo-u8", "255", "255"},
      {"echo-s16", "-32768", "-32768"},
      {"echo-u16", "65535", "65535"},
      {"echo-s32", "-2147483648", "-2147483648"},
      {"echo-u32", "4294967295", "4294967295"},
      {"echo-s64", "-9223372036854775808", "-9223372036854775808"},
      {"echo-u64", "18446744073709551615", "18446744073709551615"},
      {"echo-f32", "1.5", "1.5"},
      {"echo-f32", "-inf", "-inf"},
      {"echo-f64", "1e3", "1000"},
      {"echo-f64", "nan", "nan"},
      {"echo-f64", "-0.25", "-0.25"},
      {"echo-char", "'λ'", "'λ'"},
      {"echo-char", "'\\u{1F600}'", "'😀'"},
      {"echo-char", "'\\''", "'\\''"},
      {"echo-string", "\"say \\\"hi\\\"\\n\\tü\"", "\"say \\\"hi\\\"\\n\\tü\""},
      {"echo-string", "\"\"", "\"\""},
      {"echo-bytes", "[1, 2, 3,]", "[1, 2, 3]"},
      {"echo-bytes", "[ ]", "[]"},
      {"echo-strings", "[\"a\", \"\"]", "[\"a\", \"\"]"},
      {"echo-record", "{label: \"x\", x: 7}", "{x: 7, label: \"x\"}"},
      {"echo-nested", "{name: \"n\", tags: [\"t\"]}", "{name: \"n\", tags: [\"t\"], weight: none}"},
      {"echo-nested", "{weight: some(2), tags: [], name: \"\"}",
       "{name: \"\", tags: [], weight: some(2)}"},
      {"echo-tuple", "(9, \"nine\")", "(9, \"nine\")"},
      {"echo-variant", "empty", "empty"},
      {"echo-variant", "count(5)", "count(5)"},
      {"echo-variant", "named( \"x\" )", "named(\"x\")"},
      {"echo-enum", "%green", "green"},
      {"echo-option", "some(4)", "some(4)"},
      {"echo-option", "none", "none"},
      {"echo-result", "ok(\"fine\")", "ok(\"fine\")"},
      {"echo-result", "err(13)", "err(13)"},
      {"echo-flags", "{read, exec}", "{read, exec}"},
      {"echo-flags", "{}", "{}"},
      {"echo-map", "[(\"a\", 1), (\"b\", 2)]", "[(\"a\", 1), (\"b\", 2)]"},
  };
  for (const auto &[function, text, canonical] : cases)
    EXPECT_EQ(through(function, text), canonical) << function << " " << text;
}

TEST_F(Wave, ValuesThatDoNotFitSayWhereAndWhatWasExpected) {
  EXPECT_EQ(error("echo-u8", "256"), "column 1: expected u8 (0 to 255), found `256`");
  EXPECT_EQ(error("echo-u8", "-1"), "column 1: expected u8 (0 to 255), found `-1`");
  EXPECT_EQ(error("echo-u32", "\"7\""), "column 1: expected u32 (0 to 4294967295), found `\"`");
  EXPECT_EQ(error("echo-bool", "yes"), "column 1: expected bool, found `yes`");
  EXPECT_EQ(error("echo-f64", "1.5.2"), "column 1: expected f64, found `1.5.2`");
  EXPECT_EQ(error("echo-u32", "1 2"), "column 3: expected the end of the value, found `2`");
  EXPECT_EQ(error("echo-char", "'ab'"),
            "column 1: expected char (one Unicode scalar value in single quotes), found `'`");
  EXPECT_EQ(error("echo-string", "\"abc"), "column 5: expected the closing \", found the end");
  EXPECT_EQ(error("echo-string", "\"\\q\""),
            "column 2: expected an escape (\\n, \\r, \\t, \\\\, \\', \\\", \\u{...}), found `\\`");
  EXPECT_EQ(error("echo-bytes", "[1 2]"), "column 4: expected `,` or `]`, found `2`");
  EXPECT_EQ(error("echo-bytes", "[1, 300]"), "column 5: expected u8 (0 to 255), found `300`");
  EXPECT_EQ(error("echo-record", "{x: 7}"),
            "column 6: field `label` of record { x: u32, label: string } is missing");
  EXPECT_EQ(error("echo-record", "{x: 7, y: 1}"),
            "column 8: expected a field of record { x: u32, label: string }, found `y`");
  EXPECT_EQ(error("echo-record", "{x: 7, x: 8}"), "column 8: expected each field once, found `x`");
  EXPECT_EQ(error("echo-tuple", "(9)"), "column 3: tuple<u8, string> has 2 elements, found 1");
  EXPECT_EQ(error("echo-variant", "count"),
            "column 6: expected `(` and the payload of `count`, found the end");
  EXPECT_EQ(error("echo-variant", "square(1)"),
            "column 1: expected a case of variant { empty, count(u32), named(string) }, found "
            "`square`");
  EXPECT_EQ(error("echo-enum", "purple"),
            "column 1: expected a case of enum { red, green, blue }, found `purple`");
  EXPECT_EQ(error("echo-option", "4"),
            "column 1: expected `some(...)` or `none` for option<u32>, found `4`");
  EXPECT_EQ(error("echo-result", "ok"),
            "column 3: expected `(` and the payload of `ok`, found the end");
  EXPECT_EQ(error("echo-flags", "{read, read}"), "column 8: expected each flag once, found `read`");
  EXPECT_EQ(error("echo-map", "[\"a\"]"),
            "column 2: expected `(` of a `(key, value)` entry, found `\"`");
}

} // namespace
} // namespace wasm_link
