// The byte path (Binding::dispatch_bytes): list<u8> and string arguments and
// results cross the guest's memory as whole buffers, with the results the Val
// path gives, the same errors, limits and async plugins.
#include "support.hh"

#include <gtest/gtest.h>
#include <numeric>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
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
    auto results = take(b.dispatch_bytes("api", "reverse", bytes_of("abc")));
    EXPECT_EQ(take(std::move(results[0].result)), bytes_of("cba"));
    auto upper = take(b.dispatch_bytes("api", "upper", bytes_of("abc")));
    EXPECT_EQ(take(std::move(upper[0].result)), bytes_of("ABC"));
  }
}

} // namespace
} // namespace wasm_link
