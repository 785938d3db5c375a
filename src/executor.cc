#include <wasm_link/executor.hh>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace wasm_link {

struct Executor::Queue {
  struct Task {
    std::function<void()> run;
    std::function<void()> abandon;
  };

  std::mutex mutex;
  std::condition_variable ready;
  std::deque<Task> tasks;
  bool open = true;

  // A worker's life: take the next task and run it, until the queue closes.
  void work() {
    std::unique_lock lock(mutex);
    for (;;) {
      ready.wait(lock, [&] { return !open || !tasks.empty(); });
      if (!open)
        return;
      Task task = std::move(tasks.front());
      tasks.pop_front();
      lock.unlock();
      task.run();
      task = {}; // what the task holds goes before the next wait
      lock.lock();
    }
  }
};

Executor::Executor(std::size_t threads) : queue_(std::make_shared<Queue>()) {
  threads = std::max<std::size_t>(threads, 1);
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    workers_.emplace_back([queue = queue_] { queue->work(); });
}

Executor::~Executor() {
  shutdown();
}

bool Executor::submit(std::function<void()> run, std::function<void()> abandon) {
  {
    std::lock_guard lock(queue_->mutex);
    if (!queue_->open)
      return false;
    queue_->tasks.push_back({std::move(run), std::move(abandon)});
  }
  queue_->ready.notify_one();
  return true;
}

void Executor::shutdown() {
  std::deque<Queue::Task> abandoned;
  {
    std::lock_guard lock(queue_->mutex);
    if (!queue_->open)
      return;
    queue_->open = false;
    abandoned.swap(queue_->tasks);
  }
  queue_->ready.notify_all();
  for (std::thread &worker : workers_) {
    // A task that shuts its own executor down (say, by dropping its last
    // handle) cannot wait for itself: its worker ends on its own afterwards.
    if (worker.get_id() == std::this_thread::get_id())
      worker.detach();
    else
      worker.join();
  }
  for (Queue::Task &task : abandoned)
    if (task.abandon)
      task.abandon();
}

} // namespace wasm_link
