// Executor: a fixed pool of workers; what it runs, refuses and abandons.
#include <atomic>
#include <chrono>
#include <future>
#include <gtest/gtest.h>
#include <memory>
#include <thread>
#include <wasm_link/executor.hh>

namespace wasm_link {
namespace {

using namespace std::chrono_literals;

TEST(Executor, RunsTasksOnAllItsWorkersAtOnce) {
  Executor executor(2);
  EXPECT_EQ(executor.size(), 2u);
  // Each task waits for the other to start: only two workers can finish them.
  std::promise<void> first, second;
  std::shared_future<void> first_started = first.get_future().share();
  std::shared_future<void> second_started = second.get_future().share();
  std::promise<bool> a, b;
  ASSERT_TRUE(executor.submit([&] {
    first.set_value();
    a.set_value(second_started.wait_for(10s) == std::future_status::ready);
  }));
  ASSERT_TRUE(executor.submit([&] {
    second.set_value();
    b.set_value(first_started.wait_for(10s) == std::future_status::ready);
  }));
  EXPECT_TRUE(a.get_future().get());
  EXPECT_TRUE(b.get_future().get());
}

TEST(Executor, HasOneWorkerPerHardwareThreadByDefaultAndAtLeastOne) {
  EXPECT_EQ(Executor().size(), std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(Executor(0).size(), 1u);
}

TEST(Executor, RefusesTasksOnceShutDownAndCallsNeitherCallable) {
  Executor executor(1);
  executor.shutdown();
  bool called = false;
  EXPECT_FALSE(executor.submit([&] { called = true; }, [&] { called = true; }));
  EXPECT_FALSE(called);
  executor.shutdown(); // again: nothing happens
}

TEST(Executor, ShutdownWaitsForRunningTasksAndAbandonsQueuedOnes) {
  Executor executor(1);
  std::promise<void> started, release;
  std::atomic<bool> running_done = false;
  ASSERT_TRUE(executor.submit([&, go = release.get_future().share()] {
    started.set_value();
    go.wait();
    running_done = true;
  }));
  started.get_future().wait();
  int ran = 0, abandoned = 0;
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(executor.submit([&] { ++ran; }, [&] { ++abandoned; }));
  ASSERT_TRUE(executor.submit([&] { ++ran; })); // abandoned with nothing to tell
  std::thread stopper([&] { executor.shutdown(); });
  // Once new tasks are refused, the queue is the shutdown's: the worker may go on.
  while (executor.submit([] {}))
    std::this_thread::yield();
  release.set_value();
  stopper.join();
  EXPECT_TRUE(running_done);
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(abandoned, 2);
}

TEST(Executor, ATaskMayDropItsExecutorsLastHandle) {
  auto executor = std::make_shared<Executor>(1);
  std::weak_ptr<Executor> watched = executor;
  std::promise<void> go, done;
  ASSERT_TRUE(executor->submit([keep = executor, start = go.get_future().share(), &done]() mutable {
    start.wait();
    keep.reset(); // shuts the executor down from its own worker
    done.set_value();
  }));
  executor.reset();
  go.set_value();
  EXPECT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(watched.expired());
}

} // namespace
} // namespace wasm_link
