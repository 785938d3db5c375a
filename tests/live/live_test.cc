// Live changes to a binding (Binding::add, remove, replace): checked like
// Binding::create and refused as a whole; seen by dispatches and by consumers'
// sockets on their next call; atomic for callers under load; a call running in
// a plugin that left finishes; the handles a plugin that left gave out. Each
// plugin of tagged.wat answers `tag` with its own number, so every result names
// the plugin (and the build) that made it.
#include "read_section.hh"
#include "support.hh"

#include <atomic>
#include <condition_variable>
#include <future>
#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace wasm_link::testing {
namespace {

using wasmtime::component::Val;

// Holds the calls of tagged.wat's `gated` in the host until let go.
class Gate {
public:
  void wait() {
    std::unique_lock lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  void await_waiting(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return waiting_ >= count; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  void close() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = true;
};

class Live : public ::testing::Test {
protected:
  Live() : linker(engine) {
    auto root = linker.root();
    auto gate_instance = root.add_instance("host:live/gate");
    EXPECT_TRUE(gate_instance);
    EXPECT_TRUE(gate_instance.ok_ref().add_func(
        "wait", [this](wasmtime::Store::Context, const wasmtime::component::FuncType &,
                       wasmtime::Span<Val>, wasmtime::Span<Val>) {
          gate.wait();
          return wasmtime::Result<std::monostate>(std::monostate());
        }));
  }

  wasmtime::component::Component tagged_component(std::uint32_t tag) {
    return take(
        compile_component(engine,
                          fixture_text("live/tagged.wat", "(global $tag i32 (i32.const 0))",
                                       "(global $tag i32 (i32.const " + std::to_string(tag) + "))"),
                          "tagged.wat"));
  }
  PluginInstance tagged(std::uint32_t tag) {
    return take(Plugin(tagged_component(tag)).instantiate(engine, linker));
  }
  Interface api() {
    return take(Interface::from_component(engine, tagged_component(0), "test:live/api"));
  }
  Binding binding(Binding::Plugs plugs, Cardinality cardinality = Cardinality::any) {
    return take(Binding::create("test:live", {{"api", api()}}, cardinality, std::move(plugs)));
  }

  // relay.wat, linked to `socket`, alone in a binding of its own.
  Binding relay(const Binding &socket) { return relay_over(engine, "live/relay.wat", socket); }

  // "id=tag ..." for every plugin, ascending id.
  static std::string tags(const Binding &b, const char *function = "tag") {
    std::string out;
    for (const auto &[id, result] : take(b.dispatch("api", function, {})))
      out += id + "=" + (result ? to_string(*result.ok_ref()) : result.err_ref().message()) + " ";
    return out;
  }
  // The same through relay.wat's socket.
  static std::string relayed(const Binding &relay) {
    auto results = take(relay.dispatch("run", "relay-tag", {}));
    const CallResult &result = results[0].result;
    if (!result)
      return "relay failed: " + result.err_ref().message();
    std::string out;
    for (const auto &entry : result.ok_ref()->get_map()) {
      const auto &r = entry.value().get_result();
      out += std::string(entry.key().get_string()) + "=" +
             (r.is_ok() ? to_string(*r.payload()) : "err " + to_string(*r.payload())) + " ";
    }
    return out;
  }

  wasmtime::Engine engine = make_engine();
  wasmtime::component::Linker linker;
  Gate gate;
};

TEST_F(Live, AddRemoveAndReplaceChangeWhatDispatchReaches) {
  auto b = binding({{"a", tagged(1)}, {"c", tagged(3)}});
  EXPECT_EQ(tags(b), "a=1 c=3 ");
  ASSERT_TRUE(b.add({"b", tagged(2)}));
  EXPECT_EQ(tags(b), "a=1 b=2 c=3 ");
  EXPECT_EQ(b.plugin_ids(), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_TRUE(b.replace({"a", tagged(11)}));
  EXPECT_EQ(tags(b), "a=11 b=2 c=3 ");
  ASSERT_TRUE(b.remove("c"));
  EXPECT_EQ(tags(b), "a=11 b=2 ");
  ASSERT_TRUE(b.add({"z", tagged(26)}));
  ASSERT_TRUE(b.remove("a"));
  ASSERT_TRUE(b.remove("b"));
  EXPECT_EQ(tags(b), "z=26 ");
  ASSERT_TRUE(b.remove("z"));
  EXPECT_EQ(tags(b), "");
  ASSERT_TRUE(b.add({"a", tagged(5)}));
  EXPECT_EQ(take(b.dispatch_to("a", "api", "tag", {})).size(), 1u);
  EXPECT_EQ(tags(b), "a=5 ");
}

TEST_F(Live, PreparedCallsSeeChangesAndKeepTheirIds) {
  auto b = binding({{"a", tagged(1)}});
  auto prepared = take(b.prepare("api", "tag"));
  auto before = take(prepared({}));
  ASSERT_TRUE(b.replace({"a", tagged(2)}));
  ASSERT_TRUE(b.add({"b", tagged(3)}));
  auto after = take(prepared({}));
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].id, "a");
  EXPECT_EQ(after[0].result.ok_ref()->get_u32(), 2u);
  EXPECT_EQ(after[1].result.ok_ref()->get_u32(), 3u);
  ASSERT_TRUE(b.remove("a"));
  EXPECT_EQ(before[0].id, "a") << "an outcome's id outlives the plugin that made it";
  EXPECT_EQ(take(prepared.to("a", {})).size(), 0u);
}

TEST_F(Live, ConsumersSeeAChangeOnTheirNextCallWithoutRelinking) {
  auto b = binding({{"a", tagged(1)}});
  auto r = relay(b);
  EXPECT_EQ(relayed(r), "a=1 ");
  ASSERT_TRUE(b.replace({"a", tagged(2)}));
  EXPECT_EQ(relayed(r), "a=2 ");
  ASSERT_TRUE(b.add({"b", tagged(3)}));
  EXPECT_EQ(relayed(r), "a=2 b=3 ");
  ASSERT_TRUE(b.remove("a"));
  ASSERT_TRUE(b.remove("b"));
  EXPECT_EQ(relayed(r), "");
}

TEST_F(Live, ChangesThatDoNotFitAreRefusedAndLeaveTheBindingAsItWas) {
  auto b = binding({{"a", tagged(1)}});
  const std::string before = tags(b);
  expect_error(b.add({"a", tagged(2)}), Error::Kind::binding,
               "binding `test:live` already has a plugin with id `a`");
  expect_error(b.add({"", tagged(2)}), Error::Kind::binding,
               "binding `test:live` cannot take a plugin with an empty id");
  expect_error(b.remove("b"), Error::Kind::binding, "binding `test:live` has no plugin `b`");
  expect_error(b.replace({"b", tagged(2)}), Error::Kind::binding,
               "binding `test:live` has no plugin `b`");
  auto other = take(Plugin(load(engine, "live/other.wat")).instantiate(engine, linker));
  expect_error(b.add({"b", other}), Error::Kind::link,
               "plugin `b` in binding `test:live`: `test:live/api`.`tag` is func() -> string, "
               "expected func() -> u32 as interface `api` declares it");
  expect_error(b.replace({"a", other}), Error::Kind::link,
               "plugin `a` in binding `test:live`: `test:live/api`.`tag` is func() -> string, "
               "expected func() -> u32 as interface `api` declares it");
  auto counters_plugin = take(Plugin(counters(engine, 0)).instantiate(engine, linker));
  expect_error(b.add({"b", counters_plugin}), Error::Kind::link,
               "plugin `b` in binding `test:live` does not export instance `test:live/api`");
  expect_error(b.add({"b", tagged(2), {{"nope", Remap{}}}}), Error::Kind::link,
               "plugin `b` in binding `test:live` remaps interface `nope`, which the binding does "
               "not have");
  EXPECT_EQ(tags(b), before);
  EXPECT_EQ(b.plugin_ids(), std::vector<std::string>{"a"});
}

TEST_F(Live, CardinalityHoldsAfterEveryChange) {
  auto one = binding({{"a", tagged(1)}}, Cardinality::exactly_one);
  expect_error(one.remove("a"), Error::Kind::binding,
               "binding `test:live` is exactly-one: removing plugin `a` would leave it with 0 "
               "plugins");
  expect_error(one.add({"b", tagged(2)}), Error::Kind::binding,
               "binding `test:live` is exactly-one: adding plugin `b` would leave it with 2 "
               "plugins");
  ASSERT_TRUE(one.replace({"a", tagged(2)}));
  EXPECT_EQ(tags(one), "a=2 ");

  auto some = binding({{"a", tagged(1)}}, Cardinality::at_least_one);
  expect_error(some.remove("a"), Error::Kind::binding,
               "binding `test:live` is at-least-one: removing plugin `a` would leave it with 0 "
               "plugins");
  auto most = binding({}, Cardinality::at_most_one);
  ASSERT_TRUE(most.add({"a", tagged(1)}));
  expect_error(most.add({"b", tagged(2)}), Error::Kind::binding,
               "binding `test:live` is at-most-one: adding plugin `b` would leave it with 2 "
               "plugins");
  ASSERT_TRUE(most.remove("a"));
  EXPECT_EQ(tags(most), "");
}

// A binding whose interfaces were written by hand has no types until a plugin
// fixes them; a later plugin is checked against the first one's, and a refused
// plugin fixes nothing.
TEST_F(Live, TheFirstPluginAddedFixesTheTypesOfAnEmptyBinding) {
  auto b = take(Binding::create(
      "test:live", {{"api", Interface().function("tag").function("gated")}}, Cardinality::any, {}));
  EXPECT_EQ(b.function_type("api", "tag"), nullptr);
  auto other = take(Plugin(load(engine, "live/other.wat")).instantiate(engine, linker));
  ASSERT_TRUE(b.add({"s", other}));
  EXPECT_EQ(b.signature("api", "tag"), "func() -> string");
  expect_error(b.add({"u", tagged(1)}), Error::Kind::link,
               "plugin `u` in binding `test:live`: `test:live/api`.`tag` is func() -> u32, "
               "expected func() -> string as plugin `s` exports it");
  ASSERT_TRUE(b.remove("s"));
  EXPECT_EQ(b.signature("api", "tag"), "func() -> string") << "a fixed type stays fixed";
}

// A call running in a plugin when it is replaced finishes in it, and its
// result is delivered; calls after the change reach the new plugin meanwhile.
TEST_F(Live, ACallRunningInAReplacedPluginFinishesThere) {
  auto b = binding({{"a", tagged(1)}});
  gate.close();
  auto running = std::async(std::launch::async, [&] { return tags(b, "gated"); });
  gate.await_waiting(1);
  ASSERT_TRUE(b.replace({"a", tagged(2)}));
  EXPECT_EQ(tags(b), "a=2 ") << "the new plugin answers while the old one is busy";
  EXPECT_GE(detail::retired_count(), 1u) << "the old roster waits for the running call";
  gate.open();
  EXPECT_EQ(running.get(), "a=1 ");
  detail::reclaim();
  EXPECT_EQ(detail::retired_count(), 0u);
}

class LiveResources : public Live {
protected:
  Binding counters_binding(Binding::Plugs plugs) {
    auto interface =
        take(Interface::from_component(engine, counters(engine, 0), "test:res/counters"));
    return take(
        Binding::create("test:res", {{"counters", interface}}, Cardinality::any, std::move(plugs)));
  }
  PluginInstance counter_plugin(std::uint32_t tag) {
    return take(Plugin(counters(engine, tag)).instantiate(engine, linker));
  }
  static Val made(const Binding &b, std::uint32_t start) {
    auto results = take(b.dispatch_to("a", "counters", "make", std::vector<Val>{Val(start)}));
    return *results[0].result.ok_ref();
  }
  // How many counters `plugin` has destroyed, read through a binding of its own.
  std::uint32_t destroyed(const PluginInstance &plugin) {
    auto probe = counters_binding({{"probe", plugin}});
    auto results = take(probe.dispatch("counters", "destroyed", {}));
    return results[0].result.ok_ref()->get_u32();
  }
};

TEST_F(LiveResources, HandlesOfAReplacedPluginAreRefusedDroppableAndReleased) {
  auto old = counter_plugin(0);
  auto b = counters_binding({{"a", old}, {"b", counter_plugin(2000)}});
  std::vector<Val> handles;
  for (std::uint32_t i = 0; i < 3; ++i)
    handles.push_back(made(b, i));
  EXPECT_EQ(b.live_handles(), 3u);
  EXPECT_EQ(destroyed(old), 0u);

  ASSERT_TRUE(b.replace({"a", counter_plugin(1000)}));
  EXPECT_EQ(destroyed(old), 3u) << "no call ran in it: its counters go at once";
  EXPECT_EQ(b.live_handles(), 3u) << "the wrappers stay until their holder drops them";
  expect_error(b.dispatch("counters", "[method]counter.get", std::vector<Val>{handles[0]}),
               DispatchError::Kind::invalid_resource_handle,
               "invalid-resource-handle (argument 0 `self`: the handle belongs to plugin `a`, "
               "which was replaced since it gave out the handle)");
  ASSERT_TRUE(b.drop(handles[0].get_resource()));
  EXPECT_EQ(b.live_handles(), 2u);
  expect_error(b.drop(handles[0].get_resource()), DispatchError::Kind::invalid_resource_handle,
               "invalid-resource-handle (the handle was already dropped or given away)");

  Val fresh = made(b, 7);
  auto got = take(b.dispatch("counters", "[method]counter.get", std::vector<Val>{fresh}));
  EXPECT_EQ(got[0].result.ok_ref()->get_u32(), 1007u) << "the new plugin's tag";

  ASSERT_TRUE(b.remove("a"));
  expect_error(b.dispatch("counters", "[method]counter.get", std::vector<Val>{fresh}),
               DispatchError::Kind::invalid_resource_handle,
               "invalid-resource-handle (argument 0 `self`: the handle belongs to plugin `a`, "
               "which was removed since it gave out the handle)");
  for (const Val &handle : {handles[1], handles[2], fresh})
    ASSERT_TRUE(b.drop(handle.get_resource()));
  EXPECT_EQ(b.live_handles(), 0u);
  EXPECT_EQ(destroyed(old), 3u) << "each counter was destroyed once";
}

// The old plugin's counters go only once no reader that could reach it is left.
TEST_F(LiveResources, ReleaseWaitsForTheReadersOfTheOldPlugins) {
  auto old = counter_plugin(0);
  auto b = counters_binding({{"a", old}});
  Val handle = made(b, 1);
  {
    const detail::ReadSection reading; // as a dispatch that loaded the plugins before the change
    ASSERT_TRUE(b.replace({"a", counter_plugin(1000)}));
    EXPECT_EQ(detail::retired_count(), 1u);
  }
  EXPECT_EQ(detail::retired_count(), 0u) << "released when the last section closed";
  EXPECT_EQ(destroyed(old), 1u);
  ASSERT_TRUE(b.drop(handle.get_resource()));
  EXPECT_EQ(destroyed(old), 1u) << "a released handle is not destroyed twice";
}

// Threads dispatch and call through a consumer's socket while another replaces,
// adds and removes plugins. Every result must be the plugin set of one moment
// (the writer records each before making it), with each plugin's own tag: no
// call lost, none misrouted, no mix of before and after.
TEST_F(Live, SwapUnderLoadIsAtomicForEveryCaller) {
  auto b = binding({{"p0", tagged(0)}, {"p1", tagged(100)}, {"p2", tagged(200)}});
  auto r = relay(b);
  std::mutex states_mutex;
  std::set<std::string> states{"p0=0 p1=100 p2=200 "};
  std::atomic<bool> done{false};
  std::atomic<int> calls{0};

  auto reader = [&](bool through_socket) {
    std::vector<std::string> seen;
    while (!done.load()) {
      seen.push_back(through_socket ? relayed(r) : tags(b));
      calls.fetch_add(1);
    }
    return seen;
  };
  std::vector<std::future<std::vector<std::string>>> readers;
  for (bool socket : {false, true, false, true})
    readers.push_back(std::async(std::launch::async, reader, socket));

  // The writer's plugins, made before the load starts so that it changes fast.
  constexpr int rounds = 20;
  std::vector<PluginInstance> fresh;
  for (int i = 1; i <= rounds; ++i) {
    fresh.push_back(tagged(100 + i));
    fresh.push_back(tagged(300 + i));
  }
  std::map<std::string, std::uint32_t> now{{"p0", 0}, {"p1", 100}, {"p2", 200}};
  auto record = [&] {
    std::string state;
    for (const auto &[id, tag] : now)
      state += id + "=" + std::to_string(tag) + " ";
    std::lock_guard lock(states_mutex);
    states.insert(state);
  };
  for (int i = 1; i <= rounds; ++i) {
    now["p1"] = 100 + i;
    record();
    ASSERT_TRUE(b.replace({"p1", fresh[2 * (i - 1)]}));
    const std::string added = "x" + std::to_string(i);
    now[added] = 300 + i;
    record();
    ASSERT_TRUE(b.add({added, fresh[2 * (i - 1) + 1]}));
    if (i > 1) {
      now.erase("x" + std::to_string(i - 1));
      record();
      ASSERT_TRUE(b.remove("x" + std::to_string(i - 1)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  done.store(true);
  std::size_t checked = 0;
  std::set<std::string> moments;
  for (auto &future : readers)
    for (const std::string &seen : future.get()) {
      EXPECT_TRUE(states.contains(seen)) << "a result of no moment: " << seen;
      moments.insert(seen);
      ++checked;
    }
  EXPECT_EQ(checked, static_cast<std::size_t>(calls.load()));
  EXPECT_GT(moments.size(), 2u) << "the callers saw the binding change";
  detail::reclaim();
  EXPECT_EQ(detail::retired_count(), 0u) << "every old roster was released";
}

} // namespace
} // namespace wasm_link::testing
