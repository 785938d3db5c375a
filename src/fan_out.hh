// Parallel fan-out (Binding::parallel): the plugins of one dispatch into a
// binding, from the host or through a socket, run on several threads at once
// when their calls are worth handing out.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>
#include <wasm_link/executor.hh>

namespace wasm_link::detail {

// Calls `call(i)` for every i < count, on this thread and at once on up to all
// of `executor`'s workers, each taking the next call not yet taken; returns when
// all have returned, with their durations added up. The workers continue this
// thread's call chain (CallChain). This thread never waits for a call no thread
// has started, so a fan-out inside a fan-out on the same workers cannot starve.
std::chrono::nanoseconds run_parallel(Executor &executor, std::size_t count,
                                      const std::function<void(std::size_t)> &call);

// A binding's switch: the executor its fan-outs may use, and what each of its
// functions' last fan-out cost, so that cheap ones stay on the calling thread.
class FanOut {
public:
  using clock = std::chrono::steady_clock;

  // For `functions` functions (BindingState::expected), once, before any run.
  void resize(std::size_t functions) {
    costs_ = std::make_unique<std::atomic<std::int64_t>[]>(functions);
  }
  // Null turns it off.
  void set(std::shared_ptr<Executor> executor, std::chrono::nanoseconds min_cost) {
    std::lock_guard lock(mutex_);
    executor_ = std::move(executor);
    min_cost_.store(executor_ ? std::max<std::int64_t>(min_cost.count(), 0) : off);
  }

  // `call(i)` for each i < count (the plugins of one dispatch of `function`),
  // in order on this thread, or in parallel when the switch is on and the last
  // fan-out of `function` cost at least its threshold; the results in order of i.
  template <typename T, typename Call>
  std::vector<T> run(std::size_t function, std::size_t count, Call &&call) {
    std::vector<T> out;
    out.reserve(count);
    const std::int64_t min_cost = count < 2 ? off : min_cost_.load(std::memory_order_relaxed);
    if (min_cost == off || costs_[function].load(std::memory_order_relaxed) < min_cost) {
      // Bindings without the switch, and single calls, do not even read the clock.
      const auto start = min_cost == off ? clock::time_point() : clock::now();
      for (std::size_t i = 0; i < count; ++i)
        out.push_back(call(i));
      if (min_cost != off)
        record(function, clock::now() - start);
      return out;
    }
    std::shared_ptr<Executor> executor = this->executor();
    std::vector<std::optional<T>> results(count);
    const std::function<void(std::size_t)> one = [&](std::size_t i) {
      results[i].emplace(call(i));
    };
    if (executor)
      record(function, run_parallel(*executor, count, one));
    else // turned off meanwhile
      for (std::size_t i = 0; i < count; ++i)
        one(i);
    for (std::optional<T> &result : results)
      out.push_back(std::move(*result));
    return out;
  }

private:
  static constexpr std::int64_t off = std::numeric_limits<std::int64_t>::max();

  std::shared_ptr<Executor> executor() {
    std::lock_guard lock(mutex_);
    return executor_;
  }
  void record(std::size_t function, std::chrono::nanoseconds cost) {
    costs_[function].store(cost.count(), std::memory_order_relaxed);
  }

  // Nanoseconds; `off` while there is no executor.
  std::atomic<std::int64_t> min_cost_ = off;
  // Per function: what its plugins' calls took together in its last fan-out.
  std::unique_ptr<std::atomic<std::int64_t>[]> costs_;
  std::mutex mutex_;
  std::shared_ptr<Executor> executor_;
};

} // namespace wasm_link::detail
