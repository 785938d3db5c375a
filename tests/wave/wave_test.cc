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
      return "error: " + value.err().message();
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
    if (value)
      return {};
    EXPECT_EQ(value.err().kind(), Error::Kind::value) << value.err().message();
    return value.err().message();
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

// Each escape in both directions: how to_string writes the value, and that
// parse_wave reads that text back as the same value.
TEST_F(Wave, EscapesInStringsBothWays) {
  using namespace std::string_literals;
  const std::pair<std::string, std::string> cases[] = {
      {"\r", R"("\r")"},
      {"\\", R"("\\")"},
      {"\"", R"("\"")"},
      {"'", R"("'")"}, // only the string's own quote is escaped
      {"\t", R"("\t")"},
      {"\n", R"("\n")"},
      {"a\r\nb", R"("a\r\nb")"},
      {"\0"s, R"("\u{0}")"},
      {"\x01", R"("\u{1}")"},
      {"\x1b[0m", R"("\u{1b}[0m")"},
      {"\x1f", R"("\u{1f}")"},
      {"\x7f", R"("\u{7f}")"},
      {"\u0080", R"("\u{80}")"}, // C1 controls are control characters too
      {"\u009f", R"("\u{9f}")"},
      {"\u00a0é😀", "\"\u00a0é😀\""}, // what is not a control character is written as is
      {" ~", R"(" ~")"},
  };
  for (const auto &[value, text] : cases) {
    EXPECT_EQ(to_string(Val::string(value)), text);
    auto parsed = parse_wave(text, param("echo-string"));
    ASSERT_TRUE(parsed) << text << ": " << parsed.err().message();
    EXPECT_EQ(parsed.ok_ref().get_string(), value) << text;
  }
}

TEST_F(Wave, EscapesInCharsBothWays) {
  const std::pair<char32_t, std::string> cases[] = {
      {U'\r', R"('\r')"},
      {U'\\', R"('\\')"},
      {U'\'', R"('\'')"},
      {U'"', R"('"')"}, // only the char's own quote is escaped
      {U'\t', R"('\t')"},
      {U'\n', R"('\n')"},
      {U'\0', R"('\u{0}')"},
      {U'\x01', R"('\u{1}')"},
      {U'\x7f', R"('\u{7f}')"},
      {U'\u0085', R"('\u{85}')"},
      {U'λ', "'λ'"},
      {U'\U0010FFFF', "'\U0010FFFF'"},
  };
  for (const auto &[value, text] : cases) {
    EXPECT_EQ(to_string(Val::char_(value)), text);
    auto parsed = parse_wave(text, param("echo-char"));
    ASSERT_TRUE(parsed) << text << ": " << parsed.err().message();
    EXPECT_EQ(static_cast<std::uint32_t>(get_char(parsed.ok_ref())),
              static_cast<std::uint32_t>(value))
        << text;
  }
}

// Every character up to U+00FF as a char and in a string, printed and parsed
// back: control characters print as `\u{..}` (or `\n`, `\r`, `\t`), the
// rest as themselves.
TEST_F(Wave, EveryControlCharacterRoundTrips) {
  for (char32_t c = 0; c <= 0xFF; ++c) {
    std::string utf8;
    if (c < 0x80) {
      utf8 += static_cast<char>(c);
    } else {
      utf8 += static_cast<char>(0xC0 | (c >> 6));
      utf8 += static_cast<char>(0x80 | (c & 0x3F));
    }
    const std::string printed = to_string(Val::string(utf8));
    const bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
    if (control && c != U'\n' && c != U'\r' && c != U'\t') {
      EXPECT_TRUE(printed.starts_with("\"\\u{")) << printed;
    } else if (!control && c != U'"' && c != U'\\') {
      EXPECT_EQ(printed, "\"" + utf8 + "\"");
    }
    auto string = parse_wave(printed, param("echo-string"));
    ASSERT_TRUE(string) << printed << ": " << string.err().message();
    EXPECT_EQ(string.ok_ref().get_string(), utf8) << printed;
    const std::string printed_char = to_string(Val::char_(c));
    auto parsed_char = parse_wave(printed_char, param("echo-char"));
    ASSERT_TRUE(parsed_char) << printed_char << ": " << parsed_char.err().message();
    EXPECT_EQ(static_cast<std::uint32_t>(get_char(parsed_char.ok_ref())),
              static_cast<std::uint32_t>(c))
        << printed_char;
  }
}

TEST_F(Wave, UnicodeEscapesTakeOneToSixDigits) {
  const std::pair<std::string, std::string> cases[] = {
      {R"("\u{41}")", "A"},
      {R"("\u{00007F}")", "\x7f"},
      {R"("\u{e9}\u{E9}")", "éé"},
      {R"("\u{10FFFF}")", "\U0010FFFF"},
      {R"("\u{D7FF}\u{E000}")", "\uD7FF\uE000"},
  };
  for (const auto &[text, value] : cases) {
    auto parsed = parse_wave(text, param("echo-string"));
    ASSERT_TRUE(parsed) << text << ": " << parsed.err().message();
    EXPECT_EQ(parsed.ok_ref().get_string(), value) << text;
  }
}

// Escapes that name no Unicode scalar value are errors, never a NUL.
TEST_F(Wave, InvalidUnicodeEscapesAreErrors) {
  const std::string digits = "expected `\\u{` with 1 to 6 hexadecimal digits and `}`, found ";
  const std::string scalar =
      "expected a Unicode scalar value (0 to D7FF or E000 to 10FFFF), found ";
  EXPECT_EQ(error("echo-string", R"("\u{FFFFFFFFFFFFFFFFFFFF}")"),
            "column 2: " + digits + R"(`\u{FFFFFFFFF...`)");
  EXPECT_EQ(error("echo-char", R"('\u{}')"), "column 2: " + digits + R"(`\u{}`)");
  EXPECT_EQ(error("echo-string", R"("\u{}")"), "column 2: " + digits + R"(`\u{}`)");
  EXPECT_EQ(error("echo-string", R"("\u{0000041}")"), "column 2: " + digits + R"(`\u{0000041}`)");
  EXPECT_EQ(error("echo-string", R"("ab\u{4g}")"), "column 4: " + digits + R"(`\u{4g`)");
  EXPECT_EQ(error("echo-string", R"("\u41")"), "column 2: " + digits + R"(`\u4`)");
  EXPECT_EQ(error("echo-string", R"("\u{41")"), "column 2: " + digits + R"(`\u{41"`)");
  EXPECT_EQ(error("echo-string", R"("\u{41)"), "column 2: " + digits + R"(`\u{41`)");
  EXPECT_EQ(error("echo-string", R"("\u{D800}")"), "column 2: " + scalar + R"(`\u{D800}`)");
  EXPECT_EQ(error("echo-string", R"("\u{dfff}")"), "column 2: " + scalar + R"(`\u{dfff}`)");
  EXPECT_EQ(error("echo-char", R"('\u{D800}')"), "column 2: " + scalar + R"(`\u{D800}`)");
  EXPECT_EQ(error("echo-string", R"("\u{110000}")"), "column 2: " + scalar + R"(`\u{110000}`)");
  EXPECT_EQ(error("echo-char", R"('\u{FFFFFF}')"), "column 2: " + scalar + R"(`\u{FFFFFF}`)");
}

} // namespace
} // namespace wasm_link
