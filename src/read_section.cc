#include "read_section.hh"

#include <atomic>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace wasm_link::detail {

// One thread's state: the epoch it read when its outermost section opened
// (idle when none is open). Records are never freed: a thread that ends gives
// its record back for the next thread to take.
struct alignas(64) Reader {
  static constexpr std::uint64_t idle = 0;
  std::atomic<std::uint64_t> epoch{idle};
  std::uint32_t depth = 0; // its own thread's only
  std::atomic<bool> taken{true};
  Reader *next = nullptr;
};

namespace {

struct Retired {
  std::uint64_t epoch; // the global epoch before the retirement
  std::function<void()> release;
};

#if defined(__linux__)
bool register_membarrier() {
  return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}
#else
bool register_membarrier() {
  return false;
}
#endif

struct Domain {
  std::atomic<std::uint64_t> epoch{1};
  // How many releases wait; read by every closing section, so kept apart.
  alignas(64) std::atomic<std::size_t> pending{0};
  alignas(64) std::mutex mutex; // the reader list's growth, and `retired`
  std::atomic<Reader *> readers{nullptr};
  std::vector<Retired> retired;
  // Whether the writer's membarrier orders readers' plain stores and loads.
  const bool asymmetric = register_membarrier();
};

// Never destroyed: threads may close sections while static objects are torn down.
Domain &domain() {
  static Domain *const d = new Domain();
  return *d;
}

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer has no fences; a seq_cst read-modify-write orders as one does
// on x86, and is what it models.
void full_fence() {
  static std::atomic<int> word{0};
  word.fetch_add(0, std::memory_order_seq_cst);
}
#else
void full_fence() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
}
#endif

// The reader's half of the fence: with membarrier, only the compiler may not
// reorder across it; the writer's membarrier makes it a full fence when needed.
inline void light_barrier(const Domain &d) {
  if (d.asymmetric) [[likely]]
    std::atomic_signal_fence(std::memory_order_seq_cst);
  else
    full_fence();
}

void heavy_barrier(const Domain &d) {
#if defined(__linux__)
  if (d.asymmetric && syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
    return;
#endif
  full_fence();
}

thread_local Reader *current = nullptr;
thread_local bool reclaiming = false;

// Gives the thread's record back when the thread ends.
struct Enrollment {
  ~Enrollment() {
    if (current == nullptr)
      return;
    current->epoch.store(Reader::idle, std::memory_order_release);
    current->taken.store(false, std::memory_order_release);
    current = nullptr;
  }
};
thread_local Enrollment enrollment;

Reader *enroll() {
  Domain &d = domain();
  (void)&enrollment; // constructs it, so that its destructor runs at the thread's end
  std::lock_guard lock(d.mutex);
  for (Reader *r = d.readers.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    bool free = false;
    if (!r->taken.load(std::memory_order_acquire) &&
        r->taken.compare_exchange_strong(free, true, std::memory_order_acq_rel)) {
      r->depth = 0;
      return current = r;
    }
  }
  auto *r = new Reader();
  r->next = d.readers.load(std::memory_order_relaxed);
  d.readers.store(r, std::memory_order_release);
  return current = r;
}

// The oldest epoch an open section read; max when none is open.
std::uint64_t oldest_open(const Domain &d) {
  std::uint64_t oldest = std::numeric_limits<std::uint64_t>::max();
  for (Reader *r = d.readers.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    const std::uint64_t e = r->epoch.load(std::memory_order_acquire);
    if (e != Reader::idle && e < oldest)
      oldest = e;
  }
  return oldest;
}

// Takes out, under the domain's lock, the releases no open section can still need.
std::vector<std::function<void()>> ready_releases(Domain &d) {
  std::vector<std::function<void()>> ready;
  std::lock_guard lock(d.mutex);
  if (d.retired.empty())
    return ready;
  const std::uint64_t oldest = oldest_open(d);
  std::erase_if(d.retired, [&](Retired &r) {
    // A section that read a later epoch opened after the roster was replaced.
    if (r.epoch >= oldest)
      return false;
    ready.push_back(std::move(r.release));
    return true;
  });
  d.pending.store(d.retired.size(), std::memory_order_relaxed);
  return ready;
}

void run(std::vector<std::function<void()>> ready) {
  reclaiming = true;
  for (auto &release : ready)
    release();
  reclaiming = false;
}

} // namespace

ReadSection::ReadSection() noexcept : reader_(current != nullptr ? current : enroll()) {
  if (reader_->depth++ == 0) {
    const Domain &d = domain();
    reader_->epoch.store(d.epoch.load(std::memory_order_seq_cst), std::memory_order_relaxed);
    light_barrier(d);
  }
}

ReadSection::~ReadSection() {
  if (--reader_->depth != 0)
    return;
  Domain &d = domain();
  reader_->epoch.store(Reader::idle, std::memory_order_release);
  light_barrier(d);
  // Pairs with retire(): either its scan saw this section closed, or this sees it pending.
  if (d.pending.load(std::memory_order_relaxed) != 0) [[unlikely]]
    reclaim();
}

void retire(std::function<void()> release) {
  Domain &d = domain();
  {
    std::lock_guard lock(d.mutex);
    d.retired.push_back({d.epoch.fetch_add(1, std::memory_order_seq_cst), std::move(release)});
    d.pending.store(d.retired.size(), std::memory_order_seq_cst);
  }
  // Every section either shows as open to the scan below or loads the new roster.
  heavy_barrier(d);
  reclaim();
}

void reclaim() {
  if (reclaiming)
    return; // a release's own sections: the outer reclaim goes on after it
  run(ready_releases(domain()));
}

std::size_t retired_count() {
  Domain &d = domain();
  std::lock_guard lock(d.mutex);
  return d.retired.size();
}

} // namespace wasm_link::detail
