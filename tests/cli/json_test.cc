// The JSON of `wasm-link --json`: each rule of docs/JSON.md, as exact text.
#include "json.hh"

#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>
#include <limits>
#include <pthread.h>
#include <type_traits>

namespace wasm_link::tool::json {
namespace {

using namespace std::string_literals;
using wasmtime::component::Flag;
using wasmtime::component::Flags;
using wasmtime::component::List;
using wasmtime::component::Map;
using wasmtime::component::Record;
using wasmtime::component::ResourceHost;
using wasmtime::component::Tuple;
using wasmtime::component::Variant;
using wasmtime::component::WitOption;
using wasmtime::component::WitResult;

std::string json(const Val &v) {
  return value(v).text();
}

Val list(std::vector<Val> items) {
  return Val(List(std::move(items)));
}
Val some(Val v) {
  return Val(WitOption(std::move(v)));
}
Val none() {
  return Val(WitOption(std::nullopt));
}

std::string repeat(std::string_view text, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += text;
  return out;
}

// Values

TEST(JsonValue, BoolIsTrueOrFalse) {
  EXPECT_EQ(json(Val(true)), "true");
  EXPECT_EQ(json(Val(false)), "false");
}

TEST(JsonValue, IntegersOfEachWidthAreNumbers) {
  EXPECT_EQ(json(Val(std::int8_t{-128})), "-128");
  EXPECT_EQ(json(Val(std::uint8_t{255})), "255");
  EXPECT_EQ(json(Val(std::int16_t{-32768})), "-32768");
  EXPECT_EQ(json(Val(std::uint16_t{65535})), "65535");
  EXPECT_EQ(json(Val(std::int32_t{-2147483647 - 1})), "-2147483648");
  EXPECT_EQ(json(Val(std::uint32_t{4294967295})), "4294967295");
  EXPECT_EQ(json(Val(std::uint32_t{0})), "0");
}

TEST(JsonValue, U64MaxIsExact) {
  EXPECT_EQ(json(Val(std::numeric_limits<std::uint64_t>::max())), "18446744073709551615");
}

TEST(JsonValue, S64MinIsExact) {
  EXPECT_EQ(json(Val(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(json(Val(std::numeric_limits<std::int64_t>::max())), "9223372036854775807");
}

TEST(JsonValue, FloatsInShortestRoundTripForm) {
  EXPECT_EQ(json(Val(0.1f)), "0.1"); // as f32, not 0.10000000149011612
  EXPECT_EQ(json(Val(0.1)), "0.1");
  EXPECT_EQ(json(Val(-1.5)), "-1.5");
  EXPECT_EQ(json(Val(100.0)), "100");
  EXPECT_EQ(json(Val(1e300)), "1e+300");
  EXPECT_EQ(json(Val(5e-324)), "5e-324");
  EXPECT_EQ(json(Val(-0.0)), "-0");
  EXPECT_EQ(json(Val(16777216.0f)), "16777216");
}

TEST(JsonValue, NanAndInfinitiesAreStrings) {
  EXPECT_EQ(json(Val(std::numeric_limits<double>::quiet_NaN())), R"("nan")");
  EXPECT_EQ(json(Val(-std::numeric_limits<double>::quiet_NaN())), R"("nan")");
  EXPECT_EQ(json(Val(std::numeric_limits<double>::infinity())), R"("inf")");
  EXPECT_EQ(json(Val(-std::numeric_limits<double>::infinity())), R"("-inf")");
  EXPECT_EQ(json(Val(std::numeric_limits<float>::quiet_NaN())), R"("nan")");
  EXPECT_EQ(json(Val(std::numeric_limits<float>::infinity())), R"("inf")");
  EXPECT_EQ(json(Val(-std::numeric_limits<float>::infinity())), R"("-inf")");
}

TEST(JsonValue, CharIsAStringOfThatCharacter) {
  EXPECT_EQ(json(Val::char_('x')), R"("x")");
  EXPECT_EQ(json(Val::char_(0x1F600)), "\"\xF0\x9F\x98\x80\"");
  EXPECT_EQ(json(Val::char_(0xE9)), "\"\xC3\xA9\"");
  EXPECT_EQ(json(Val::char_('"')), R"("\"")");
  EXPECT_EQ(json(Val::char_('\n')), R"("\n")");
  EXPECT_EQ(json(Val::char_(0x85)), R"("\u0085")");
}

TEST(JsonValue, CharThatIsNotAScalarValueIsReplaced) {
  // Only the host can build these: Wasmtime checks chars from plugins.
  EXPECT_EQ(json(Val::char_(0xD800)), "\"\xEF\xBF\xBD\"");
  EXPECT_EQ(json(Val::char_(0x110000)), "\"\xEF\xBF\xBD\"");
}

TEST(JsonValue, StringIsQuoted) {
  EXPECT_EQ(json(Val::string("Hello, World!")), R"("Hello, World!")");
  EXPECT_EQ(json(Val::string("say \"hi\"\n")), R"("say \"hi\"\n")");
  EXPECT_EQ(json(Val::string("")), R"("")");
}

TEST(JsonValue, ListIsAnArray) {
  EXPECT_EQ(json(list({Val(std::uint8_t{1}), Val(std::uint8_t{2}), Val(std::uint8_t{3})})),
            "[1,2,3]");
  EXPECT_EQ(json(list({Val::string("a")})), R"(["a"])");
  EXPECT_EQ(json(list({})), "[]");
}

TEST(JsonValue, TupleIsAnArray) {
  EXPECT_EQ(json(Val(Tuple({Val::string("a"), Val(std::uint32_t{1}), Val(true)}))),
            R"(["a",1,true])");
  EXPECT_EQ(json(Val(Tuple(std::vector<Val>{}))), "[]");
}

TEST(JsonValue, RecordIsAnObjectInFieldOrder) {
  EXPECT_EQ(json(Val(Record({{"name", Val::string("Ann")}, {"age", Val(std::uint8_t{7})}}))),
            R"({"name":"Ann","age":7})");
  // The order the value (and so the type) has, not sorted.
  EXPECT_EQ(json(Val(Record({{"b", Val(true)}, {"a", Val(false)}}))), R"({"b":true,"a":false})");
}

TEST(JsonValue, VariantIsTheCaseWithItsPayload) {
  EXPECT_EQ(json(Val(Variant("named", Val::string("x")))), R"({"named":"x"})");
  EXPECT_EQ(json(Val(Variant("at", Val(Tuple({Val(1.5), Val(-2.0)}))))), R"({"at":[1.5,-2]})");
}

TEST(JsonValue, VariantCaseWithoutPayloadIsNull) {
  EXPECT_EQ(json(Val(Variant("lock-rejected", std::nullopt))), R"({"lock-rejected":null})");
}

TEST(JsonValue, EnumIsTheCaseName) {
  EXPECT_EQ(json(Val::enum_("red")), R"("red")");
}

TEST(JsonValue, OptionIsNullOrTheValue) {
  EXPECT_EQ(json(none()), "null");
  EXPECT_EQ(json(some(Val(std::uint32_t{3}))), "3");
  EXPECT_EQ(json(some(Val::string("x"))), R"("x")");
  // Only an option right inside an option is tagged: here null is the inner none.
  EXPECT_EQ(json(some(list({none(), some(Val(true))}))), "[null,true]");
}

TEST(JsonValue, NestedOptionTagsSome) {
  EXPECT_EQ(json(none()), "null");
  EXPECT_EQ(json(some(none())), R"({"some":null})");
  EXPECT_EQ(json(some(some(Val(std::uint32_t{3})))), R"({"some":3})");
  EXPECT_EQ(json(some(some(none()))), R"({"some":{"some":null}})");
  EXPECT_EQ(json(some(some(some(Val(std::uint32_t{3}))))), R"({"some":{"some":3}})");
}

TEST(JsonValue, ResultIsOkOrErr) {
  EXPECT_EQ(json(Val(WitResult::ok(Val(std::uint32_t{1})))), R"({"ok":1})");
  EXPECT_EQ(json(Val(WitResult::err(Val::string("e")))), R"({"err":"e"})");
}

TEST(JsonValue, ResultWithoutPayloadIsNull) {
  EXPECT_EQ(json(Val(WitResult::ok(std::nullopt))), R"({"ok":null})");
  EXPECT_EQ(json(Val(WitResult::err(std::nullopt))), R"({"err":null})");
}

TEST(JsonValue, FlagsAreTheNamesOfThoseSet) {
  EXPECT_EQ(json(Val(Flags({Flag("read"), Flag("write")}))), R"(["read","write"])");
  EXPECT_EQ(json(Val(Flags(std::vector<Flag>{}))), "[]");
}

TEST(JsonValue, MapIsAnArrayOfKeyValuePairs) {
  std::vector<std::pair<Val, Val>> entries;
  entries.emplace_back(Val::string("a"), Val(std::uint32_t{1}));
  entries.emplace_back(Val::string("b"), Val(std::uint32_t{2}));
  EXPECT_EQ(json(Val(Map(std::move(entries)))), R"([["a",1],["b",2]])");
  EXPECT_EQ(json(Val(Map(std::vector<std::pair<Val, Val>>{}))), "[]");
}

// A component that takes a host resource and lends it back to the host: a
// borrowed handle exists only during such a call.
constexpr std::string_view lends_a_resource = R"(
(component
  (import "host" (instance $host
    (export "r" (type $r (sub resource)))
    (export "make" (func (result (own $r))))
    (export "look" (func (param "x" (borrow $r))))))
  (alias export $host "r" (type $r))
  (alias export $host "make" (func $make))
  (alias export $host "look" (func $look))
  (core func $make_core (canon lower (func $make)))
  (core func $look_core (canon lower (func $look)))
  (core func $drop_core (canon resource.drop $r))
  (core module $m
    (import "h" "make" (func $make (result i32)))
    (import "h" "look" (func $look (param i32)))
    (import "h" "drop" (func $drop (param i32)))
    (func (export "run") (local $handle i32)
      (local.set $handle (call $make))
      (call $look (local.get $handle))
      (call $drop (local.get $handle))))
  (core instance $h
    (export "make" (func $make_core))
    (export "look" (func $look_core))
    (export "drop" (func $drop_core)))
  (core instance $i (instantiate $m (with "h" (instance $h))))
  (func (export "run") (canon lift (core func $i "run"))))
)";

TEST(JsonValue, ResourceSaysOwnOrBorrow) {
  using wasmtime::Span;
  using wasmtime::Store;
  using wasmtime::component::FuncType;
  constexpr std::uint32_t type = 7;
  wasmtime::Engine engine;
  wasmtime::component::Linker linker(engine);
  std::string made, lent;
  using Done = wasmtime::Result<std::monostate>;
  auto make = [&](Store::Context store, const FuncType &, Span<Val>, Span<Val> results) -> Done {
    results[0] = Val(ResourceHost(true, 1, type).to_any(store).ok());
    made = json(results[0]);
    return std::monostate();
  };
  auto look = [&](Store::Context store, const FuncType &, Span<Val> args, Span<Val>) -> Done {
    lent = json(args[0]);
    return args[0].get_resource().drop(store); // the host ends its borrows
  };
  auto destroy = [](Store::Context, std::uint32_t) -> Done { return std::monostate(); };
  {
    auto root = linker.root();
    auto host = root.add_instance("host");
    ASSERT_TRUE(host);
    ASSERT_TRUE(host.ok_ref().add_resource("r", wasmtime::component::ResourceType(type), destroy));
    ASSERT_TRUE(host.ok_ref().add_func("make", make));
    ASSERT_TRUE(host.ok_ref().add_func("look", look));
  }
  auto component = wasmtime::component::Component::compile(engine, lends_a_resource);
  ASSERT_TRUE(component) << component.err().message();
  Store store(engine);
  auto instance = linker.instantiate(store, component.ok_ref());
  ASSERT_TRUE(instance) << instance.err().message();
  auto index = instance.ok_ref().get_export_index(store, nullptr, "run");
  ASSERT_TRUE(index);
  auto run = instance.ok_ref().get_func(store, *index);
  ASSERT_TRUE(run);
  auto called = run->call(store, {}, {});
  ASSERT_TRUE(called) << called.err().message();
  EXPECT_EQ(made, R"({"resource":"own"})");
  EXPECT_EQ(lent, R"({"resource":"borrow"})");
}

TEST(JsonValue, NamesThatAreNotUtf8AreReplaced) {
  // Names reach values from the host and from manifests unchecked.
  EXPECT_EQ(json(Val::enum_("a\xFF")), "\"a\xEF\xBF\xBD\"");
  EXPECT_EQ(json(Val(Record({{"\xC0", Val(true)}}))), "{\"\xEF\xBF\xBD\":true}");
  EXPECT_EQ(json(Val(Variant("\xFE", std::nullopt))), "{\"\xEF\xBF\xBD\":null}");
  EXPECT_EQ(json(Val(Flags({Flag("\x80")}))), "[\"\xEF\xBF\xBD\"]");
}

TEST(JsonValue, EveryKindTogether) {
  // docs/JSON.md's example.
  std::vector<std::pair<Val, Val>> scores;
  scores.emplace_back(Val::string("ann"), Val(std::uint32_t{3}));
  Val v(Record({
      {"id", Val(std::numeric_limits<std::uint64_t>::max())},
      {"name", Val::string("Ann \"A\"")},
      {"ratio", Val(0.25f)},
      {"tags", list({Val::string("x")})},
      {"pos", Val(Tuple({Val(std::int32_t{-1}), Val(std::int32_t{2})}))},
      {"shape", Val(Variant("circle", Val(1.5)))},
      {"color", Val::enum_("red")},
      {"nick", none()},
      {"maybe", some(none())},
      {"status", Val(WitResult::err(Val::string("busy")))},
      {"perms", Val(Flags({Flag("read")}))},
      {"scores", Val(Map(std::move(scores)))},
  }));
  EXPECT_EQ(json(v), R"({"id":18446744073709551615,"name":"Ann \"A\"","ratio":0.25,)"
                     R"("tags":["x"],"pos":[-1,2],"shape":{"circle":1.5},"color":"red",)"
                     R"("nick":null,"maybe":{"some":null},"status":{"err":"busy"},)"
                     R"("perms":["read"],"scores":[["ann",3]]})");
}

// The writer keeps what is left to write on the heap: a value of any depth
// is written on a small stack. (Plugins' values have at most 100 levels, as
// Wasmtime's validator allows; the host may build deeper ones.)
std::string json_on_a_small_stack(const Val &v) {
  struct Job {
    const Val *value;
    std::string text;
  } job{&v, {}};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  const int created = pthread_create(
      &thread, &attr,
      [](void *arg) -> void * {
        auto *job = static_cast<Job *>(arg);
        job->text = json(*job->value);
        return nullptr;
      },
      &job);
  pthread_attr_destroy(&attr);
  EXPECT_EQ(created, 0);
  if (created == 0)
    pthread_join(thread, nullptr);
  return job.text;
}

TEST(JsonValue, DeepNestingNeedsNoStack) {
  constexpr std::size_t depth = 10'000;
  Val options(std::uint32_t{1});
  Val lists = list({});
  for (std::size_t i = 1; i < depth; ++i) {
    options = some(std::move(options));
    std::vector<Val> items;
    items.push_back(std::move(lists));
    lists = list(std::move(items));
  }
  EXPECT_EQ(json_on_a_small_stack(options),
            repeat(R"({"some":)", depth - 2) + "1" + repeat("}", depth - 2));
  EXPECT_EQ(json_on_a_small_stack(lists), repeat("[", depth) + repeat("]", depth));
}

TEST(JsonValue, DeepNestingOfEveryContainer) {
  // Each level one container, around the level below and beside a bool.
  std::vector<std::pair<std::string, std::string>> levels; // text before and after the inner
  Val v(std::uint8_t{0});
  for (std::size_t i = 0; i < 3'000; ++i) {
    std::vector<Val> items;
    std::vector<std::pair<Val, Val>> entries;
    switch (i % 7) {
    case 0:
      items.push_back(Val(true));
      items.push_back(std::move(v));
      v = list(std::move(items));
      levels.emplace_back("[true,", "]");
      break;
    case 1:
      items.push_back(std::move(v));
      items.push_back(Val(false));
      v = Val(Tuple(std::move(items)));
      levels.emplace_back("[", ",false]");
      break;
    case 2:
      v = Val(Record({{"a", Val(true)}, {"b", std::move(v)}}));
      levels.emplace_back(R"({"a":true,"b":)", "}");
      break;
    case 3:
      v = Val(Variant("v", std::move(v)));
      levels.emplace_back(R"({"v":)", "}");
      break;
    case 4:
      v = some(some(std::move(v)));
      levels.emplace_back(R"({"some":)", "}");
      break;
    case 5:
      v = Val(WitResult::ok(std::move(v)));
      levels.emplace_back(R"({"ok":)", "}");
      break;
    case 6:
      entries.emplace_back(Val(true), std::move(v));
      v = Val(Map(std::move(entries)));
      levels.emplace_back("[[true,", "]]");
      break;
    }
  }
  std::string expected = "0";
  for (const auto &[before, after] : levels)
    expected = before + expected + after;
  EXPECT_EQ(json_on_a_small_stack(v), expected);
}

// Strings

TEST(JsonQuote, QuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(quote(R"(a"b\c)"), R"("a\"b\\c")");
  EXPECT_EQ(quote("/"), R"("/")"); // JSON allows `\/`; it is not needed
  EXPECT_EQ(quote(""), R"("")");
}

TEST(JsonQuote, ControlCharactersWithShortFormsUseThem) {
  EXPECT_EQ(quote("\b\t\n\f\r"), R"("\b\t\n\f\r")");
}

TEST(JsonQuote, OtherControlCharactersAreUEscapes) {
  EXPECT_EQ(quote("\0\x01\x1B\x1F"s), R"("\u0000\u0001\u001b\u001f")");
  EXPECT_EQ(quote("\x7F"), R"("\u007f")");
  EXPECT_EQ(quote(" ~"), R"(" ~")"); // the printable ends of ASCII
}

TEST(JsonQuote, C1ControlCharactersAreUEscapes) {
  // U+0080 to U+009F: a terminal may act on them.
  EXPECT_EQ(quote("\xC2\x80|\xC2\x85|\xC2\x9F"), R"("\u0080|\u0085|\u009f")");
  EXPECT_EQ(quote("\xC2\xA0"), "\"\xC2\xA0\""); // U+00A0 is no control
}

TEST(JsonQuote, ValidUtf8IsKeptAsIs) {
  const std::string text = "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
  EXPECT_EQ(quote(text), "\"" + text + "\"");
}

TEST(JsonQuote, InvalidUtf8BecomesReplacementCharacters) {
  const std::string r = "\xEF\xBF\xBD"; // U+FFFD
  EXPECT_EQ(quote("a\xFF"
                  "b"),
            "\"a" + r + "b\"");
  EXPECT_EQ(quote("\x80"), "\"" + r + "\"");                         // a lone continuation byte
  EXPECT_EQ(quote("\xC0\xAF"), "\"" + r + r + "\"");                 // overlong `/`
  EXPECT_EQ(quote("\xED\xA0\x80"), "\"" + r + r + r + "\"");         // a surrogate, U+D800
  EXPECT_EQ(quote("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\""); // past U+10FFFF
  EXPECT_EQ(quote("\xE0\x80\x80"), "\"" + r + r + r + "\"");         // overlong 3 bytes
  EXPECT_EQ(quote("\xF0\x80\x80\x80"), "\"" + r + r + r + r + "\""); // overlong 4 bytes
}

TEST(JsonQuote, TruncatedSequenceIsOneReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(quote("\xE2\x82"), "\"" + r + "\""); // at the end
  EXPECT_EQ(quote("\xF0\x9F\x98"
                  "A"),
            "\"" + r + "A\"");                                   // before ASCII
  EXPECT_EQ(quote("\xE2\x82\xC3\xA9"), "\"" + r + "\xC3\xA9\""); // before another character
  EXPECT_EQ(quote("\xC2"), "\"" + r + "\"");
}

// Documents

TEST(JsonDocument, ScalarsAsValues) {
  EXPECT_EQ(Value(nullptr).text(), "null");
  EXPECT_EQ(Value(true).text(), "true");
  EXPECT_EQ(Value(false).text(), "false");
  EXPECT_EQ(Value(-3).text(), "-3");
  EXPECT_EQ(Value(std::numeric_limits<std::uint64_t>::max()).text(), "18446744073709551615");
  EXPECT_EQ(Value(std::size_t{7}).text(), "7");
  EXPECT_EQ(Value(2.5).text(), "2.5");
  EXPECT_EQ(Value(0.1f).text(), "0.1");
  EXPECT_EQ(Value(std::nan("")).text(), R"("nan")");
  EXPECT_EQ(Value(-HUGE_VAL).text(), R"("-inf")");
}

TEST(JsonDocument, StringsOfEveryKindAreQuoted) {
  EXPECT_EQ(Value("a\"").text(), R"("a\"")");
  EXPECT_EQ(Value(std::string("a\n")).text(), R"("a\n")");
  EXPECT_EQ(Value(std::string_view("a\\")).text(), R"("a\\")");
}

// What would be a silent mistake does not compile.
static_assert(!std::is_constructible_v<Value, const int *>); // would be `true`
static_assert(!std::is_constructible_v<Value, char>);        // a number or a string?
static_assert(!std::is_constructible_v<Value, char32_t>);
static_assert(!std::is_constructible_v<Value, Val>); // json::value says how

TEST(JsonDocument, ObjectKeepsItsMembersInOrder) {
  EXPECT_EQ(Object({{"b", 1}, {"a", true}}).text(), R"({"b":1,"a":true})");
  EXPECT_EQ(Object().add("x", nullptr).add("y", "s").text(), R"({"x":null,"y":"s"})");
  EXPECT_EQ(Object().text(), "{}");
  EXPECT_TRUE(Object().empty());
  EXPECT_FALSE(Object({{"a", 1}}).empty());
}

TEST(JsonDocument, ObjectKeysAreQuoted) {
  EXPECT_EQ(Object({{"a\"b\n", 1}}).text(), R"({"a\"b\n":1})");
  EXPECT_EQ(Object({{"\xFF", 1}}).text(), "{\"\xEF\xBF\xBD\":1}");
}

TEST(JsonDocument, ArrayKeepsItsItemsInOrder) {
  EXPECT_EQ(Array({1, "two", nullptr, false, 2.5}).text(), R"([1,"two",null,false,2.5])");
  EXPECT_EQ(Array().add(1).add(Array()).text(), "[1,[]]");
  EXPECT_EQ(Array().text(), "[]");
  EXPECT_TRUE(Array().empty());
  EXPECT_FALSE(Array({1}).empty());
}

TEST(JsonDocument, ValuesNest) {
  // The shape docs/JSON.md proposes for `call`.
  Array results;
  results.add(Object({{"plugin", "english"}, {"ok", value(Val::string("Hello, Ann!"))}}));
  results.add(Object({{"plugin", "broken"},
                      {"err", value(Val(Variant("runtime-exception", Val::string("trap"))))}}));
  const Object doc{
      {"binding", "greeters"}, {"interface", "greet"}, {"function", "hello"}, {"results", results}};
  EXPECT_EQ(doc.text(), R"({"binding":"greeters","interface":"greet","function":"hello",)"
                        R"("results":[{"plugin":"english","ok":"Hello, Ann!"},)"
                        R"({"plugin":"broken","err":{"runtime-exception":"trap"}}]})");
}

TEST(JsonDocument, ErrorHasTheMessageAndTheExitCode) {
  EXPECT_EQ(error("unknown binding `nope` (\"x\")", 2).text(),
            R"j({"error":{"message":"unknown binding `nope` (\"x\")","exit":2}})j");
}

} // namespace
} // namespace wasm_link::tool::json
