// A consumer plugin calls a binding through its socket and sees the result in the
// shape its import declares for the binding's cardinality. The relay fixtures
// return exactly what their socket gave them, so the host sees the consumer's view.
#include "support.hh"

#include <atomic>
#include <gtest/gtest.h>
#include <thread>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

class Sockets : public ChildTest {
protected:
  Result<Binding> relay(const std::string &file, Binding socket) {
    auto component = load(engine, "sockets/" + file);
    auto instance = Plugin(component).link(engine, wasmtime::component::Linker(engine), {socket});
    if (!instance)
      return instance.err();
    auto interface = take(Interface::from_component(engine, component, "test:relay/root"));
    return Binding::create("test:relay", {{"root", interface}}, Cardinality::exactly_one,
                           {{"relay", instance.ok()}});
  }

  std::string relay_call(const Binding &relay, std::string_view function) {
    auto results = take(relay.dispatch("root", function, {}));
    const CallResult &result = results[0].result;
    if (!result)
      return "host error: " + result.err_ref().message();
    return to_string(*result.ok_ref());
  }
};

TEST_F(Sockets, ExactlyOneIsATupleOfIdAndResult) {
  auto binding = take(relay("relay_exactly_one.wat",
                            children(Cardinality::exactly_one, {{"a", child("child_a.wat")}})));
  EXPECT_EQ(relay_call(binding, "relay-get-value"), "(\"a\", ok(1))");
}

TEST_F(Sockets, FailingDependencyIsAnErrNotATrapOfTheConsumer) {
  auto binding = take(relay("relay_exactly_one.wat",
                            children(Cardinality::exactly_one, {{"a", child("child_a.wat")}})));
  EXPECT_EQ(
      relay_call(binding, "relay-trap"),
      R"w(("a", err(runtime-exception("error while executing at wasm backtrace:\n    0:     0x3e - m!<wasm function 1>\n\nCaused by:\n    wasm trap: wasm `unreachable` instruction executed"))))w");
}

TEST_F(Sockets, ResultWithoutErrorTypeGetsBareErr) {
  auto binding = take(relay("relay_exactly_one_bare.wat",
                            children(Cardinality::exactly_one, {{"a", child("child_a.wat")}})));
  EXPECT_EQ(relay_call(binding, "relay-get-value"), "(\"a\", ok(1))");
  EXPECT_EQ(relay_call(binding, "relay-trap"), "(\"a\", err)");
}

TEST_F(Sockets, FunctionWithoutResultIsOkWithoutPayload) {
  auto socket = take(Binding::create("test:child", {{"root", Interface().function("ping")}},
                                     Cardinality::exactly_one, {{"v", child("child_void.wat")}}));
  auto binding = take(relay("relay_void.wat", socket));
  EXPECT_EQ(relay_call(binding, "relay-ping"), "(\"v\", ok)");
}

TEST_F(Sockets, AtMostOneIsNoneWhenEmpty) {
  auto empty = take(relay("relay_at_most_one.wat", children(Cardinality::at_most_one, {})));
  EXPECT_EQ(relay_call(empty, "relay-get-value"), "none");
  auto full = take(relay("relay_at_most_one.wat",
                         children(Cardinality::at_most_one, {{"b", child("child_b.wat")}})));
  EXPECT_EQ(relay_call(full, "relay-get-value"), "some((\"b\", ok(2)))");
}

TEST_F(Sockets, ManyPluginsAsMapOrListInIdOrder) {
  for (auto cardinality : {Cardinality::at_least_one, Cardinality::any}) {
    auto plugs = [&] {
      return Binding::Plugs{{"b", child("child_b.wat")}, {"a", child("child_a.wat")}};
    };
    auto map = take(relay("relay_any_map.wat", children(cardinality, plugs())));
    EXPECT_EQ(relay_call(map, "relay-get-value"), "[(\"a\", ok(1)), (\"b\", ok(2))]");
    auto list = take(relay("relay_any_list.wat", children(cardinality, plugs())));
    EXPECT_EQ(relay_call(list, "relay-get-value"), "[(\"a\", ok(1)), (\"b\", ok(2))]");
  }
}

TEST_F(Sockets, AnyMayBeEmpty) {
  auto binding = take(relay("relay_any_map.wat", children(Cardinality::any, {})));
  EXPECT_EQ(relay_call(binding, "relay-get-value"), "[]");
}

TEST_F(Sockets, HostDispatchToManyPluginsGivesOneResultEach) {
  auto binding =
      children(Cardinality::any, {{"b", child("child_b.wat")}, {"a", child("child_a.wat")}});
  auto results = take(binding.dispatch("root", "get-value", {}));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].id, "a");
  EXPECT_EQ(to_string(*results[0].result.ok_ref()), "1");
  EXPECT_EQ(results[1].id, "b");
  EXPECT_EQ(to_string(*results.find("b")->ok_ref()), "2");
  EXPECT_EQ(results.find("c"), nullptr);
}

TEST_F(Sockets, HostDispatchToAnEmptyBindingGivesNoResults) {
  for (auto cardinality : {Cardinality::at_most_one, Cardinality::any}) {
    auto results = take(children(cardinality, {}).dispatch("root", "get-value", {}));
    EXPECT_TRUE(results.empty());
  }
  // Unknown names are still refused, even with no plugin to ask.
  expect_error(children(Cardinality::any, {}).dispatch("root", "get", {}),
               DispatchError::Kind::invalid_function, "invalid-function: get");
}

TEST_F(Sockets, ImportShapeThatDoesNotFitTheCardinalityIsALinkError) {
  auto binding =
      relay("relay_exactly_one.wat", children(Cardinality::any, {{"a", child("child_a.wat")}}));
  ASSERT_FALSE(binding);
  EXPECT_EQ(binding.err_ref().kind(), Error::Kind::link);
  EXPECT_EQ(binding.err_ref().message(),
            "socket `test:child`: import `test:child/root`: `get-value` returns "
            "tuple<string, result<u32, variant { lock-rejected, invalid-interface-path(string), "
            "invalid-function(string), missing-response, runtime-exception(string), "
            "invalid-argument-list, unsupported-type(string), executor-unavailable, "
            "resource-table-full, resource-handle-conversion-failed, invalid-resource-handle }>> "
            "(expected a map or a list, found tuple<string, result<u32, variant { lock-rejected, "
            "invalid-interface-path(string), invalid-function(string), missing-response, "
            "runtime-exception(string), invalid-argument-list, unsupported-type(string), "
            "executor-unavailable, resource-table-full, resource-handle-conversion-failed, "
            "invalid-resource-handle }>>), but any sockets return map<string, result<T, E>> or "
            "list<tuple<string, result<T, E>>>");
}

// Every error the runtime cannot name in the consumer's variant arrives as
// `runtime-exception`, so the variant must have that case.
TEST_F(Sockets, ErrorVariantWithoutRuntimeExceptionIsALinkError) {
  auto component = take(compile_component(
      engine,
      fixture_text("sockets/relay_exactly_one.wat", "(case \"runtime-exception\" string)", ""),
      "relay_exactly_one.wat"));
  auto linked =
      Plugin(component).link(engine, wasmtime::component::Linker(engine),
                             {children(Cardinality::exactly_one, {{"a", child("child_a.wat")}})});
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.err().kind(), Error::Kind::link);
  EXPECT_EQ(linked.err().message(),
            "socket `test:child`: import `test:child/root`: `get-value` returns tuple<string, "
            "result<u32, variant { lock-rejected, invalid-interface-path(string), "
            "invalid-function(string), missing-response, invalid-argument-list, "
            "unsupported-type(string), executor-unavailable, resource-table-full, "
            "resource-handle-conversion-failed, invalid-resource-handle }>> (the error variant has "
            "no `runtime-exception` case), but exactly-one sockets return tuple<string, "
            "result<T, E>>");
}

TEST_F(Sockets, ImportOfAFunctionTheBindingLacksIsALinkError) {
  auto socket = take(Binding::create("test:child", {{"root", Interface().function("get-value")}},
                                     Cardinality::exactly_one, {{"a", child("child_a.wat")}}));
  auto binding = relay("relay_exactly_one.wat", socket);
  ASSERT_FALSE(binding);
  EXPECT_EQ(binding.err_ref().message(),
            "socket `test:child`: import `test:child/root` asks for function `trap`, which "
            "interface `root` of the binding does not have");
}

TEST_F(Sockets, DeepNestingCallsThroughEveryLevel) {
  // top -> relay -> child: each level sees the one below in its socket's shape.
  auto relay_binding = take(relay(
      "relay_exactly_one.wat", children(Cardinality::exactly_one, {{"c", child("child_a.wat")}})));
  auto component = load(engine, "sockets/top_of_relay.wat");
  auto top =
      take(Plugin(component).link(engine, wasmtime::component::Linker(engine), {relay_binding}));
  auto top_binding = take(Binding::create(
      "test:top", {{"root", take(Interface::from_component(engine, component, "test:top/root"))}},
      Cardinality::exactly_one, {{"top", top}}));
  EXPECT_EQ(relay_call(top_binding, "top-get-value"), "(\"relay\", ok((\"c\", ok(1))))");
}

TEST_F(Sockets, SharedDependencyIsOneInstance) {
  // b -> d and c -> d through one binding: both reach the same instance of d,
  // whose counter they advance in turn, and so does the host.
  auto d = children(Cardinality::exactly_one, {{"d", child("child_counter.wat")}});
  auto b = take(relay("relay_exactly_one.wat", d));
  auto c = take(relay("relay_exactly_one.wat", d));
  EXPECT_EQ(relay_call(b, "relay-get-value"), "(\"d\", ok(1))");
  EXPECT_EQ(relay_call(c, "relay-get-value"), "(\"d\", ok(2))");
  auto direct = take(d.dispatch("root", "get-value", {}));
  EXPECT_EQ(to_string(*direct[0].result.ok_ref()), "3");
  EXPECT_EQ(relay_call(b, "relay-get-value"), "(\"d\", ok(4))");
}

TEST_F(Sockets, SeveralSocketsOfMixedCardinalityAndOneInterfaceNameInTwoPackages) {
  auto one = children(Cardinality::exactly_one, {{"a", child("child_a.wat")}});
  auto many =
      take(Binding::create("test:other", child_interfaces(), Cardinality::any,
                           {{"x", child("child_other.wat")}, {"y", child("child_other.wat")}}));
  auto component = load(engine, "sockets/two_sockets.wat");
  auto both =
      take(Plugin(component).link(engine, wasmtime::component::Linker(engine), {one, many}));
  auto binding = take(Binding::create(
      "test:both", {{"root", take(Interface::from_component(engine, component, "test:both/root"))}},
      Cardinality::exactly_one, {{"both", both}}));
  EXPECT_EQ(relay_call(binding, "one"), "(\"a\", ok(1))");
  EXPECT_EQ(relay_call(binding, "many"), "[(\"x\", ok(5)), (\"y\", ok(5))]");
}

TEST_F(Sockets, GraphDispatchedFromSeveralThreadsAtOnce) {
  // Four threads call through two consumers into one shared dependency: every
  // call arrives exactly once, none is refused, nothing deadlocks.
  auto d = children(Cardinality::exactly_one, {{"d", child("child_counter.wat")}});
  auto b = take(relay("relay_exactly_one.wat", d));
  auto c = take(relay("relay_exactly_one.wat", d));
  constexpr int threads = 4, per_thread = 100;
  std::atomic<int> failures = 0;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      const Binding &consumer = t % 2 ? b : c;
      for (int i = 0; i < per_thread; ++i) {
        auto results = consumer.dispatch("root", "relay-get-value", {});
        if (!results || !results.ok_ref()[0].result ||
            to_string(*results.ok_ref()[0].result.ok_ref()).find("ok(") == std::string::npos)
          ++failures;
      }
    });
  for (auto &worker : workers)
    worker.join();
  EXPECT_EQ(failures, 0);
  auto direct = take(d.dispatch("root", "get-value", {}));
  EXPECT_EQ(to_string(*direct[0].result.ok_ref()), std::to_string(threads * per_thread + 1));
}

} // namespace
} // namespace wasm_link
