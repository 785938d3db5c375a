// Parallel fan-out (Binding::parallel) and the host's asynchronous dispatch
// (Binding::dispatch_async): results in id order, failures and slowness kept to
// their own entry, re-entry refused without deadlock, sockets, executor-unavailable.
// Whether branches really ran at once is shown by plugins that meet at a barrier
// (each waits for another to arrive), never by timing.
#include "support.hh"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;
using namespace std::chrono_literals;
using wasmtime::component::Val;

// A plugin's context: its id, for the host callback behind `run`.
struct Worker {
  std::string id;
};

// Where the calls of a test meet: arrive() waits until `parties` callers are
// there at once, which calls run one after another never are, and gives up
// after `patience`. True when they met.
class Meeting {
public:
  explicit Meeting(std::size_t parties) : parties_(parties) {}
  bool arrive(std::chrono::milliseconds patience) {
    std::unique_lock lock(mutex_);
    if (++present_ == parties_) {
      met_ = true;
      all_there_.notify_all();
    }
    const bool met = all_there_.wait_for(lock, patience, [&] { return met_; });
    --present_;
    return met;
  }

private:
  std::mutex mutex_;
  std::condition_variable all_there_;
  const std::size_t parties_;
  std::size_t present_ = 0;
  bool met_ = false;
};

class Parallel : public ::testing::Test {
protected:
  struct Spec {
    std::string id;
    std::uint32_t tag = 0;
    std::uint32_t spin = 0;
    bool traps = false;
  };

  Parallel() : linker_(engine_) {
    // The linker is usable again once its root and instance are gone.
    auto root = linker_.root();
    auto instance = root.add_instance("host:api/callback");
    EXPECT_TRUE(instance);
    EXPECT_TRUE(instance.ok_ref().add_func(
        "call", [this](wasmtime::Store::Context store, const wasmtime::component::FuncType &,
                       wasmtime::Span<Val>, wasmtime::Span<Val> results) {
          results[0] = Val(on_run(context<Worker>(store)->id));
          return wasmtime::Result<std::monostate>(std::monostate());
        }));
  }

  PluginInstance worker(const Spec &spec) {
    std::string text = fixture_text("parallel/worker.wat");
    for (auto [global, value] : {std::pair{"$tag", spec.tag}, std::pair{"$spin", spec.spin},
                                 std::pair{"$traps", spec.traps ? 1u : 0u}}) {
      const std::string from = "(global " + std::string(global) + " i32 (i32.const 0))";
      text.replace(text.find(from), from.size(),
                   "(global " + std::string(global) + " i32 (i32.const " + std::to_string(value) +
                       "))");
    }
    auto component = take(compile_component(engine_, text, "worker.wat"));
    return take(Plugin(component, Worker{spec.id}).instantiate(engine_, linker_));
  }

  Binding workers(const std::vector<Spec> &specs) {
    Binding::Plugs plugs;
    for (const Spec &spec : specs)
      plugs.push_back({spec.id, worker(spec)});
    return take(Binding::create("test:parallel", {{"work", work_}}, Cardinality::any, plugs));
  }

  // The relay, linked to `socket`, alone in a binding of its own.
  Binding relay(const Binding &socket) { return relay_over(engine_, "parallel/relay.wat", socket); }

  // "id: value" or "id: error message" per plugin, in the order given.
  static std::string outcome(const Result<DispatchResults, DispatchError> &results) {
    if (!results)
      return "dispatch failed: " + results.err_ref().message();
    std::string out;
    for (const auto &[id, result] : results.ok_ref())
      out += (out.empty() ? "" : "; ") + id + ": " +
             (result ? to_string(*result.ok_ref()) : result.err_ref().message());
    return out;
  }

  static std::string relay_value(const Binding &relay, const char *function) {
    auto results = take(relay.dispatch("run", function, {}));
    return to_string(*results[0].result.ok_ref());
  }

  wasmtime::Engine engine_ = make_engine();
  wasmtime::component::Linker linker_;
  Interface work_ = Interface().function("value").function("run");
  std::shared_ptr<Executor> executor_ = std::make_shared<Executor>(2);
  // What the host callback behind `run` answers, per plugin id. Called on
  // whatever thread runs the plugin.
  std::function<std::uint32_t(const std::string &)> on_run = [](const std::string &) { return 0u; };
  const std::thread::id main_thread = std::this_thread::get_id();
};

const std::string trap_message =
    "runtime-exception: error while executing at wasm backtrace:\n    0:     0xad - "
    "m!<wasm function 1>\n\nCaused by:\n    wasm trap: wasm `unreachable` instruction executed";

TEST_F(Parallel, ResultsKeepAscendingIdOrder) {
  auto binding = workers({{"e", 5}, {"a", 1}, {"d", 4}, {"b", 2}, {"c", 3}});
  binding.parallel(executor_, {.min_cost = 0ns});
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(outcome(binding.dispatch("work", "value", {})), "a: 1; b: 2; c: 3; d: 4; e: 5");
}

TEST_F(Parallel, BranchesRunAtOnceOneOfThemOnTheCallingThread) {
  auto binding = workers({{"a"}, {"b"}});
  binding.parallel(executor_, {.min_cost = 0ns});
  Meeting meeting(2);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  on_run = [&](const std::string &) {
    {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    }
    return meeting.arrive(10s) ? 1u : 0u;
  };
  EXPECT_EQ(outcome(binding.dispatch("work", "run", {})), "a: 1; b: 1");
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_TRUE(threads.contains(std::this_thread::get_id()));
}

TEST_F(Parallel, WithoutTheSwitchPluginsRunOneAfterAnotherOnTheCallingThread) {
  auto binding = workers({{"a"}, {"b"}, {"c"}});
  Meeting meeting(2);
  on_run = [&](const std::string &) {
    EXPECT_EQ(std::this_thread::get_id(), main_thread);
    return meeting.arrive(10ms) ? 1u : 0u;
  };
  EXPECT_EQ(outcome(binding.dispatch("work", "run", {})), "a: 0; b: 0; c: 0");
  binding.parallel(executor_, {.min_cost = 0ns});
  binding.parallel(nullptr);
  EXPECT_EQ(outcome(binding.dispatch("work", "run", {})), "a: 0; b: 0; c: 0");
}

TEST_F(Parallel, CallsCheaperThanTheThresholdStayOnTheCallingThread) {
  auto binding = workers({{"a"}, {"b"}});
  binding.parallel(executor_, {.min_cost = 1h});
  Meeting meeting(2);
  on_run = [&](const std::string &) {
    EXPECT_EQ(std::this_thread::get_id(), main_thread);
    return meeting.arrive(10ms) ? 1u : 0u;
  };
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(outcome(binding.dispatch("work", "run", {})), "a: 0; b: 0");
}

TEST_F(Parallel, AFunctionGoesParallelOnceItsCallsCostTheThreshold) {
  auto binding = workers({{"a"}, {"b"}});
  binding.parallel(executor_, {.min_cost = 100ms});
  // Alone, each call waits 300 ms in vain: the first dispatch, not yet
  // measured, runs them one after another and costs 600 ms, so the second runs
  // them at once, and they meet.
  Meeting meeting(2);
  on_run = [&](const std::string &) { return meeting.arrive(300ms) ? 1u : 0u; };
  EXPECT_EQ(outcome(binding.dispatch("work", "run", {})), "a: 0; b: 0");
  Meeting second(2);
  on_run = [&](const std::string &) { return second.arrive(10s) ? 1u : 0u; };
  EXPECT_EQ(outcome(binding.dispatch("work", "run", {})), "a: 1; b: 1");
  // Each function is measured on its own: `value` was never dispatched.
  EXPECT_EQ(outcome(binding.dispatch("work", "value", {})), "a: 0; b: 0");
}

TEST_F(Parallel, ATrappingPluginFailsOnlyItsOwnEntry) {
  auto binding = workers({{"a", 1}, {"b", 2, 0, true}, {"c", 3}});
  binding.parallel(executor_, {.min_cost = 0ns});
  EXPECT_EQ(outcome(binding.dispatch("work", "value", {})), "a: 1; b: " + trap_message + "; c: 3");
}

TEST_F(Parallel, ASlowPluginDelaysOnlyItsOwnEntry) {
  // `a` keeps running until both others have returned: they do not wait for it.
  auto binding = workers({{"a"}, {"b"}, {"c"}});
  binding.parallel(executor_, {.min_cost = 0ns});
  std::mutex mutex;
  std::condition_variable returned;
  std::size_t fast_done = 0;
  on_run = [&](const std::string &id) -> std::uint32_t {
    std::unique_lock lock(mutex);
    if (id != "a") {
      ++fast_done;
      returned.notify_all();
      return 2;
    }
    return returned.wait_for(lock, 10s, [&] { return fast_done == 2; }) ? 1 : 0;
  };
  EXPECT_EQ(outcome(binding.dispatch("work", "run", {})), "a: 1; b: 2; c: 2");
}

TEST_F(Parallel, ReenteringTheRunningPluginFromItsBranchIsLockRejected) {
  std::shared_ptr<Binding> binding;
  std::mutex mutex;
  std::map<std::string, std::string> inner;
  on_run = [&](const std::string &id) {
    auto results = binding->dispatch_to(id, "work", "value", {});
    std::lock_guard lock(mutex);
    inner[id] = outcome(results);
    return 7u;
  };
  binding = std::make_shared<Binding>(workers({{"a"}, {"b"}, {"c"}}));
  binding->parallel(executor_, {.min_cost = 0ns});
  EXPECT_EQ(outcome(binding->dispatch("work", "run", {})), "a: 7; b: 7; c: 7");
  for (const char *id : {"a", "b", "c"})
    EXPECT_EQ(inner[id], std::string(id) +
                             ": lock-rejected (the plugin is running a call that led to this one)");
  // Free again once the dispatch returned.
  EXPECT_EQ(outcome(binding->dispatch("work", "value", {})), "a: 0; b: 0; c: 0");
}

TEST_F(Parallel, ABranchCallingAPluginAnotherBranchRunsIsLockRejectedNotDeadlocked) {
  // Both branches are inside their plugin when each dispatches into the whole
  // binding, and stay there until both have: waiting for the other's plugin
  // would wait forever.
  std::shared_ptr<Binding> binding;
  Meeting before(2), after(2);
  std::mutex mutex;
  std::map<std::string, std::string> inner;
  on_run = [&](const std::string &id) {
    if (!before.arrive(10s))
      return 0u;
    auto results = binding->dispatch("work", "run", {});
    {
      std::lock_guard lock(mutex);
      inner[id] = outcome(results);
    }
    return after.arrive(10s) ? 1u : 0u;
  };
  binding = std::make_shared<Binding>(workers({{"a"}, {"b"}}));
  binding->parallel(executor_, {.min_cost = 0ns});
  EXPECT_EQ(outcome(binding->dispatch("work", "run", {})), "a: 1; b: 1");
  const std::string up_the_chain =
      "lock-rejected (the plugin is running a call that led to this one)";
  const std::string other_branch =
      "lock-rejected (another branch of this parallel dispatch is running the plugin)";
  EXPECT_EQ(inner["a"], "a: " + up_the_chain + "; b: " + other_branch);
  EXPECT_EQ(inner["b"], "a: " + other_branch + "; b: " + up_the_chain);
}

TEST_F(Parallel, ThroughASocketPluginsRunAtOnceAndKeepTheirEntries) {
  auto binding = workers({{"c", 3}, {"a", 1}, {"b", 2, 0, true}});
  binding.parallel(executor_, {.min_cost = 0ns});
  auto consumer = relay(binding);
  Meeting meeting(3);
  on_run = [&](const std::string &id) { return meeting.arrive(10s) ? id[0] - 'a' + 10u : 0u; };
  EXPECT_EQ(relay_value(consumer, "relay-run"),
            "[(\"a\", ok(10)), (\"b\", ok(11)), (\"c\", ok(12))]");
  EXPECT_EQ(relay_value(consumer, "relay-value"),
            "[(\"a\", ok(1)), (\"b\", err(runtime-exception(\"error while executing at wasm "
            "backtrace:\\n    0:     0xad - m!<wasm function 1>\\n\\nCaused by:\\n    wasm trap: "
            "wasm `unreachable` instruction executed\"))), (\"c\", ok(3))]");
}

// Two branches whose plugins both reach one plugin through their sockets: the
// second waits for the first instead of being refused, since socket calls
// follow the graph and cannot wait for each other in a circle.
TEST_F(Parallel, BranchesMeetingAtAPluginThroughSocketsTakeTurns) {
  auto shared = workers({{"z"}});
  std::atomic<int> inside{0}, overlapped{0};
  on_run = [&](const std::string &) {
    if (inside.fetch_add(1) > 0)
      overlapped.fetch_add(1);
    std::this_thread::sleep_for(100ms); // the other branch arrives meanwhile
    inside.fetch_sub(1);
    return 7u;
  };
  auto relays = take(Binding::create(
      "test:relay",
      {{"run", take(Interface::from_component(engine_, load(engine_, "parallel/relay.wat"),
                                              "test:relay/run"))}},
      Cardinality::any,
      {{"r1", take(Plugin(load(engine_, "parallel/relay.wat"))
                       .link(engine_, wasmtime::component::Linker(engine_), {shared}))},
       {"r2", take(Plugin(load(engine_, "parallel/relay.wat"))
                       .link(engine_, wasmtime::component::Linker(engine_), {shared}))}}));
  relays.parallel(executor_, {.min_cost = 0ns});
  EXPECT_EQ(outcome(relays.dispatch("run", "relay-run", {})),
            "r1: [(\"z\", ok(7))]; r2: [(\"z\", ok(7))]");
  EXPECT_EQ(overlapped.load(), 0) << "z ran one call at a time";
}

TEST_F(Parallel, DispatchAsyncGivesTheResultsThroughAFuture) {
  auto binding = workers({{"b", 2}, {"a", 1}});
  Executor executor(1);
  auto all = binding.dispatch_async(executor, "work", "value", {});
  auto one = binding.dispatch_to_async(executor, "b", "work", "value", {});
  auto unknown = binding.dispatch_async(executor, "work", "nothing", {});
  EXPECT_EQ(outcome(all.get()), "a: 1; b: 2");
  EXPECT_EQ(outcome(one.get()), "b: 2");
  expect_error(unknown.get(), DispatchError::Kind::invalid_function, "invalid-function: nothing");
}

TEST_F(Parallel, DispatchAsyncDoesNotBlockTheCallersThread) {
  auto binding = workers({{"a"}});
  Executor executor(1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  on_run = [&](const std::string &) {
    released.wait();
    return 5u;
  };
  auto future = binding.dispatch_async(executor, "work", "run", {});
  // The plugin waits for this thread, so dispatch_async returned before it ran.
  EXPECT_EQ(future.wait_for(0s), std::future_status::timeout);
  release.set_value();
  EXPECT_EQ(outcome(future.get()), "a: 5");
}

TEST_F(Parallel, DispatchAsyncCopiesItsArguments) {
  // A function with a parameter: the binding's `value` has none, so a wrong
  // count shows that the arguments given reached the dispatch.
  auto binding = workers({{"a"}});
  Executor executor(1);
  std::future<Result<DispatchResults, DispatchError>> future;
  {
    std::vector<Val> args{Val(std::uint32_t{1})};
    future = binding.dispatch_async(executor, "work", "value", args);
    args[0] = Val::string("gone");
  }
  EXPECT_EQ(outcome(future.get()),
            "a: invalid-argument-list (plugin `a`, `test:parallel/work`.`value` takes 0 "
            "arguments, 1 given)");
}

TEST_F(Parallel, DispatchAsyncOnAShutDownExecutorIsExecutorUnavailable) {
  auto binding = workers({{"a"}});
  Executor executor(1);
  executor.shutdown();
  expect_error(binding.dispatch_async(executor, "work", "value", {}).get(),
               DispatchError::Kind::executor_unavailable,
               "executor-unavailable (the executor is shut down)");
  expect_error(binding.dispatch_to_async(executor, "a", "work", "value", {}).get(),
               DispatchError::Kind::executor_unavailable,
               "executor-unavailable (the executor is shut down)");
}

TEST_F(Parallel, DispatchAsyncQueuedWhenTheExecutorShutsDownIsExecutorUnavailable) {
  auto binding = workers({{"a"}});
  Executor executor(1);
  std::promise<void> release;
  ASSERT_TRUE(executor.submit([done = release.get_future().share()] { done.wait(); }));
  auto future = binding.dispatch_async(executor, "work", "value", {});
  std::thread stopper([&] { executor.shutdown(); });
  // Once the executor refuses new work it has taken the queue; then the worker
  // may go on.
  while (executor.submit([] {}))
    std::this_thread::yield();
  release.set_value();
  stopper.join();
  expect_error(future.get(), DispatchError::Kind::executor_unavailable,
               "executor-unavailable (the executor shut down before the dispatch started)");
}

TEST_F(Parallel, AShutDownExecutorLeavesParallelDispatchesToTheCallingThread) {
  auto binding = workers({{"a", 1}, {"b", 2}});
  binding.parallel(executor_, {.min_cost = 0ns});
  executor_->shutdown();
  on_run = [&](const std::string &) {
    EXPECT_EQ(std::this_thread::get_id(), main_thread);
    return 3u;
  };
  EXPECT_EQ(outcome(binding.dispatch("work", "value", {})), "a: 1; b: 2");
  EXPECT_EQ(outcome(binding.dispatch("work", "run", {})), "a: 3; b: 3");
}

TEST_F(Parallel, ManyThreadsDispatchAtOnce) {
  auto binding = workers({{"a", 1, 2000}, {"b", 2, 2000}, {"c", 3, 2000}, {"d", 4, 2000}});
  binding.parallel(executor_, {.min_cost = 0ns});
  auto consumer = relay(binding);
  on_run = [](const std::string &id) { return static_cast<std::uint32_t>(id[0]); };
  Executor callers(3);
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::vector<std::string> wrong;
  auto check = [&](const std::string &got, const std::string &wanted) {
    if (got != wanted) {
      std::lock_guard lock(mutex);
      wrong.push_back(got);
    }
  };
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto async = binding.dispatch_async(callers, "work", "run", {});
        check(outcome(binding.dispatch("work", "value", {})), "a: 1; b: 2; c: 3; d: 4");
        check(relay_value(consumer, "relay-value"),
              "[(\"a\", ok(1)), (\"b\", ok(2)), (\"c\", ok(3)), (\"d\", ok(4))]");
        check(outcome(async.get()), "a: 97; b: 98; c: 99; d: 100");
      }
    });
  for (auto &thread : threads)
    thread.join();
  EXPECT_EQ(wrong, std::vector<std::string>());
}

} // namespace
} // namespace wasm_link
