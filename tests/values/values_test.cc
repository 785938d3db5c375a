// Every component value type crosses into a plugin and back unchanged, and every
// way a host argument can fail to fit is refused before the plugin runs.
#include "binding_state.hh"
#include "shim.h"
#include "support.hh"
#include "unicode.hh"

#include <array>
#include <cstdint>
#include <gtest/gtest.h>
#include <limits>
#include <thread>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;
using wasmtime::component::Flag;
using wasmtime::component::Flags;
using wasmtime::component::List;
using wasmtime::component::Map;
using wasmtime::component::Record;
using wasmtime::component::Tuple;
using wasmtime::component::Variant;
using wasmtime::component::WitOption;
using wasmtime::component::WitResult;

class Echo : public ::testing::Test {
protected:
  // Compiled once; each test gets a fresh instance, since a trap (one test
  // provokes one) leaves an instance that Wasmtime will not enter again.
  static void SetUpTestSuite() {
    engine_ = new wasmtime::Engine(make_engine());
    component_ = new wasmtime::component::Component(load(*engine_, "values/echo.wat"));
  }
  static void TearDownTestSuite() {
    delete component_;
    delete engine_;
  }

  Echo() {
    wasmtime::component::Linker linker(*engine_);
    auto echo = take(Interface::from_component(*engine_, *component_, "test:values/echo"));
    auto instance = take(Plugin(*component_).instantiate(*engine_, linker));
    binding_ = std::make_unique<Binding>(take(Binding::create(
        "test:values", {{"echo", echo}}, Cardinality::exactly_one, {{"echo", instance}})));
  }

  CallResult call(std::string_view function, std::vector<Val> args) const {
    auto results = take(binding_->dispatch("echo", function, args));
    EXPECT_EQ(results.size(), 1u);
    return results[0].result;
  }
  std::uint32_t calls() const { return take(call("calls", {}))->get_u32(); }

  static wasmtime::Engine *engine_;
  static wasmtime::component::Component *component_;
  std::unique_ptr<Binding> binding_;
};
wasmtime::Engine *Echo::engine_ = nullptr;
wasmtime::component::Component *Echo::component_ = nullptr;

struct RoundTrip {
  std::string function;
  Val value;
  std::string wave;
};

std::string big_bytes_wave(std::size_t n) {
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i)
    out += (i ? ", " : "") + std::to_string(i % 251);
  return out + "]";
}

Val big_bytes(std::size_t n) {
  std::vector<Val> bytes;
  for (std::size_t i = 0; i < n; ++i)
    bytes.emplace_back(static_cast<std::uint8_t>(i % 251));
  return List(std::move(bytes));
}

// A value of the fixture's `fields` record.
Val fields(std::uint8_t a, std::uint16_t b, std::uint32_t c, std::uint64_t d, std::int32_t e,
           std::int64_t f, float g, double h) {
  return Record({{"a", Val(a)},
                 {"b", Val(b)},
                 {"c", Val(c)},
                 {"d", Val(d)},
                 {"e", Val(e)},
                 {"f", Val(f)},
                 {"g", Val(g)},
                 {"h", Val(h)}});
}

std::vector<RoundTrip> round_trips() {
  return {
      {"echo-bool", Val(true), "true"},
      {"echo-bool", Val(false), "false"},
      {"echo-s8", Val(std::int8_t{-128}), "-128"},
      {"echo-u8", Val(std::uint8_t{255}), "255"},
      {"echo-s16", Val(std::int16_t{-32768}), "-32768"},
      {"echo-u16", Val(std::uint16_t{65535}), "65535"},
      {"echo-s32", Val(std::numeric_limits<std::int32_t>::min()), "-2147483648"},
      {"echo-u32", Val(std::numeric_limits<std::uint32_t>::max()), "4294967295"},
      {"echo-s64", Val(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808"},
      {"echo-u64", Val(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615"},
      {"echo-f32", Val(1.5f), "1.5"},
      {"echo-f32", Val(-std::numeric_limits<float>::infinity()), "-inf"},
      {"echo-f64", Val(3.141592653589793), "3.141592653589793"},
      {"echo-f64", Val(std::numeric_limits<double>::quiet_NaN()), "nan"},
      {"echo-char", Val::char_(U'λ'), "'λ'"},
      {"echo-char", Val::char_(U'\''), "'\\''"},
      {"echo-char", Val::char_(0x1F600), "'😀'"},
      {"echo-string", Val::string("say \"hi\"\n\tüñí"), "\"say \\\"hi\\\"\\n\\tüñí\""},
      {"echo-string", Val::string(""), "\"\""},
      // Long enough for the ASCII fast path of the UTF-8 check, with multibyte
      // characters after and across its eight-byte steps.
      {"echo-string",
       Val::string("abcdefghijklmnop\xc3\xbc"
                   "1234567\xe2\x82\xac"
                   "xyz\xf0\x9f\x98\x80"),
       "\"abcdefghijklmnop\xc3\xbc"
       "1234567\xe2\x82\xac"
       "xyz\xf0\x9f\x98\x80\""},
      {"echo-bytes", List({Val(std::uint8_t{0}), Val(std::uint8_t{1}), Val(std::uint8_t{255})}),
       "[0, 1, 255]"},
      {"echo-bytes", List(std::vector<Val>{}), "[]"},
      {"echo-bytes", big_bytes(70000), big_bytes_wave(70000)},
      {"echo-strings", List({Val::string("a"), Val::string(""), Val::string("ccc")}),
       "[\"a\", \"\", \"ccc\"]"},
      {"echo-record", Record({{"x", Val(7u)}, {"label", Val::string("seven")}}),
       "{x: 7, label: \"seven\"}"},
      {"echo-nested",
       Record({{"name", Val::string("n")},
               {"tags", List({Val::string("t1"), Val::string("t2")})},
               {"weight", WitOption(Val(3u))}}),
       "{name: \"n\", tags: [\"t1\", \"t2\"], weight: some(3)}"},
      {"echo-nested",
       Record({{"name", Val::string("")},
               {"tags", List(std::vector<Val>{})},
               {"weight", WitOption(std::nullopt)}}),
       "{name: \"\", tags: [], weight: none}"},
      {"echo-tuple", Tuple({Val(std::uint8_t{9}), Val::string("nine")}), "(9, \"nine\")"},
      {"echo-variant", Variant("empty", std::nullopt), "empty"},
      {"echo-variant", Variant("count", Val(5u)), "count(5)"},
      {"echo-variant", Variant("named", Val::string("x")), "named(\"x\")"},
      {"echo-enum", Val::enum_("green"), "green"},
      {"echo-option", WitOption(Val(4u)), "some(4)"},
      {"echo-option", WitOption(std::nullopt), "none"},
      {"echo-result", WitResult::ok(Val::string("fine")), "ok(\"fine\")"},
      {"echo-result", WitResult::err(Val(13u)), "err(13)"},
      {"echo-flags", Flags({Flag("read"), Flag("exec")}), "{read, exec}"},
      {"echo-flags", Flags(std::vector<Flag>{}), "{}"},
      {"echo-map", Map({{Val::string("a"), Val(1u)}, {Val::string("b"), Val(2u)}}),
       "[(\"a\", 1), (\"b\", 2)]"},
      {"echo-map", Map(std::vector<std::pair<Val, Val>>{}), "[]"},
      // Records and tuples of scalars take the flat path (Export::flat).
      {"echo-fields",
       fields(255, 65535, 4294967295u, 18446744073709551615u, -2147483648,
              std::numeric_limits<std::int64_t>::min(), -1.5f, 2.5),
       "{a: 255, b: 65535, c: 4294967295, d: 18446744073709551615, e: -2147483648, "
       "f: -9223372036854775808, g: -1.5, h: 2.5}"},
      {"echo-fields", fields(0, 1, 2, 3, 4, 5, 0.0f, -0.0),
       "{a: 0, b: 1, c: 2, d: 3, e: 4, f: 5, g: 0, h: -0}"},
      {"echo-pair", Tuple({Val(true), Val::char_(0x1F600)}), "(true, '😀')"},
      {"echo-pair", Tuple({Val(false), Val::char_(U'a')}), "(false, 'a')"},
      {"echo-nest",
       Record({{"inner", Tuple({Val(std::int16_t{-300}), Val(std::uint8_t{200})})},
               {"last", Val(std::uint8_t{7})},
               {"f", Val(0.25f)}}),
       "{inner: (-300, 200), last: 7, f: 0.25}"},
      {"echo-wrap", Record({{"v", Val(std::uint64_t{18446744073709551615u})}}),
       "{v: 18446744073709551615}"},
  };
}

TEST_F(Echo, EveryValueTypeRoundTrips) {
  for (const auto &[function, value, wave] : round_trips()) {
    SCOPED_TRACE(function + " " + wave.substr(0, 60));
    ASSERT_EQ(to_string(value), wave);
    CallResult result = call(function, {value});
    ASSERT_TRUE(result) << result.err_ref().message();
    ASSERT_TRUE(result.ok_ref().has_value());
    EXPECT_EQ(to_string(*result.ok_ref()), wave);
  }
}

// Functions of scalars, and records and tuples of them, that flatten to at
// most 16 core values (a result to one, or to bytes in memory) take Wasmtime's
// typed path without dynamic values (Export::flat), others the dynamic one;
// both lift and lower alike, and fail alike.
TEST_F(Echo, FlatSignaturesTakeTheTypedPathWithTheSameValues) {
  const auto state = detail::share(*binding_);
  auto flat = [&](std::string_view function) {
    const auto slot = take(state->slot_of("echo", function)).index;
    const detail::ReadSection section;
    return state->roster(section).plugs.front().export_of(slot).flat != nullptr;
  };
  for (const auto *function :
       {"echo-bool", "echo-s8", "echo-u64", "echo-f32", "echo-char", "mix", "sum5", "take-u32",
        "calls", "to-char", "echo-fields", "echo-pair", "to-pair", "echo-nest", "echo-wrap", "at"})
    EXPECT_TRUE(flat(function)) << function;
  // Strings, variants and more than 16 flat values (pick-c: 17) take the dynamic path.
  for (const auto *function : {"echo-string", "echo-record", "echo-tuple", "echo-enum",
                               "echo-flags", "echo-option", "pick-c"})
    EXPECT_FALSE(flat(function)) << function;

  auto value = [&](std::string_view function, std::vector<Val> args) {
    CallResult result = call(function, std::move(args));
    if (!result)
      return "error: " + result.err_ref().message();
    return to_string(*result.ok_ref());
  };
  EXPECT_EQ(
      value("mix", {Val(std::uint8_t{200}), Val(std::int64_t{-1000}), Val(0.5f), Val::char_(U'A')}),
      "-734.5");
  EXPECT_EQ(value("sum5", {Val(1u), Val(2u), Val(3u), Val(4u), Val(5u)}), "15");
  EXPECT_EQ(value("to-bool", {Val(2u)}), "true");
  EXPECT_EQ(value("to-bool", {Val(0u)}), "false");
  EXPECT_EQ(value("to-s8", {Val(0x1ffu)}), "-1");
  EXPECT_EQ(value("to-u16", {Val(0x12345u)}), "9029");
  EXPECT_EQ(value("to-char", {Val(0x1f600u)}), "'😀'");
  EXPECT_EQ(value("to-char", {Val(0xd800u)}),
            "error: runtime-exception: converted integer out of range for `char`");
  EXPECT_EQ(value("mix", {Val(1u), Val(std::int64_t{1}), Val(1.0f), Val::char_(U'A')}),
            "error: invalid-argument-list (plugin `echo`, `test:values/echo`.`mix`: argument 0 "
            "`a`: expected u8, found u32)");

  // From memory: a bool is any byte but 0, a char must be a scalar value.
  EXPECT_EQ(value("to-pair", {Val(0x302u), Val(0x41u)}), "(true, 'A')");
  EXPECT_EQ(value("to-pair", {Val(0u), Val(0x10ffffu)}), "(false, '\xF4\x8F\xBF\xBF')");
  EXPECT_EQ(value("to-pair", {Val(1u), Val(0xdfffu)}),
            "error: runtime-exception: converted integer out of range for `char`");
  // The result is read at the pointer the guest returns, which must be aligned
  // and within its memory: the errors of Wasmtime's own lift.
  ASSERT_EQ(value("echo-fields", {fields(1, 2, 3, 4, 5, 6, 7.0f, 8.0)}),
            "{a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}");
  EXPECT_EQ(value("at", {Val(64u)}), "{a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}");
  EXPECT_EQ(value("at", {Val(68u)}), "error: runtime-exception: return pointer not aligned");
  EXPECT_EQ(value("at", {Val(65536u - 40)}),
            "error: runtime-exception: pointer out of bounds of memory");
  EXPECT_EQ(value("at", {Val(65536u - 48)}), "{a: 0, b: 0, c: 0, d: 0, e: 0, f: 0, g: 0, h: 0}");
  // More than 16 flat values: through memory, on the dynamic path.
  EXPECT_EQ(value("pick-c", {fields(1, 2, 3, 4, 5, 6, 7.0f, 8.0),
                             fields(1, 2, 3, 4, 5, 6, 7.0f, 8.0), Val(std::uint8_t{77})}),
            "77");
  // Arguments are checked as on every path.
  EXPECT_EQ(value("echo-pair", {Tuple({Val(1u), Val::char_(U'a')})}),
            "error: invalid-argument-list (plugin `echo`, `test:values/echo`.`echo-pair`: argument "
            "0 `v`: element 0: expected bool, found u32)");
}

// A flat call that returns through memory can run inside another: a relay's
// `outer` gets a record through memory from its socket before it returns its
// own. Each result is copied to its own call's place.
TEST_F(Echo, FlatResultsInMemoryNest) {
  const Binding relay = relay_over(*engine_, "values/nested.wat", *binding_);
  {
    const auto state = detail::share(relay);
    const auto slot = take(state->slot_of("run", "outer")).index;
    const detail::ReadSection section;
    ASSERT_NE(state->roster(section).plugs.front().export_of(slot).flat, nullptr);
  }
  for (std::uint8_t x : {10, 100}) {
    const std::vector<Val> args{Val(x)};
    auto results = take(relay.dispatch("run", "outer", args));
    ASSERT_EQ(results.size(), 1u);
    ASSERT_TRUE(results[0].result) << results[0].result.err_ref().message();
    EXPECT_EQ(to_string(*results[0].result.ok_ref()),
              "{a: " + std::to_string(static_cast<std::uint8_t>(2 * (x + 1))) +
                  ", b: 20, c: 30, d: 40, e: -50, f: -60, g: 7.5, h: 8.25}");
  }
  EXPECT_EQ(calls(), 2u); // each outer call reached echo-fields once
}

// The shim's flat call itself: more core values than the canonical ABI passes
// flat is refused before the guest runs, and one core value in and out is
// passed through as given.
TEST_F(Echo, ShimFlatCallTakesAtMostSixteenValues) {
  const auto state = detail::share(*binding_);
  const auto slot = take(state->slot_of("echo", "echo-u32")).index;
  wasmtime::component::Func func{wasmtime_component_func_t{}};
  detail::PluginState *plugin = nullptr;
  {
    const detail::ReadSection section;
    const auto &plug = state->roster(section).plugs.front();
    plugin = plug.plugin.get();
    auto found = plugin->instance.get_func(plugin->store.context(), plug.export_of(slot).index);
    ASSERT_TRUE(found);
    func = *found;
  }
  std::array<wasmtime_val_raw_t, WASM_LINK_FLAT_PARAMS_MAX + 1> args{};
  args[0].i32 = 77;
  wasmtime_val_raw_t out{};
  wasmtime_error_t *error = wasm_link_component_func_call_flat(
      func.capi(), plugin->store.context().capi(), args.data(), args.size(),
      WASM_LINK_FLAT_RESULT_FLAT, &out, nullptr, 0, 1);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(wasmtime::Error(error).message(), "a flat call takes at most 16 core values, not 17");
  EXPECT_EQ(calls(), 0u);

  error =
      wasm_link_component_func_call_flat(func.capi(), plugin->store.context().capi(), args.data(),
                                         1, WASM_LINK_FLAT_RESULT_FLAT, &out, nullptr, 0, 1);
  ASSERT_EQ(error, nullptr) << wasmtime::Error(error).message();
  EXPECT_EQ(out.i32, 77);
  EXPECT_EQ(calls(), 1u);
}

// The UTF-8 check skips ASCII in blocks of 32 and 8 bytes: a bad or a
// multi-byte sequence at any place of a block, or of the tail, is still seen.
TEST(Utf8, EveryPositionOfTheAsciiBlocksIsChecked) {
  for (std::size_t size : {1u, 7u, 8u, 9u, 31u, 32u, 33u, 40u, 64u, 100u}) {
    const std::string ascii(size, 'a');
    EXPECT_TRUE(detail::is_utf8(ascii)) << size;
    for (std::size_t at = 0; at < size; ++at) {
      std::string bad = ascii;
      bad[at] = '\xff';
      EXPECT_FALSE(detail::is_utf8(bad)) << size << " bytes, 0xff at " << at;
      std::string cut = ascii;
      cut[at] = '\xc3'; // the first byte of a two-byte sequence, with `a` after it
      EXPECT_FALSE(detail::is_utf8(cut)) << size << " bytes, a cut sequence at " << at;
      std::string good = ascii + "\xc3\xa9" + ascii; // U+00E9 between two runs
      EXPECT_TRUE(detail::is_utf8(good)) << size;
    }
  }
  EXPECT_FALSE(detail::is_utf8(std::string(40, 'a') + "\xed\xa0\x80")) << "a surrogate";
  EXPECT_FALSE(detail::is_utf8(std::string(40, 'a') + "\xc0\x80")) << "an overlong NUL";
}

TEST_F(Echo, FunctionWithoutResultGivesNoValue) {
  CallResult result = call("take-u32", {Val(1u)});
  ASSERT_TRUE(result) << result.err_ref().message();
  EXPECT_FALSE(result.ok_ref().has_value());
}

TEST_F(Echo, UnknownInterfaceIsInvalidInterfacePath) {
  auto results = binding_->dispatch("nope", "echo-u32", std::vector<Val>{Val(1u)});
  expect_error(results, DispatchError::Kind::invalid_interface_path,
               "invalid-interface-path: test:values/nope");
  EXPECT_EQ(results.err_ref().payload(), "test:values/nope");
}

TEST_F(Echo, UnknownFunctionIsInvalidFunction) {
  auto results = binding_->dispatch("echo", "echo-nothing", std::vector<Val>{});
  expect_error(results, DispatchError::Kind::invalid_function, "invalid-function: echo-nothing");
  EXPECT_EQ(results.err_ref().payload(), "echo-nothing");
}

TEST_F(Echo, TrapIsRuntimeExceptionWithWasmtimesMessage) {
  expect_error(call("trap", {}), DispatchError::Kind::runtime_exception,
               "runtime-exception: error while executing at wasm backtrace:\n"
               "    0:    0x2bf - m!<wasm function 15>\n"
               "\n"
               "Caused by:\n"
               "    wasm trap: wasm `unreachable` instruction executed");
}

struct BadArguments {
  std::string function;
  std::vector<Val> args;
  std::string detail;
};

std::vector<BadArguments> bad_arguments() {
  const std::string u32 = "plugin `echo`, `test:values/echo`.`echo-u32`";
  return {
      {"echo-u32", {}, u32 + " takes 1 arguments, 0 given"},
      {"echo-u32", {Val(1u), Val(2u)}, u32 + " takes 1 arguments, 2 given"},
      {"echo-u32", {Val::string("1")}, u32 + ": argument 0 `v`: expected u32, found string"},
      {"echo-u32", {Val(std::int32_t{1})}, u32 + ": argument 0 `v`: expected u32, found s32"},
      {"echo-string",
       {Val::string("\xff\xfe")},
       "plugin `echo`, `test:values/echo`.`echo-string`: argument 0 `v`: string is not valid "
       "UTF-8"},
      {"echo-string", // a byte no UTF-8 sequence starts with, after eight ASCII bytes
       {Val::string("abcdefgh\xff")},
       "plugin `echo`, `test:values/echo`.`echo-string`: argument 0 `v`: string is not valid "
       "UTF-8"},
      {"echo-string", // a sequence cut short at the end
       {Val::string("abcdefghijklmnop\xe2\x82")},
       "plugin `echo`, `test:values/echo`.`echo-string`: argument 0 `v`: string is not valid "
       "UTF-8"},
      {"echo-string", // an overlong encoding
       {Val::string("abcdefgh\xc0\xaf"
                    "abcdefgh")},
       "plugin `echo`, `test:values/echo`.`echo-string`: argument 0 `v`: string is not valid "
       "UTF-8"},
      {"echo-string", // a surrogate
       {Val::string("abcdefgh12345678\xed\xa0\x80")},
       "plugin `echo`, `test:values/echo`.`echo-string`: argument 0 `v`: string is not valid "
       "UTF-8"},
      {"echo-char",
       {Val::char_(0xD800)},
       "plugin `echo`, `test:values/echo`.`echo-char`: argument 0 `v`: char 55296 is not a "
       "Unicode scalar value"},
      {"echo-bytes",
       {List({Val(std::uint8_t{1}), Val(2u)})},
       "plugin `echo`, `test:values/echo`.`echo-bytes`: argument 0 `v`: element 1: expected u8, "
       "found u32"},
      {"echo-record",
       {Record({{"label", Val::string("x")}, {"x", Val(1u)}})},
       "plugin `echo`, `test:values/echo`.`echo-record`: argument 0 `v`: expected field `x`, "
       "found `label`"},
      {"echo-record",
       {Record({{"x", Val(1u)}})},
       "plugin `echo`, `test:values/echo`.`echo-record`: argument 0 `v`: record { x: u32, label: "
       "string } has 2 fields, found 1"},
      {"echo-variant",
       {Variant("count", std::nullopt)},
       "plugin `echo`, `test:values/echo`.`echo-variant`: argument 0 `v`: case `count` needs a "
       "payload"},
      {"echo-variant",
       {Variant("empty", Val(1u))},
       "plugin `echo`, `test:values/echo`.`echo-variant`: argument 0 `v`: case `empty` takes no "
       "payload"},
      {"echo-tuple",
       {Tuple({Val(std::uint8_t{9})})},
       "plugin `echo`, `test:values/echo`.`echo-tuple`: argument 0 `v`: tuple<u8, string> has 2 "
       "elements, found 1"},
      {"echo-variant",
       {Variant("square", Val(1u))},
       "plugin `echo`, `test:values/echo`.`echo-variant`: argument 0 `v`: no case `square` in "
       "variant { empty, count(u32), named(string) }"},
      {"echo-enum",
       {Val::enum_("purple")},
       "plugin `echo`, `test:values/echo`.`echo-enum`: argument 0 `v`: no case `purple` in enum { "
       "red, green, blue }"},
      {"echo-flags",
       {Flags({Flag("read"), Flag("read")})},
       "plugin `echo`, `test:values/echo`.`echo-flags`: argument 0 `v`: flag `read` given twice"},
      {"echo-flags",
       {Flags({Flag("delete")})},
       "plugin `echo`, `test:values/echo`.`echo-flags`: argument 0 `v`: no flag `delete` in flags "
       "{ read, write, exec }"},
      {"echo-option",
       {WitOption(Val::string("x"))},
       "plugin `echo`, `test:values/echo`.`echo-option`: argument 0 `v`: some: expected u32, found "
       "string"},
      {"echo-result",
       {WitResult::err(std::nullopt)},
       "plugin `echo`, `test:values/echo`.`echo-result`: argument 0 `v`: err needs a payload"},
      {"echo-map",
       {Map({{Val(1u), Val(1u)}})},
       "plugin `echo`, `test:values/echo`.`echo-map`: argument 0 `v`: key of entry 0: expected "
       "string, found u32"},
  };
}

TEST_F(Echo, ArgumentsThatDoNotFitAreRefusedBeforeThePluginRuns) {
  const std::uint32_t before = calls();
  for (const auto &[function, args, detail] : bad_arguments()) {
    SCOPED_TRACE(detail);
    CallResult result = call(function, args);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.err_ref().kind(), DispatchError::Kind::invalid_argument_list);
    EXPECT_EQ(result.err_ref().case_name(), "invalid-argument-list");
    EXPECT_EQ(result.err_ref().payload(), "");
    EXPECT_EQ(result.err_ref().detail(), detail);
  }
  EXPECT_EQ(calls(), before);
}

TEST_F(Echo, ConcurrentDispatchWaitsItsTurn) {
  const std::uint32_t before = calls();
  constexpr int threads = 4, per_thread = 200;
  std::vector<std::thread> workers;
  std::atomic<int> failures = 0;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const std::uint32_t n = static_cast<std::uint32_t>(t * per_thread + i);
        auto results = binding_->dispatch("echo", "echo-u32", std::vector<Val>{Val(n)});
        if (!results || !results.ok_ref()[0].result ||
            results.ok_ref()[0].result.ok_ref()->get_u32() != n)
          ++failures;
      }
    });
  for (auto &worker : workers)
    worker.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(calls(), before + threads * per_thread);
}

} // namespace
} // namespace wasm_link
