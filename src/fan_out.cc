#include "fan_out.hh"

#include "binding_state.hh"
#include "plugin_state.hh"

#include <condition_variable>

namespace wasm_link {
namespace detail {
namespace {

// One parallel fan-out, shared by the thread that waits for it and the tasks
// it gave the executor. A task that starts after every call was taken finds
// nothing to do; it never touches `call`, which lives in the waiting frame.
struct Branches {
  Branches(std::size_t count, const std::function<void(std::size_t)> &call, CallChain chain)
      : count(count), call(call), chain(chain) {}

  const std::size_t count;
  const std::function<void(std::size_t)> &call;
  const CallChain chain;
  std::atomic<std::size_t> next = 0;
  std::atomic<std::int64_t> cost = 0;
  std::mutex mutex;
  std::condition_variable finished;
  std::size_t done = 0;

  // Takes calls and runs them until none is left, as part of the waiting
  // thread's call chain. noexcept: a call that throws on a worker would leave
  // the waiting thread waiting; the whole process stops instead.
  void take_part() noexcept {
    AdoptChain adopt(chain);
    for (std::size_t i; (i = next.fetch_add(1)) < count;) {
      const auto start = FanOut::clock::now();
      call(i);
      cost.fetch_add((FanOut::clock::now() - start).count(), std::memory_order_relaxed);
      std::lock_guard lock(mutex);
      if (++done == count)
        finished.notify_all();
    }
  }
};

} // namespace

std::chrono::nanoseconds run_parallel(Executor &executor, std::size_t count,
                                      const std::function<void(std::size_t)> &call) {
  auto branches = std::make_shared<Branches>(count, call, CallChain::joinable());
  // One task per worker at most: each takes calls until none is left. A
  // refused task (the executor shut down) leaves its share to this thread.
  const std::size_t helpers = std::min(executor.size(), count - 1);
  for (std::size_t i = 0; i < helpers; ++i)
    if (!executor.submit([branches] { branches->take_part(); }))
      break;
  branches->take_part();
  std::unique_lock lock(branches->mutex);
  branches->finished.wait(lock, [&] { return branches->done == branches->count; });
  return std::chrono::nanoseconds(branches->cost.load(std::memory_order_relaxed));
}

} // namespace detail

void Binding::parallel(std::shared_ptr<Executor> executor, ParallelOptions options) const {
  detail::share(*this)->fan_out.set(std::move(executor), options.min_cost);
}

} // namespace wasm_link
