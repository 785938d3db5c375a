// The byte path (Binding::dispatch_bytes): list<u8> and string arguments and
// results cross the guest's memory as whole buffers, with the results the Val
// path gives, the same errors, limits and async plugins.
#include "binding_state.hh"
#include "support.hh"

#include <gtest/gtest.h>
#include <numeric>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

// What the first plugin of `binding` gave for `api`.`function`(`argument`),
// written out, or its error.
std::string first_value(const Binding &binding, std::string_view function, const Val &argument) {
  auto results = take(binding.dispatch("api", function, std::span(&argument, 1)));
  if (!results[0].result)
    return "error: " + results[0].result.err_ref().message();
  return to_string(*results[0].result.ok_ref());
}

// A list of u8 values.
Val list_of(std::vector<std::uint8_t> bytes) {
  std::vector<Val> values;
  for (std::uint8_t byte : bytes)
    values.emplace_back(byte);
  return wasmtime::component::List(std::move(values));
}

class Bytes : public ::testing::Test {
protected:
  Binding binding(std::vector<std::string> ids, Limits limits = {}) {
    Binding::Plugs plugs;
    for (auto &id : ids)
      plugs.push_back(
          {id, take(Plugin(component).with_limits(limits).instantiate(engine, linker))});
    return take(Binding::create("test:bytes", {{"api", interface}}, Cardinality::any, plugs));
  }

  // The one plugin's bytes.
  static std::vector<std::uint8_t> one(const Binding &b, std::string_view function,
                                       std::span<const std::uint8_t> input) {
    auto results = take(b.dispatch_bytes("api", function, input));
    if (results.size() != 1)
      throw std::runtime_error("expected one result");
    return take(std::move(results[0].result));
  }

  wasmtime::Engine engine = [] {
    wasmtime::Config config = default_config();
    config.consume_fuel(true);
    return wasmtime::Engine(std::move(config));
  }();
  wasmtime::component::Linker linker{engine};
  wasmtime::component::Component component = load(engine, "bytes/bytes.wat");
  Interface interface = take(Interface::from_component(engine, component, "test:bytes/api"));
};

TEST_F(Bytes, ListInListOutAsTheValPathGivesIt) {
  auto b = binding({"p"});
  std::vector<std::uint8_t> input(64 * 1024);
  std::iota(input.begin(), input.end(), std::uint8_t{0});
  const std::vector<std::uint8_t> reversed(input.rbegin(), input.rend());
  EXPECT_EQ(one(b, "reverse", input), reversed);

  std::vector<Val> values;
  for (std::uint8_t byte : input)
    values.emplace_back(byte);
  const Val list = wasmtime::component::List(std::move(values));
  auto through_values = take(b.dispatch("api", "reverse", std::span(&list, 1)));
  std::vector<std::uint8_t> from_values;
  for (const Val &byte : through_values[0].result.ok_ref()->get_list())
    from_values.push_back(byte.get_u8());
  EXPECT_EQ(from_values, reversed);
}

// A function of the byte path's shape called with values (dispatch, a prepared
// call, a socket) takes the byte path's typed call too (Export::bytes): the
// same results and errors as dispatch_bytes gives, after the same checks of
// the arguments.
TEST_F(Bytes, ValuesOfAByteShapeTakeTheBytePath) {
  auto b = binding({"p"});
  const auto state = detail::share(b);
  auto shape = [&](std::string_view function) {
    const auto slot = take(state->slot_of("api", function)).index;
    const detail::ReadSection section;
    return state->roster(section).plugs.front().export_of(slot).bytes;
  };
  const std::vector<std::tuple<const char *, bool, bool>> shapes{{"reverse", false, false},
                                                                 {"upper", true, true},
                                                                 {"as-text", false, true},
                                                                 {"as-bytes", true, false},
                                                                 {"boom", false, false}};
  for (const auto &[function, input_is_string, output_is_string] : shapes) {
    const auto found = shape(function);
    ASSERT_TRUE(found) << function;
    EXPECT_EQ(found->input_is_string, input_is_string) << function;
    EXPECT_EQ(found->output_is_string, output_is_string) << function;
  }
  EXPECT_FALSE(shape("count")) << "a u32 result is not the byte path's shape";

  auto value = [&](std::string_view function, const Val &argument) {
    return first_value(b, function, argument);
  };
  EXPECT_EQ(value("upper", Val::string("héllo wörld")), "\"HéLLO WöRLD\"");
  EXPECT_EQ(value("upper", Val::string("")), "\"\"");
  EXPECT_EQ(value("as-bytes", Val::string("hi")), "[104, 105]");
  EXPECT_EQ(value("as-text", list_of({0x66, 0x6f})), "\"fo\"");
  EXPECT_EQ(value("reverse", list_of({1, 2, 255})), "[255, 2, 1]");
  EXPECT_EQ(value("reverse", list_of({})), "[]");
  EXPECT_EQ(value("as-text", list_of({0x66, 0xff, 0x6f})),
            "error: runtime-exception: invalid utf-8 sequence of 1 bytes from index 1");
  EXPECT_EQ(value("upper", Val(1u)),
            "error: invalid-argument-list (plugin `p`, `test:bytes/api`.`upper`: argument 0 `s`: "
            "expected string, found u32)");
  EXPECT_EQ(value("reverse", wasmtime::component::List({Val(std::uint8_t{1}), Val(2u)})),
            "error: invalid-argument-list (plugin `p`, `test:bytes/api`.`reverse`: argument 0 "
            "`b`: element 1: expected u8, found u32)");

  // A prepared call takes it too.
  const PreparedCall upper = take(b.prepare("api", "upper"));
  const Val text = Val::string("abc");
  auto outcomes = upper(std::span(&text, 1));
  ASSERT_TRUE(outcomes);
  ASSERT_EQ(outcomes.ok_ref().size(), 1u);
  EXPECT_EQ(to_string(*take(std::move(outcomes.ok_ref()[0].result))), "\"ABC\"");

  // Last: a trap leaves the instance unusable.
  EXPECT_EQ(value("boom", list_of({1})),
            "error: runtime-exception: error while executing at wasm backtrace:\n"
            "    0:    0x165 - m!<wasm function 6>\n\nCaused by:\n"
            "    wasm trap: wasm `unreachable` instruction executed");
}

// The byte path's call with values leaves a value of another kind (which no
// checked or typed argument is) to the dynamic call, before calling anything.
TEST_F(Bytes, AValueOfAnotherKindIsLeftToTheDynamicCall) {
  auto b = binding({"p"});
  ASSERT_EQ(one(b, "reverse", bytes_of("ab")), bytes_of("ba")); // resolves the handles
  const auto state = detail::share(b);
  const auto slot = take(state->slot_of("api", "reverse")).index;
  const detail::ReadSection section;
  const detail::PlugState &plug = state->roster(section).plugs.front();
  const auto func = plug.funcs[slot].in(*plug.plugin);
  auto store = plug.plugin->store.context();
  Val result(false);
  const detail::BytesShape bytes{.input_is_string = false, .output_is_string = false};
  const detail::BytesShape text{.input_is_string = true, .output_is_string = false};
  EXPECT_FALSE(detail::call_bytes_with_values(text, func, store, Val(1u), result));
  EXPECT_FALSE(detail::call_bytes_with_values(text, func, store, list_of({1}), result));
  EXPECT_FALSE(detail::call_bytes_with_values(bytes, func, store, Val::string("a"), result));
  EXPECT_FALSE(detail::call_bytes_with_values(
      bytes, func, store, wasmtime::component::List({Val(std::uint8_t{1}), Val(2u)}), result));
  EXPECT_TRUE(result.is_bool()) << "nothing was called";
  auto called = detail::call_bytes_with_values(bytes, func, store, list_of({1, 2}), result);
  ASSERT_TRUE(called);
  ASSERT_TRUE(*called);
  EXPECT_EQ(to_string(result), "[2, 1]");
}

TEST_F(Bytes, StringsAndMixedShapes) {
  auto b = binding({"p"});
  EXPECT_EQ(one(b, "upper", bytes_of("héllo wörld")), bytes_of("HéLLO WöRLD"));
  EXPECT_EQ(one(b, "as-text", bytes_of("abc")), bytes_of("abc"));
  EXPECT_EQ(one(b, "as-bytes", bytes_of("xyz")), bytes_of("xyz"));
  EXPECT_EQ(one(b, "reverse", {}), std::vector<std::uint8_t>{}) << "nothing in, nothing out";
  EXPECT_EQ(one(b, "upper", {}), std::vector<std::uint8_t>{});
}

TEST_F(Bytes, EveryPluginInIdOrderEachWithItsOwnOutcome) {
  auto b = binding({"b", "a"});
  auto results = take(b.dispatch_bytes("api", "reverse", bytes_of("123")));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].id, "a");
  EXPECT_EQ(results[1].id, "b");
  EXPECT_EQ(take(std::move(results[0].result)), bytes_of("321"));
  auto trapped = take(b.dispatch_bytes("api", "boom", bytes_of("123")));
  ASSERT_EQ(trapped.size(), 2u);
  expect_error(trapped[0].result, DispatchError::Kind::runtime_exception,
               "runtime-exception: error while executing at wasm backtrace:\n"
               "    0:    0x165 - m!<wasm function 6>\n\nCaused by:\n"
               "    wasm trap: wasm `unreachable` instruction executed");
}

TEST_F(Bytes, AFunctionOfAnotherShapeFailsTheWholeDispatch) {
  auto b = binding({"p"});
  expect_error(b.dispatch_bytes("api", "count", bytes_of("abc")),
               DispatchError::Kind::invalid_argument_list,
               "invalid-argument-list (`test:bytes/api`.`count` is func(b: list<u8>) -> u32, not "
               "func(list<u8> or string) -> list<u8> or string)");
  expect_error(b.dispatch_bytes("api", "nope", {}), DispatchError::Kind::invalid_function,
               "invalid-function: nope");
  expect_error(b.dispatch_bytes("nope", "reverse", {}), DispatchError::Kind::invalid_interface_path,
               "invalid-interface-path: test:bytes/nope");
}

TEST_F(Bytes, AStringArgumentMustBeUtf8AndAStringResultIsChecked) {
  auto b = binding({"p"});
  const std::vector<std::uint8_t> not_utf8{0x66, 0xff, 0x6f};
  expect_error(b.dispatch_bytes("api", "upper", not_utf8),
               DispatchError::Kind::invalid_argument_list,
               "invalid-argument-list (`test:bytes/api`.`upper`: argument 0 `s`: a string must be "
               "UTF-8)");
  auto results = take(b.dispatch_bytes("api", "as-text", not_utf8));
  expect_error(results[0].result, DispatchError::Kind::runtime_exception,
               "runtime-exception: invalid utf-8 sequence of 1 bytes from index 1");
}

TEST_F(Bytes, PerCallLimitsApply) {
  auto b = binding({"p"}, {.fuel_per_call = [](const CallSite &) {
                     return std::optional<std::uint64_t>(1000);
                   }});
  EXPECT_EQ(one(b, "reverse", bytes_of("ok")), bytes_of("ko")) << "a small call fits the budget";
  auto results = take(b.dispatch_bytes("api", "reverse", std::vector<std::uint8_t>(4096, 7)));
  ASSERT_FALSE(results[0].result);
  EXPECT_TRUE(results[0].result.err_ref().payload().starts_with("fuel exhausted: "))
      << results[0].result.err_ref().payload();
  // A fresh plugin: running out of fuel leaves the instance unusable.
  auto fresh = binding({"p"}, {.fuel_per_call = [](const CallSite &) {
                         return std::optional<std::uint64_t>(1000);
                       }});
  const Val few = list_of(bytes_of("ok"));
  EXPECT_EQ(to_string(*take(take(fresh.dispatch("api", "reverse", std::span(&few, 1)))[0].result)),
            "[107, 111]");
  const Val many = list_of(std::vector<std::uint8_t>(4096, 7));
  auto with_values = take(fresh.dispatch("api", "reverse", std::span(&many, 1)));
  ASSERT_FALSE(with_values[0].result);
  EXPECT_TRUE(with_values[0].result.err_ref().payload().starts_with("fuel exhausted: "))
      << with_values[0].result.err_ref().payload();
}

// max_result_bytes counts a byte-path result in bytes, with values as with
// dispatch_bytes: 4 KiB back fits in 5,000, which the dynamic lift's values of
// 4,096 elements would exceed; 6 KiB does not.
TEST_F(Bytes, AResultIsCountedInBytesWithValuesToo) {
  auto b = binding({"p"}, {.max_result_bytes = 5000});
  const Val fits = list_of(std::vector<std::uint8_t>(4096, 1));
  auto results = take(b.dispatch("api", "reverse", std::span(&fits, 1)));
  ASSERT_TRUE(results[0].result) << results[0].result.err_ref().message();
  EXPECT_EQ(results[0].result.ok_ref()->get_list().size(), 4096u);
  EXPECT_EQ(one(b, "reverse", std::vector<std::uint8_t>(4096, 1)).size(), 4096u);
  const Val past = list_of(std::vector<std::uint8_t>(6144, 1));
  auto refused = take(b.dispatch("api", "reverse", std::span(&past, 1)));
  expect_error(refused[0].result, DispatchError::Kind::runtime_exception,
               "runtime-exception: result too large (max-result-bytes = 5000): too much data is "
               "being copied between the host and the guest: fuel allocated for hostcalls has "
               "been exhausted");
  auto refused_bytes = take(b.dispatch_bytes("api", "reverse", std::vector<std::uint8_t>(6144, 1)));
  expect_error(refused_bytes[0].result, DispatchError::Kind::runtime_exception,
               "runtime-exception: result too large (max-result-bytes = 5000): too much data is "
               "being copied between the host and the guest: fuel allocated for hostcalls has "
               "been exhausted");
}

// A plugin whose post-return overwrites its result, as one that frees it may
// (tests/bytes/clobber.wat): the result is read before post-return runs, with
// bytes and with values, whatever the guest's string encoding.
TEST(BytesPostReturn, TheResultIsReadBeforeThePluginsPostReturn) {
  wasmtime::Engine engine(default_config());
  wasmtime::component::Linker linker(engine);
  auto component = load(engine, "bytes/clobber.wat");
  auto b = take(Binding::create(
      "test:clobber",
      {{"api", take(Interface::from_component(engine, component, "test:clobber/api"))}},
      Cardinality::exactly_one, {{"p", take(Plugin(component).instantiate(engine, linker))}}));
  auto bytes = [&](std::string_view function, std::string_view text) {
    auto results = take(b.dispatch_bytes("api", function, bytes_of(text)));
    if (!results[0].result)
      return "error: " + results[0].result.err_ref().message();
    const auto &out = results[0].result.ok_ref();
    return std::string(out.begin(), out.end());
  };
  auto value = [&](std::string_view function, const Val &argument) {
    return first_value(b, function, argument);
  };
  EXPECT_EQ(bytes("echo-bytes", "abc"), "abc");
  EXPECT_EQ(bytes("echo-text", "wörd"), "wörd");
  EXPECT_EQ(bytes("echo-utf16", "wörd €"), "wörd €");
  EXPECT_EQ(bytes("echo-latin1", "wörd"), "wörd");
  EXPECT_EQ(bytes("echo-latin1", "€uro"), "€uro");
  EXPECT_EQ(bytes("echo-text", ""), "");
  EXPECT_EQ(value("echo-bytes", list_of({1, 2, 3})), "[1, 2, 3]");
  EXPECT_EQ(value("echo-text", Val::string("wörd")), "\"wörd\"");
  EXPECT_EQ(value("echo-utf16", Val::string("wörd €")), "\"wörd €\"");
  EXPECT_EQ(value("echo-latin1", Val::string("€uro")), "\"€uro\"");
}

// A trap in post-return, after the result was read, fails the call: the
// result read is dropped.
TEST(BytesPostReturn, ATrapInPostReturnFailsTheCall) {
  wasmtime::Engine engine(default_config());
  wasmtime::component::Linker linker(engine);
  auto component = load(engine, "bytes/clobber.wat");
  auto binding = [&] {
    return take(Binding::create(
        "test:clobber",
        {{"api", take(Interface::from_component(engine, component, "test:clobber/api"))}},
        Cardinality::exactly_one, {{"p", take(Plugin(component).instantiate(engine, linker))}}));
  };
  const std::string trapped = "runtime-exception: error while executing at wasm backtrace:\n";
  auto with_bytes = take(binding().dispatch_bytes("api", "echo-then-trap", bytes_of("abc")));
  ASSERT_FALSE(with_bytes[0].result);
  EXPECT_TRUE(with_bytes[0].result.err_ref().message().starts_with(trapped))
      << with_bytes[0].result.err_ref().message();
  const Val argument = list_of({1, 2});
  auto with_values = take(binding().dispatch("api", "echo-then-trap", std::span(&argument, 1)));
  ASSERT_FALSE(with_values[0].result);
  EXPECT_TRUE(with_values[0].result.err_ref().message().starts_with(trapped))
      << with_values[0].result.err_ref().message();
}

// A plugin whose store only Wasmtime's async call enters (it lowers an async
// import) takes the Val path, with the same results.
TEST(BytesAsync, APluginOnlyTheAsyncCallEntersTakesTheValPath) {
  wasmtime::Engine engine(concurrent_config());
  wasmtime::component::Linker linker(engine);
  const std::string text = with_lowered_async_import("bytes/bytes.wat");
  auto component = take(compile_component(engine, text, "bytes_async.wat"));
  auto child = take(Binding::create(
      "test:child", child_interfaces(), Cardinality::exactly_one,
      {{"c", take(Plugin(load(engine, "async/child_async.wat")).instantiate(engine, linker))}}));
  auto b = take(Binding::create(
      "test:bytes", {{"api", take(Interface::from_component(engine, component, "test:bytes/api"))}},
      Cardinality::exactly_one,
      {{"p", take(Plugin(component).link(engine, wasmtime::component::Linker(engine), {child}))}}));
  for (int i = 0; i < 2; ++i) { // the first call finds out, the second knows
    // The first call of all comes with a value: the byte path's call with
    // values is refused as dispatch_bytes' is, and the async call takes it.
    const Val text = Val::string("abc");
    auto with_value = take(b.dispatch("api", "upper", std::span(&text, 1)));
    EXPECT_EQ(to_string(*take(std::move(with_value[0].result))), "\"ABC\"");
    auto results = take(b.dispatch_bytes("api", "reverse", bytes_of("abc")));
    EXPECT_EQ(take(std::move(results[0].result)), bytes_of("cba"));
    auto upper = take(b.dispatch_bytes("api", "upper", bytes_of("abc")));
    EXPECT_EQ(take(std::move(upper[0].result)), bytes_of("ABC"));
  }
}

} // namespace
} // namespace wasm_link
