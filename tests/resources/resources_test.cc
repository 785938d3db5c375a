// Resources across plugins (docs/ABI.md, "Resources across plugins"): handles a
// plugin returns are wrapped, methods go to the plugin that made `self`, drops
// reach the owner's destructor, and handles that are not live are refused
// before any plugin sees them. counters.wat implements `test:res/counters`.
#include "memory.hh"
#include "support.hh"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <thread>

namespace wasm_link::testing {
namespace {

using wasmtime::component::ResourceAny;

class Resources : public ::testing::Test {
protected:
  wasmtime::Engine engine = make_engine();
  wasmtime::component::Linker linker{engine};

  PluginInstance plugin(std::uint32_t tag, Limits limits = {}) {
    return take(
        Plugin(counters(engine, tag)).with_limits(std::move(limits)).instantiate(engine, linker));
  }

  Binding binding(std::vector<Plug> plugs, Cardinality cardinality = Cardinality::any) {
    auto component = counters(engine, 0);
    auto interface = take(Interface::from_component(engine, component, "test:res/counters"));
    return take(
        Binding::create("test:res", {{"counters", interface}}, cardinality, std::move(plugs)));
  }

  // The one result of plugin `id`, which must be ok and hold a value.
  static Val value_of(const DispatchResults &results, std::string_view id) {
    const CallResult *result = results.find(id);
    if (result == nullptr)
      throw std::runtime_error("no result for " + std::string(id));
    if (!*result)
      throw std::runtime_error(result->err_ref().message());
    return *result->ok_ref();
  }

  static std::uint32_t u32(const Binding &b, std::string_view function, std::string_view id,
                           std::vector<Val> args = {}) {
    return value_of(take(b.dispatch("counters", function, args)), id).get_u32();
  }

  // app.wat linked to `counters` through its socket.
  Binding app_over(const Binding &counters, const std::string &file = "resources/app.wat") {
    auto component = load(engine, file);
    auto interface = take(Interface::from_component(engine, component, "test:app/run"));
    auto app =
        take(Plugin(component).link(engine, wasmtime::component::Linker(engine), {counters}));
    return take(Binding::create("test:app", {{"run", interface}}, Cardinality::exactly_one,
                                {{"app", app}}));
  }

  static CallResult run(const Binding &app, std::string_view function, std::vector<Val> args = {}) {
    auto results = take(app.dispatch("run", function, args));
    return *results.find("app");
  }
  static std::uint32_t run_u32(const Binding &app, std::string_view function,
                               std::vector<Val> args = {}) {
    auto result = run(app, function, std::move(args));
    if (!result)
      throw std::runtime_error(result.err_ref().message());
    return result.ok_ref()->get_u32();
  }
};

TEST_F(Resources, BindingListsTheResourcesOfItsInterfaces) {
  auto b = binding({{"a", plugin(0)}});
  EXPECT_EQ(b.interfaces().at("counters").resources(), Interface::Resources{"counter"});
}

TEST_F(Resources, SignaturesNameTheBindingsResources) {
  auto b = binding({{"a", plugin(0)}});
  EXPECT_EQ(b.signature("counters", "[method]counter.get"), "func(self: borrow<counter>) -> u32");
  EXPECT_EQ(b.signature("counters", "make-many"), "func(n: u32) -> list<own<counter>>");
  EXPECT_EQ(b.signature("counters", "nope"), std::nullopt);
  EXPECT_EQ(b.signature("nope", "make"), std::nullopt);
  EXPECT_EQ(type_name(*b.function_type("counters", "make")), "func(start: u32) -> own<resource>")
      << "without names, a handle's resource is not known";
}

TEST_F(Resources, SignaturesOfAFunctionTypeFixedByAPluginNameItsResources) {
  Interface hand_written;
  hand_written.resource("counter").function("[method]counter.get");
  auto b = take(Binding::create("test:res", {{"counters", hand_written}}, Cardinality::any,
                                {{"a", plugin(0)}}));
  EXPECT_EQ(b.signature("counters", "[method]counter.get"), "func(self: borrow<counter>) -> u32");
}

TEST(Interfaces, SignatureIsNothingWithoutAType) {
  Interface hand_written;
  hand_written.function("f");
  auto b = take(Binding::create("test:x", {{"i", hand_written}}, Cardinality::any, {}));
  EXPECT_EQ(b.signature("i", "f"), std::nullopt);
}

// Arguments of a function that can take handles are checked before the call is
// routed to the handles' owner: a mismatch fails the whole dispatch.
TEST_F(Resources, ArgumentsThatDoNotFitAHandleTakingFunctionFailTheWholeDispatch) {
  auto b = binding({{"a", plugin(0)}, {"b", plugin(1000)}});
  Val from_a =
      value_of(take(b.dispatch_to("a", "counters", "make", std::vector<Val>{Val(3u)})), "a");
  expect_error(
      b.dispatch("counters", "[method]counter.add", std::vector<Val>{from_a, Val::string("five")}),
      DispatchError::Kind::invalid_argument_list,
      "invalid-argument-list (`test:res/counters`.`[method]counter.add`: argument 1 `n`: "
      "expected u32, found string)");
}

TEST_F(Resources, DispatchToCallsOnePlugin) {
  auto b = binding({{"a", plugin(0)}, {"b", plugin(1000)}});
  auto made = take(b.dispatch_to("b", "counters", "make", std::vector<Val>{Val(1u)}));
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].id, "b");
  EXPECT_EQ(u32(b, "[static]counter.live", "a"), 0u) << "a made no counter";
  EXPECT_EQ(u32(b, "[static]counter.live", "b"), 1u);
  EXPECT_EQ(take(b.dispatch_to("c", "counters", "make", std::vector<Val>{Val(1u)})).size(), 0u);
  EXPECT_EQ(b.dispatch_to("a", "counters", "nope", {}).err().message(), "invalid-function: nope");
}

TEST_F(Resources, DispatchToAnotherPluginThanSelfsOwnerIsThatPluginsError) {
  auto b = binding({{"a", plugin(0)}, {"b", plugin(1000)}});
  Val from_a =
      value_of(take(b.dispatch_to("a", "counters", "make", std::vector<Val>{Val(3u)})), "a");
  auto owner =
      take(b.dispatch_to("a", "counters", "[method]counter.get", std::vector<Val>{from_a}));
  EXPECT_EQ(value_of(owner, "a").get_u32(), 3u);
  auto other =
      take(b.dispatch_to("b", "counters", "[method]counter.get", std::vector<Val>{from_a}));
  ASSERT_EQ(other.size(), 1u);
  ASSERT_FALSE(other[0].result);
  EXPECT_EQ(other[0].result.err_ref().message(),
            "invalid-resource-handle (the handles passed belong to plugin `a`)");
}

TEST_F(Resources, ConstructorResultIsWrappedAndMethodsGoToTheOwner) {
  auto b = binding({{"a", plugin(0)}, {"b", plugin(1000)}});
  auto made = take(b.dispatch("counters", "[constructor]counter", std::vector<Val>{Val(7u)}));
  ASSERT_EQ(made.size(), 2u);
  Val from_a = value_of(made, "a"), from_b = value_of(made, "b");
  ASSERT_TRUE(from_a.is_resource());
  EXPECT_EQ(b.live_handles(), 2u);

  for (auto [handle, id, expected] :
       {std::tuple{from_a, "a", 7u}, std::tuple{from_b, "b", 1007u}}) {
    auto got = take(b.dispatch("counters", "[method]counter.get", std::vector<Val>{handle}));
    ASSERT_EQ(got.size(), 1u) << "a method goes to one plugin";
    EXPECT_EQ(got[0].id, id);
    EXPECT_EQ(value_of(got, id).get_u32(), expected);
  }
  // The handle stays the host's after a method call: it can be used again.
  take(b.dispatch("counters", "[method]counter.add", std::vector<Val>{from_a, Val(5u)}));
  EXPECT_EQ(
      value_of(take(b.dispatch("counters", "[method]counter.get", std::vector<Val>{from_a})), "a")
          .get_u32(),
      12u);
}

TEST_F(Resources, HostDropRunsTheOwnersDestructor) {
  auto b = binding({{"a", plugin(0)}, {"b", plugin(1000)}});
  auto made = take(b.dispatch("counters", "make", std::vector<Val>{Val(1u)}));
  EXPECT_EQ(u32(b, "[static]counter.live", "a"), 1u);
  take(b.drop(value_of(made, "a").get_resource()));
  EXPECT_EQ(u32(b, "destroyed", "a"), 1u);
  EXPECT_EQ(u32(b, "[static]counter.live", "a"), 0u);
  EXPECT_EQ(u32(b, "[static]counter.live", "b"), 1u) << "b's counter is b's to drop";
  EXPECT_EQ(b.live_handles(), 1u);
}

TEST_F(Resources, DroppedHandleIsRefusedAndNeverReachesTheOwner) {
  auto b = binding({{"a", plugin(0)}});
  Val handle = value_of(take(b.dispatch("counters", "make", std::vector<Val>{Val(1u)})), "a");
  take(b.drop(handle.get_resource()));

  expect_error(b.drop(handle.get_resource()), DispatchError::Kind::invalid_resource_handle,
               "invalid-resource-handle (the handle was already dropped or given away)");
  expect_error(b.dispatch("counters", "[method]counter.get", std::vector<Val>{handle}),
               DispatchError::Kind::invalid_resource_handle,
               "invalid-resource-handle (argument 0 `self`: the handle was already dropped or "
               "given away)");
  // The plugin never saw it, so it still answers (Wasmtime would otherwise
  // never enter it again).
  EXPECT_EQ(u32(b, "destroyed", "a"), 1u);
}

// Refusing a dropped handle costs nothing that stays: the handle reader is not
// made again in the binding's store (it was, 1.2 KB a refusal), and it still
// reads live handles afterwards.
TEST_F(Resources, RefusedHandlesCostNothingThatStays) {
  auto b = binding({{"a", plugin(0)}});
  Val stale = value_of(take(b.dispatch("counters", "make", std::vector<Val>{Val(1u)})), "a");
  take(b.drop(stale.get_resource()));
  Val live = value_of(take(b.dispatch("counters", "make", std::vector<Val>{Val(9u)})), "a");
  for (int i = 0; i < 1000; ++i) // the allocator's first growth
    ASSERT_FALSE(b.dispatch("counters", "[method]counter.get", std::vector<Val>{stale}));
  const long resident_before = resident_kib(), held_before = held_kib();
  for (int i = 0; i < 100'000; ++i)
    ASSERT_FALSE(b.dispatch("counters", "[method]counter.get", std::vector<Val>{stale}));
  EXPECT_LT(held_kib() - held_before, 8 * 1024) << "KiB of heap kept by 100,000 refusals";
  if (!sanitized) { // ASan's quarantine keeps freed memory resident for a while
    EXPECT_LT(resident_kib() - resident_before, 8 * 1024) << "KiB kept by 100,000 refusals";
  }
  expect_error(b.dispatch("counters", "[method]counter.get", std::vector<Val>{stale}),
               DispatchError::Kind::invalid_resource_handle,
               "invalid-resource-handle (argument 0 `self`: the handle was already dropped or "
               "given away)");
  EXPECT_EQ(
      value_of(take(b.dispatch("counters", "[method]counter.get", std::vector<Val>{live})), "a")
          .get_u32(),
      9u);
}

TEST_F(Resources, HandleFromAnotherBindingIsRefused) {
  auto first = binding({{"a", plugin(0)}});
  auto second = binding({{"a", plugin(0)}});
  Val handle = value_of(take(first.dispatch("counters", "make", std::vector<Val>{Val(1u)})), "a");
  auto call = second.dispatch("counters", "[method]counter.get", std::vector<Val>{handle});
  ASSERT_FALSE(call);
  EXPECT_EQ(call.err().message(), "invalid-resource-handle (argument 0 `self`: the handle is not "
                                  "one this binding gave out for this resource)");
  auto drop = second.drop(handle.get_resource());
  ASSERT_FALSE(drop);
  EXPECT_EQ(drop.err().message(),
            "invalid-resource-handle (the handle is not one binding `test:res` gave out)");
  EXPECT_EQ(u32(second, "destroyed", "a"), 0u);
  EXPECT_EQ(u32(first, "[static]counter.live", "a"), 1u);
}

TEST_F(Resources, ForgedHostHandleIsRefused) {
  auto b = binding({{"a", plugin(0)}});
  wasmtime::Store store(engine);
  Val forged(take(wasmtime::component::ResourceHost(true, 1, 1).to_any(store.context())));
  expect_error(b.dispatch("counters", "[method]counter.get", std::vector<Val>{forged}),
               DispatchError::Kind::invalid_resource_handle,
               "invalid-resource-handle (argument 0 `self`: the handle is not one this binding "
               "gave out for this resource)");
}

TEST_F(Resources, HandlesNestedInListsRecordsAndOptionsAreWrapped) {
  auto b = binding({{"a", plugin(0)}});
  Val many = value_of(take(b.dispatch("counters", "make-many", std::vector<Val>{Val(3u)})), "a");
  ASSERT_EQ(many.get_list().size(), 3u);
  EXPECT_EQ(b.live_handles(), 3u);
  std::uint32_t i = 0;
  for (const Val &handle : many.get_list()) {
    auto got = take(b.dispatch("counters", "[method]counter.get", std::vector<Val>{handle}));
    EXPECT_EQ(value_of(got, "a").get_u32(), i++);
  }
  Val boxed = value_of(take(b.dispatch("counters", "make-boxed", std::vector<Val>{Val(9u)})), "a");
  const Val *inner = nullptr;
  for (const auto &field : boxed.get_record())
    if (field.name() == "counter")
      inner = field.value().get_option().value();
  ASSERT_NE(inner, nullptr);
  auto got = take(b.dispatch("counters", "[method]counter.get", std::vector<Val>{*inner}));
  EXPECT_EQ(value_of(got, "a").get_u32(), 9u);
  EXPECT_EQ(b.live_handles(), 4u);
}

TEST_F(Resources, OwnArgumentGivesTheHandleBackToItsOwner) {
  auto b = binding({{"a", plugin(0)}, {"b", plugin(1000)}});
  auto made = take(b.dispatch("counters", "make", std::vector<Val>{Val(4u)}));
  Val handle = value_of(made, "b");
  auto consumed = take(b.dispatch("counters", "consume", std::vector<Val>{handle}));
  // Only b owns the handle: a is not called with it.
  expect_error(*consumed.find("a"), DispatchError::Kind::invalid_resource_handle,
               "invalid-resource-handle (the handles passed belong to plugin `b`)");
  EXPECT_EQ(value_of(consumed, "b").get_u32(), 4u);
  EXPECT_EQ(u32(b, "destroyed", "b"), 1u) << "consume dropped it inside b";
  EXPECT_EQ(b.live_handles(), 1u) << "only a's handle is left";
  expect_error(b.dispatch("counters", "[method]counter.get", std::vector<Val>{handle}),
               DispatchError::Kind::invalid_resource_handle,
               "invalid-resource-handle (argument 0 `self`: the handle was already dropped or "
               "given away)");
}

TEST_F(Resources, FullHandleTableIsRefusedAndTheHandlesAreDroppedInTheOwner) {
  Limits limits;
  limits.max_resource_handles = 10;
  auto b = binding({{"a", plugin(0, limits)}});
  auto made = take(b.dispatch("counters", "make-many", std::vector<Val>{Val(11u)}));
  const CallResult *result = made.find("a");
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->err_ref().message(),
            "resource-table-full (plugin `a`: the plugin already has 10 live handles wrapped "
            "(max-resource-handles = 10))");
  EXPECT_EQ(b.live_handles(), 0u);
  EXPECT_EQ(u32(b, "[static]counter.live", "a"), 0u) << "all 11 were dropped in the plugin";
  EXPECT_EQ(u32(b, "destroyed", "a"), 11u);
  // Below the cap it works again.
  take(b.dispatch("counters", "make-many", std::vector<Val>{Val(10u)}));
  EXPECT_EQ(b.live_handles(), 10u);
}

TEST_F(Resources, DroppingTheBindingDropsItsHandlesInTheirOwners) {
  auto owner = plugin(0);
  {
    auto b = binding({{"a", owner}});
    take(b.dispatch("counters", "make-many", std::vector<Val>{Val(5u)}));
  }
  auto b = binding({{"a", owner}});
  EXPECT_EQ(u32(b, "destroyed", "a"), 5u);
}

TEST_F(Resources, HundredThousandCyclesThroughASocketLeaveNoHandlesBehind) {
  auto counters = binding({{"a", plugin(0)}}, Cardinality::exactly_one);
  auto app = app_over(counters);
  EXPECT_EQ(run_u32(app, "cycles", {Val(100'000u)}), 100'000u);
  EXPECT_EQ(counters.live_handles(), 0u) << "the runtime's table is empty";
  EXPECT_EQ(u32(counters, "[static]counter.live", "a"), 0u) << "so is the owner's";
  EXPECT_EQ(u32(counters, "destroyed", "a"), 100'000u) << "every destructor ran";
}

TEST_F(Resources, ConsumerDropRunsTheOwnersDestructor) {
  auto counters = binding({{"a", plugin(0)}}, Cardinality::exactly_one);
  auto app = app_over(counters);
  Val handle(run_u32(app, "keep", {Val(5u)}));
  EXPECT_EQ(run_u32(app, "owner-live"), 1u);
  EXPECT_EQ(counters.live_handles(), 1u);
  EXPECT_EQ(run_u32(app, "get", {handle}), 5u);
  ASSERT_TRUE(run(app, "release", {handle}));
  EXPECT_EQ(run_u32(app, "owner-destroyed"), 1u);
  EXPECT_EQ(counters.live_handles(), 0u);
}

TEST_F(Resources, ConsumerCallsTheConstructorUnderItsPlainType) {
  auto counters = binding({{"a", plugin(1000)}}, Cardinality::exactly_one);
  auto app = app_over(counters);
  Val handle(run_u32(app, "construct", {Val(5u)}));
  EXPECT_EQ(run_u32(app, "get", {handle}), 1005u);
  ASSERT_TRUE(run(app, "release", {handle}));
  EXPECT_EQ(u32(counters, "destroyed", "a"), 1u);
}

TEST_F(Resources, ConsumersForgedHandleStopsAtTheConsumer) {
  auto counters = binding({{"a", plugin(0)}}, Cardinality::exactly_one);
  auto app = app_over(counters);
  run_u32(app, "keep", {Val(5u)});
  expect_error(run(app, "get", {Val(77u)}), DispatchError::Kind::runtime_exception,
               "runtime-exception: error while executing at wasm backtrace:\n"
               "    0:    0x31b - m!get-one\n"
               "    1:    0x374 - m!<wasm function 11>\n"
               "\n"
               "Caused by:\n"
               "    unknown handle index 77");
  // The owner never saw it: it still answers, its counter intact.
  EXPECT_EQ(u32(counters, "[static]counter.live", "a"), 1u);
  EXPECT_EQ(u32(counters, "destroyed", "a"), 0u);
}

TEST_F(Resources, HandlesOfARestartedOwnerAreInvalid) {
  auto owner = plugin(0);
  auto counters = binding({{"a", owner}}, Cardinality::exactly_one);
  auto app = app_over(counters);
  Val handle(run_u32(app, "keep", {Val(5u)}));
  take(owner.restart(linker));
  EXPECT_EQ(run_u32(app, "get", {handle}), 0xffff'ffffu) << "an err, not the new instance's data";
  ASSERT_TRUE(run(app, "release", {handle}));
  EXPECT_EQ(counters.live_handles(), 0u);
  EXPECT_EQ(u32(counters, "destroyed", "a"), 0u) << "the new instance is not asked to drop it";
}

// The host's handle, unlike a consumer's, reaches the call: the runtime, not
// Wasmtime, refuses it, and says why.
TEST_F(Resources, HostHandlesOfARestartedOwnerAreRefusedSayingSo) {
  auto owner = plugin(0);
  auto b = binding({{"a", owner}});
  Val handle = value_of(take(b.dispatch("counters", "make", std::vector<Val>{Val(5u)})), "a");
  take(owner.restart(linker));
  auto got = take(b.dispatch("counters", "[method]counter.get", std::vector<Val>{handle}));
  ASSERT_EQ(got.size(), 1u);
  ASSERT_FALSE(got[0].result);
  EXPECT_EQ(got[0].result.err_ref().message(),
            "invalid-resource-handle (plugin `a`, `test:res/counters`.`[method]counter.get`: the "
            "plugin was restarted since it gave out the handle)");
  EXPECT_EQ(u32(b, "[static]counter.live", "a"), 0u) << "the new instance has no counter";
  take(b.drop(handle.get_resource()));
  EXPECT_EQ(u32(b, "destroyed", "a"), 0u) << "nor is it asked to drop the old one";
  EXPECT_EQ(b.live_handles(), 0u);
}

TEST_F(Resources, HandleFloodHitsOnlyTheFloodingPlugin) {
  Limits small;
  small.max_resource_handles = 100;
  auto b = binding({{"flood", plugin(0, small)}, {"quiet", plugin(1000)}});
  std::size_t refused = 0;
  for (int round = 0; round < 5; ++round) {
    auto made = take(b.dispatch("counters", "make-many", std::vector<Val>{Val(40u)}));
    if (const CallResult &flood = *made.find("flood"); !flood) {
      ++refused;
      EXPECT_EQ(flood.err_ref().message(),
                "resource-table-full (plugin `flood`: the plugin already has 100 live handles "
                "wrapped (max-resource-handles = 100))");
    }
    ASSERT_TRUE(*made.find("quiet")) << "the other plugin keeps working";
  }
  EXPECT_EQ(refused, 3u) << "40 + 40 fit under 100; the next three rounds do not";
  EXPECT_EQ(u32(b, "[static]counter.live", "flood"), 80u) << "refused handles were dropped";
  EXPECT_EQ(u32(b, "[static]counter.live", "quiet"), 200u);
  EXPECT_EQ(b.live_handles(), 280u);
}

TEST(UnsupportedTypes, FutureAndStreamAreRefusedBeforeThePluginRuns) {
  wasmtime::Engine engine(concurrent_config()); // which future and stream types need
  wasmtime::component::Linker linker(engine);
  auto component = load(engine, "resources/future.wat");
  auto interface = take(Interface::from_component(engine, component, "test:res/futures"));
  auto plugin = take(Plugin(component).instantiate(engine, linker));
  auto b = take(Binding::create("test:res", {{"futures", interface}}, Cardinality::exactly_one,
                                {{"p", plugin}}));
  auto later = take(b.dispatch("futures", "later", {}));
  ASSERT_FALSE(later[0].result);
  EXPECT_EQ(later[0].result.err_ref().kind(), DispatchError::Kind::unsupported_type);
  EXPECT_EQ(later[0].result.err_ref().payload(), "future<u32>");
  auto feed = take(b.dispatch("futures", "feed", std::vector<Val>{Val(false)}));
  ASSERT_FALSE(feed[0].result);
  EXPECT_EQ(feed[0].result.err_ref().message(), "unsupported-type: stream<u8>");
}

TEST_F(Resources, TwoPluginsOfAnAnySocketEachGetTheirOwnMethodCalls) {
  auto counters = binding({{"a", plugin(0)}, {"b", plugin(1000)}}, Cardinality::any);
  auto app = app_over(counters, "resources/app_any.wat");
  // a's counter reads 5, b's 1005: each `get` reached the plugin that made it.
  EXPECT_EQ(run_u32(app, "sum-all", {Val(5u)}), 1010u);
  EXPECT_EQ(counters.live_handles(), 0u);
  EXPECT_EQ(u32(counters, "destroyed", "a"), 1u);
  EXPECT_EQ(u32(counters, "destroyed", "b"), 1u);
}

// Through an `any` socket, a call with handles goes to their owner; every
// other plugin's entry says whose the handles are.
TEST_F(Resources, AnySocketTellsTheOtherPluginsWhoseHandlesTheyAre) {
  auto counters = binding({{"a", plugin(0)}, {"b", plugin(1000)}}, Cardinality::any);
  auto app = app_over(counters, "resources/app_any_errors.wat");
  auto consumed = run(app, "consume-first", {Val(4u)});
  ASSERT_TRUE(consumed) << consumed.err_ref().message();
  EXPECT_EQ(to_string(*consumed.ok_ref()),
            "[(\"a\", ok(4)), (\"b\", err(\"invalid-resource-handle (the handles passed belong "
            "to plugin `a`)\"))]");
  EXPECT_EQ(counters.live_handles(), 0u);
  EXPECT_EQ(u32(counters, "destroyed", "a"), 1u) << "consume dropped a's counter in a";
  EXPECT_EQ(u32(counters, "destroyed", "b"), 1u) << "the consumer dropped b's";
}

// An error whose case the consumer's dispatch-error variant does not declare
// reaches it as `runtime-exception` with the whole message.
TEST_F(Resources, AnErrorCaseTheConsumerLacksArrivesAsRuntimeException) {
  auto counters = binding({{"a", plugin(0, {.max_resource_handles = 0})}}, Cardinality::any);
  auto app = app_over(counters, "resources/app_any_errors.wat");
  auto made = run(app, "make-all", {Val(1u)});
  ASSERT_TRUE(made) << made.err_ref().message();
  EXPECT_EQ(to_string(*made.ok_ref()),
            "[(\"a\", err(runtime-exception(\"resource-table-full (plugin `a`: the plugin already "
            "has 0 live handles wrapped (max-resource-handles = 0))\")))]");
}

TEST_F(Resources, ConsumersOnFourThreadsShareOneOwner) {
  auto counters = binding({{"a", plugin(0)}}, Cardinality::exactly_one);
  std::vector<Binding> apps;
  for (int i = 0; i < 4; ++i)
    apps.push_back(app_over(counters));
  std::vector<std::thread> threads;
  std::vector<std::uint32_t> done(apps.size());
  for (std::size_t i = 0; i < apps.size(); ++i)
    threads.emplace_back([&, i] { done[i] = run_u32(apps[i], "cycles", {Val(2'000u)}); });
  for (auto &thread : threads)
    thread.join();
  EXPECT_EQ(done, std::vector<std::uint32_t>(4, 2'000u));
  EXPECT_EQ(counters.live_handles(), 0u);
  EXPECT_EQ(u32(counters, "destroyed", "a"), 8'000u);
}

TEST(ResourceDrops, DropAskedForInsideACallIntoTheOwnerRunsAfterIt) {
  // A per-call budget callback runs inside the call, holding the owner's lock:
  // a drop asked for there cannot run at once and is done before the next call.
  wasmtime::Config config = default_config();
  config.consume_fuel(true);
  wasmtime::Engine engine(std::move(config));
  wasmtime::component::Linker linker(engine);
  std::optional<Binding> b;
  std::optional<Val> doomed;
  Limits limits;
  limits.initial_fuel = 1'000'000;
  limits.fuel_per_call = [&](const CallSite &site) {
    if (doomed && site.function == "[static]counter.live") {
      EXPECT_TRUE(b->drop(std::exchange(doomed, std::nullopt)->get_resource()));
    }
    return std::optional<std::uint64_t>(1'000'000);
  };
  auto component = load(engine, "resources/counters.wat");
  auto interface = take(Interface::from_component(engine, component, "test:res/counters"));
  auto plugin = take(Plugin(component).with_limits(limits).instantiate(engine, linker));
  b = take(Binding::create("test:res", {{"counters", interface}}, Cardinality::exactly_one,
                           {{"a", plugin}}));
  doomed = *take(b->dispatch("counters", "make", std::vector<Val>{Val(1u)}))[0].result.ok_ref();
  auto live = take(b->dispatch("counters", "[static]counter.live", {}));
  EXPECT_EQ(live[0].result.ok_ref()->get_u32(), 1u) << "the drop waits for this call to end";
  EXPECT_EQ(b->live_handles(), 0u) << "the wrapper is gone at once";
  auto destroyed = take(b->dispatch("counters", "destroyed", {}));
  EXPECT_EQ(destroyed[0].result.ok_ref()->get_u32(), 1u) << "and the destructor ran before this";
}

// A destructor is a call into its owner like any other: the owner's per-call
// limits are applied before it runs, and the callbacks are told what runs.
TEST(ResourceDrops, TheDestructorRunsUnderTheOwnersPerCallLimits) {
  wasmtime::Config config = default_config();
  config.consume_fuel(true);
  wasmtime::Engine engine(std::move(config));
  wasmtime::component::Linker linker(engine);
  std::vector<std::string> sites;
  Limits limits;
  limits.initial_fuel = 1'000'000;
  limits.fuel_per_call = [&](const CallSite &site) {
    sites.push_back(std::string(site.interface_path) + " " + std::string(site.function) +
                    (site.metadata.kind == FunctionKind::method
                         ? " (method of `" + site.metadata.resource + "`)"
                         : ""));
    return std::optional<std::uint64_t>(1'000'000);
  };
  auto component = load(engine, "resources/counters.wat");
  auto interface = take(Interface::from_component(engine, component, "test:res/counters"));
  auto plugin = take(Plugin(component).with_limits(limits).instantiate(engine, linker));
  auto b = take(Binding::create("test:res", {{"counters", interface}}, Cardinality::exactly_one,
                                {{"a", plugin}}));
  Val handle = *take(b.dispatch("counters", "make", std::vector<Val>{Val(1u)}))[0].result.ok_ref();
  take(b.drop(handle.get_resource()));
  EXPECT_EQ(sites, (std::vector<std::string>{
                       "test:res/counters make",
                       "test:res/counters [resource-drop]counter (method of `counter`)"}));
}

TEST(Interfaces, AStaticFunctionMayShareItsResourcesName) {
  Interface interface;
  interface.resource("counter").function("[static]counter.counter");
  EXPECT_EQ(interface.find("[static]counter.counter")->kind, FunctionKind::static_);
  EXPECT_EQ(interface.find("[static]counter.counter")->resource, "counter");
  EXPECT_TRUE(Binding::create("test:res", {{"counters", interface}}, Cardinality::any, {}));
}

TEST(Interfaces, AFunctionAndAResourceOfOneNameAreRefused) {
  Interface interface;
  interface.function("get-value").resource("get-value");
  auto binding = Binding::create("test:child", {{"root", interface}}, Cardinality::any, {});
  ASSERT_FALSE(binding);
  EXPECT_EQ(binding.err().kind(), Error::Kind::binding);
  EXPECT_EQ(binding.err().message(),
            "interface `root` of binding `test:child` has a function `get-value` and a resource "
            "`get-value`: one instance cannot export two items of one name");
}

// pairs.wat: two resources, `left` and `right`, and `sum`, which takes two
// `left` handles.
std::string replaced_all(std::string text, const std::string &from, const std::string &to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

class Pairs : public ::testing::Test {
protected:
  wasmtime::Engine engine = make_engine();
  wasmtime::component::Linker linker{engine};

  // A plugin of pairs.wat (or of `text`) whose answers add `tag`.
  PluginInstance plugin(std::uint32_t tag,
                        const std::string &text = fixture_text("resources/pairs.wat")) {
    auto component = take(
        compile_component(engine,
                          replaced_all(text, "(global $tag i32 (i32.const 0))",
                                       "(global $tag i32 (i32.const " + std::to_string(tag) + "))"),
                          "pairs.wat"));
    return take(Plugin(component).instantiate(engine, linker));
  }

  Binding binding(std::vector<Plug> plugs) {
    auto interface = take(
        Interface::from_component(engine, load(engine, "resources/pairs.wat"), "test:pair/pairs"));
    return take(
        Binding::create("test:pair", {{"pairs", interface}}, Cardinality::any, std::move(plugs)));
  }

  // The value plugin `id` returns from `function`.
  static Val call(const Binding &b, std::string_view id, std::string_view function,
                  std::vector<Val> args) {
    auto results = take(b.dispatch_to(id, "pairs", function, args));
    if (results.size() != 1 || !results[0].result)
      throw std::runtime_error("no value from " + std::string(id));
    return *results[0].result.ok_ref();
  }
};

TEST_F(Pairs, HandlesOfOneOwnerGoToItTogether) {
  auto b = binding({{"a", plugin(0)}, {"b", plugin(1000)}});
  Val x = call(b, "b", "make-left", {Val(2u)}), y = call(b, "b", "make-left", {Val(3u)});
  auto sum = take(b.dispatch("pairs", "sum", std::vector<Val>{x, y}));
  ASSERT_EQ(sum.size(), 2u);
  ASSERT_TRUE(*sum.find("b"));
  EXPECT_EQ(sum.find("b")->ok_ref()->get_u32(), 1005u);
  ASSERT_FALSE(*sum.find("a"));
  EXPECT_EQ(sum.find("a")->err_ref().message(),
            "invalid-resource-handle (the handles passed belong to plugin `b`)");
}

TEST_F(Pairs, HandlesOfTwoOwnersInOneCallAreRefused) {
  auto b = binding({{"a", plugin(0)}, {"b", plugin(1000)}});
  Val from_a = call(b, "a", "make-left", {Val(2u)});
  Val from_b = call(b, "b", "make-left", {Val(3u)});
  auto sum = b.dispatch("pairs", "sum", std::vector<Val>{from_a, from_b});
  ASSERT_FALSE(sum);
  EXPECT_EQ(sum.err().message(), "invalid-resource-handle (argument 1 `b`: the handles belong to "
                                 "different plugins (`a` and `b`))");
  // Neither owner saw the call: both still answer for their handles.
  EXPECT_EQ(call(b, "a", "[method]left.value", {from_a}).get_u32(), 2u);
  EXPECT_EQ(call(b, "b", "[method]left.value", {from_b}).get_u32(), 1003u);
}

TEST_F(Pairs, AHandleOfAnotherResourceIsRefused) {
  auto b = binding({{"a", plugin(0)}});
  Val right = call(b, "a", "make-right", {Val(4u)});
  auto as_left = b.dispatch("pairs", "[method]left.value", std::vector<Val>{right});
  ASSERT_FALSE(as_left);
  EXPECT_EQ(as_left.err().message(),
            "invalid-resource-handle (argument 0 `self`: the handle is not "
            "one this binding gave out for this resource)");
  EXPECT_EQ(call(b, "a", "[method]right.value", {right}).get_u32(), 4u);
}

// Where no interface declares a function's type, the first plugin fixes it,
// and another plugin taking a `right` where it takes a `left` does not fit.
TEST_F(Pairs, PluginsOfOneBindingAgreeOnEachHandlesResource) {
  std::string other = fixture_text("resources/pairs.wat");
  for (const auto &[from, to] :
       {std::pair<std::string, std::string>{"(param \"b\" (borrow $left))",
                                            "(param \"b\" (borrow $right))"},
        {"(param \"b\" (borrow $l))", "(param \"b\" (borrow $r))"},
        {"(param \"b\" (borrow $le))", "(param \"b\" (borrow $re))"}})
    other = replaced_all(other, from, to);
  auto b = Binding::create("test:pair", {{"pairs", Interface().function("sum")}}, Cardinality::any,
                           {{"a", plugin(0)}, {"b", plugin(0, other)}});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.err().kind(), Error::Kind::link);
  EXPECT_EQ(b.err().message(),
            "plugin `b` in binding `test:pair`: `test:pair/pairs`.`sum` is func(a: "
            "borrow<left>, b: borrow<right>) -> u32, expected func(a: borrow<left>, b: "
            "borrow<left>) -> u32 as plugin `a` exports it");
}

} // namespace
} // namespace wasm_link::testing
