// Executors: a fixed pool of worker threads that runs the host's asynchronous
// dispatches (Binding::dispatch_async) and the parallel branches of a fan-out
// (Binding::parallel).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace wasm_link {

class Executor {
public:
  // Starts `threads` workers (at least one); by default one per hardware thread.
  explicit Executor(std::size_t threads = std::thread::hardware_concurrency());
  Executor(const Executor &) = delete;
  Executor &operator=(const Executor &) = delete;
  // Shuts down.
  ~Executor();

  // Queues a task: a worker calls `run`, or, if the executor shuts down before
  // the task started, `abandon` (when given) on the thread that shuts it down.
  // False once shut down: then neither is called, the task is the caller's again.
  bool submit(std::function<void()> run, std::function<void()> abandon = {});

  // Refuses new tasks, waits for the running ones to end, and abandons those
  // still queued. Called from one of the executor's own tasks, it does not wait
  // for that task. Later calls do nothing.
  void shutdown();

  // How many workers it has.
  std::size_t size() const noexcept { return workers_.size(); }

private:
  struct Queue;
  // Shared with the workers, so that a worker left running by a shutdown from
  // its own task still has it.
  std::shared_ptr<Queue> queue_;
  std::vector<std::thread> workers_;
};

} // namespace wasm_link
