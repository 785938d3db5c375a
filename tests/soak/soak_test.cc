// Soak: a graph under four threads for a bounded time. Host dispatches, socket
// calls from consumers into their provider, resource create/method/drop cycles
// from the host and through a socket, and restarts of two providers and a
// consumer all run at once. Every result is checked; the one error a restart may
// cause a concurrent call is accepted by kind and message, and counted. Memory
// (resident, and the heap held) must stay flat after a warm-up, threads that do
// not finish are a deadlock, and once everything is dropped no binding holds a
// handle and no provider a live counter.
//
// WASM_LINK_SOAK_SECONDS sets the duration: 5 s by default (ctest, CI), e.g. 600
// for a long run. The report line at the end gives memory and operation counts.
#include "memory.hh"
#include "support.hh"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

namespace wasm_link::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How much memory may grow from the end of the warm-up to the end of the run,
// chosen from measurements. In an ordinary build resident memory moved by 80 to
// 450 KiB in 5 s runs and by 160 KiB over a 150 s run (60 million operations),
// and the heap held stayed within 100 KiB, falling as often as rising (the
// pools of live handles vary in size). A leak of one 16-byte block per
// operation would add over 20 MiB in the short run (1.3 million operations
// after the warm-up) and over 2 MiB under a sanitizer (about a tenth of the
// operations): 1 MiB of heap and 8 MiB of resident memory sit above the noise
// and below any leak of that kind.
constexpr long held_margin_kib = 1024;
constexpr long margin_kib = 8 * 1024;

// Resident memory under sanitizers measures the sanitizer as much as the
// program, so there the heap held (which leaves ASan's quarantine out) carries
// the check, and resident memory has a bound of its own:
// - ASan keeps freed blocks in a quarantine (256 MiB unless ASAN_OPTIONS sets
//   quarantine_size_mb) before reusing them, and its allocator about as much
//   again in regions the quarantined blocks keep apart. Resident memory rose
//   by 254 MiB in a 5 s run as the quarantine filled, by 93 MiB over 170 s
//   after a 10 s warm-up, and by 2 MiB over 35 s with quarantine_size_mb=0;
//   the bound is twice the quarantine plus the margin.
// - TSan shadows every address the program touches: resident memory rose by
//   2 to 4 MiB (5 s and 60 s runs); the bound is four times the margin.

#ifdef WASM_LINK_TESTS_ASAN
// ASan's quarantine in MiB: quarantine_size_mb from ASAN_OPTIONS, else its
// default on 64-bit Linux.
long asan_quarantine_mib() {
  const char *options = std::getenv("ASAN_OPTIONS");
  const std::string_view key = "quarantine_size_mb=";
  if (options != nullptr)
    if (const char *at = std::strstr(options, key.data()); at != nullptr) {
      const long mib = std::strtol(at + key.size(), nullptr, 10);
      if (mib >= 0)
        return mib;
    }
  return 256;
}
#endif

long resident_margin_kib() {
#if defined(WASM_LINK_TESTS_ASAN)
  return 2 * asan_quarantine_mib() * 1024 + margin_kib;
#elif defined(WASM_LINK_TESTS_TSAN)
  return 4 * margin_kib;
#else
  return margin_kib;
#endif
}

std::chrono::seconds soak_duration() {
  const char *text = std::getenv("WASM_LINK_SOAK_SECONDS");
  if (text == nullptr || *text == '\0')
    return 5s;
  char *end = nullptr;
  errno = 0;
  const long seconds = std::strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || seconds < 1 || seconds > 86'400)
    throw std::runtime_error("WASM_LINK_SOAK_SECONDS must be whole seconds from 1 to 86400, not `" +
                             std::string(text) + "`");
  return std::chrono::seconds(seconds);
}

// The one error a restart may cause a concurrent call (README, "Resources
// across plugins"): a handle its owner made before the restart is refused
// before the owner sees it.
std::string made_before_restart(std::string_view id, std::string_view function) {
  return "invalid-resource-handle (plugin `" + std::string(id) + "`, `test:res/counters`.`" +
         std::string(function) + "`: the plugin was restarted since it gave out the handle)";
}

// Restarts of one plugin. Only the restart thread restarts it, so `begun` is
// `done` or one more.
struct Restarts {
  std::atomic<std::uint64_t> begun{0}, done{0};
  // Whether a restart may have come between the moment `done` read `before`
  // and now, which a handle refused as made before a restart needs.
  bool since(std::uint64_t before) const { return begun.load() > before; }
};

struct Counts {
  std::atomic<std::uint64_t> host_dispatches{0}, host_handles{0}, host_methods{0}, host_drops{0},
      host_consumed{0}, host_refused{0}, host_refused_consume{0};
  std::atomic<std::uint64_t> socket_cycles{0}, socket_keeps{0}, socket_gets{0}, socket_releases{0},
      socket_refused{0}, socket_refused_consume{0};
  std::atomic<std::uint64_t> restarts{0}, restart_thread_dispatches{0};
};

class Soak : public ::testing::Test {
protected:
  // The graph. Providers `a` (tag 0) and `b` (tag 1000) implement
  // `test:res/counters`; `shared` holds `a` alone and is both a host binding
  // and the socket of the two consumers; `pair` holds both providers. The
  // consumers (consumer.wat) each sit in a `test:soak` binding: `cycler` makes,
  // uses and drops a counter within each call and is restarted; `keeper` keeps
  // counters across calls and is not (a consumer's restart takes its store
  // with the handles in it, and nobody could drop those any more).
  wasmtime::Engine engine = make_engine();
  wasmtime::component::Linker linker{engine};
  PluginInstance a = take(Plugin(counters(engine, 0)).instantiate(engine, linker));
  PluginInstance b = take(Plugin(counters(engine, 1000)).instantiate(engine, linker));
  Binding shared = provider_binding({{"a", a}}, Cardinality::exactly_one);
  Binding pair = provider_binding({{"a", a}, {"b", b}}, Cardinality::any);
  wasmtime::component::Component consumer = load(engine, "soak/consumer.wat");
  PluginInstance cycler =
      take(Plugin(consumer).link(engine, wasmtime::component::Linker(engine), {shared}));
  PluginInstance keeper =
      take(Plugin(consumer).link(engine, wasmtime::component::Linker(engine), {shared}));
  Binding cycling = consumer_binding(cycler);
  Binding keeping = consumer_binding(keeper);

  Restarts restarts_a, restarts_b, restarts_cycler;
  Counts counts;
  std::atomic<bool> stop{false};
  std::atomic<int> finished{0}; // threads whose loop has ended
  std::mutex failure_mutex;
  std::string first_failure;

  Binding provider_binding(Binding::Plugs plugs, Cardinality cardinality) {
    auto interface =
        take(Interface::from_component(engine, counters(engine, 0), "test:res/counters"));
    return take(
        Binding::create("test:res", {{"counters", interface}}, cardinality, std::move(plugs)));
  }

  Binding consumer_binding(PluginInstance plugin) {
    auto interface = take(Interface::from_component(engine, consumer, "test:soak/run"));
    return take(Binding::create("test:soak", {{"run", interface}}, Cardinality::exactly_one,
                                {{"app", std::move(plugin)}}));
  }

  Restarts &restarts_of(std::string_view id) { return id == "a" ? restarts_a : restarts_b; }

  // Records the first unexpected outcome and stops every thread.
  void fail(const std::string &what) {
    {
      std::lock_guard lock(failure_mutex);
      if (first_failure.empty())
        first_failure = what;
    }
    stop = true;
  }

  // Runs a thread's loop until the soak stops; anything it throws is a failure.
  template <typename Loop> std::thread worker(std::string name, Loop loop) {
    return std::thread([this, name = std::move(name), loop = std::move(loop)]() mutable {
      try {
        std::mt19937 random(std::hash<std::string>()(name));
        while (!stop.load(std::memory_order_relaxed))
          loop(random);
      } catch (const std::exception &e) {
        fail(name + ": " + e.what());
      }
      ++finished;
    });
  }

  // The result of a dispatch into a one-plugin binding, or of the call to
  // plugin `id`; throws on anything but one result from that plugin.
  static CallResult one(Result<DispatchResults, DispatchError> dispatched, std::string_view id) {
    if (!dispatched)
      throw std::runtime_error("the whole dispatch failed: " + dispatched.err().message());
    const DispatchResults &results = dispatched.ok_ref();
    if (results.size() != 1 || results[0].id != id)
      throw std::runtime_error("expected one result, from `" + std::string(id) + "`, got " +
                               std::to_string(results.size()));
    return results[0].result;
  }
  static Val value(const CallResult &result, const std::string &what) {
    if (!result)
      throw std::runtime_error(what + ": " + result.err_ref().message());
    if (!result.ok_ref())
      throw std::runtime_error(what + ": no value");
    return *result.ok_ref();
  }

  // The host's side ------------------------------------------------------------

  struct HostHandle {
    const Binding *binding;
    std::string owner; // its plugin's id in `binding`
    std::uint32_t tag; // what the owner's `get` adds
    Val handle;
    std::uint32_t value;    // what `get` answers while the owner was not restarted
    std::uint64_t restarts; // the owner's finished restarts before it was made
  };
  std::vector<HostHandle> host_handles; // the host thread's alone until it ends

  // A handle refused because its owner was restarted: throws unless that is
  // the error and a restart did come after the handle was made.
  void expect_refused_after_restart(const HostHandle &held, std::string_view function,
                                    const DispatchError &error) {
    if (error.kind() != DispatchError::Kind::invalid_resource_handle ||
        error.message() != made_before_restart(held.owner, function) ||
        !restarts_of(held.owner).since(held.restarts))
      throw std::runtime_error(std::string(function) + " on a handle of `" + held.owner +
                               "`: " + error.message());
    ++counts.host_refused;
    if (function == "consume")
      ++counts.host_refused_consume;
  }

  void keep_host_handle(const Binding &binding, std::string_view owner, const Val &handle,
                        std::uint32_t start, std::uint64_t restarts) {
    if (!handle.is_resource())
      throw std::runtime_error("expected a handle from `" + std::string(owner) + "`");
    const std::uint32_t tag = owner == "a" ? 0 : 1000;
    host_handles.push_back({&binding, std::string(owner), tag, handle, start + tag, restarts});
    ++counts.host_handles;
  }

  void host_make(std::mt19937 &random) {
    const std::uint32_t start = random() % 100'000;
    const auto before_a = restarts_a.done.load(), before_b = restarts_b.done.load();
    const Val arg(start);
    switch (random() % 5) {
    case 0: // make, on both bindings' plugins
    case 1: {
      const bool on_pair = random() % 2;
      auto made = (on_pair ? pair : shared).dispatch("counters", "make", {&arg, 1});
      ++counts.host_dispatches;
      if (!made)
        throw std::runtime_error("make: " + made.err().message());
      for (const auto &[id, result] : made.ok_ref())
        keep_host_handle(on_pair ? pair : shared, id, value(result, "make in " + id), start,
                         id == "a" ? before_a : before_b);
      break;
    }
    case 2: {
      Val made = value(one(shared.dispatch("counters", "[constructor]counter", {&arg, 1}), "a"),
                       "[constructor]counter");
      ++counts.host_dispatches;
      keep_host_handle(shared, "a", made, start, before_a);
      break;
    }
    case 3: { // a list of three from each plugin of `pair`
      const Val three(3u);
      auto made = pair.dispatch("counters", "make-many", {&three, 1});
      ++counts.host_dispatches;
      if (!made || made.ok_ref().size() != 2)
        throw std::runtime_error("make-many: " +
                                 (made ? std::string("not two results") : made.err().message()));
      for (const auto &[id, result] : made.ok_ref()) {
        const Val list = value(result, "make-many in " + id);
        std::uint32_t i = 0;
        for (const Val &handle : list.get_list())
          keep_host_handle(pair, id, handle, i++, id == "a" ? before_a : before_b);
      }
      break;
    }
    case 4: { // a record holding an option holding the handle
      Val boxed =
          value(one(shared.dispatch("counters", "make-boxed", {&arg, 1}), "a"), "make-boxed");
      ++counts.host_dispatches;
      const Val *inner = nullptr;
      for (const auto &field : boxed.get_record())
        if (field.name() == "counter")
          inner = field.value().get_option().value();
      if (inner == nullptr)
        throw std::runtime_error("make-boxed: no counter in " + to_string(boxed));
      keep_host_handle(shared, "a", *inner, start, before_a);
      break;
    }
    }
  }

  void host_use(std::mt19937 &random) {
    const std::size_t i = random() % host_handles.size();
    HostHandle &held = host_handles[i];
    const unsigned what = random() % 10;
    if (what < 4) { // get
      auto got = one(held.binding->dispatch("counters", "[method]counter.get", {&held.handle, 1}),
                     held.owner);
      ++counts.host_dispatches;
      ++counts.host_methods;
      if (!got)
        return expect_refused_after_restart(held, "[method]counter.get", got.err_ref());
      if (value(got, "get").get_u32() != held.value)
        throw std::runtime_error("get on `" + held.owner +
                                 "`: " + std::to_string(got.ok_ref()->get_u32()) + ", expected " +
                                 std::to_string(held.value));
    } else if (what < 6) { // add
      const std::uint32_t n = random() % 10;
      const std::vector<Val> args{held.handle, Val(n)};
      auto added = one(held.binding->dispatch("counters", "[method]counter.add", args), held.owner);
      ++counts.host_dispatches;
      ++counts.host_methods;
      if (!added)
        return expect_refused_after_restart(held, "[method]counter.add", added.err_ref());
      if (added.ok_ref())
        throw std::runtime_error("add returned a value");
      held.value += n;
    } else if (what < 9) { // drop: always succeeds, stale or not
      auto dropped = held.binding->drop(held.handle.get_resource());
      if (!dropped)
        throw std::runtime_error("drop of a handle of `" + held.owner +
                                 "`: " + dropped.err().message());
      ++counts.host_drops;
      host_handles.erase(host_handles.begin() + static_cast<std::ptrdiff_t>(i));
    } else { // consume: the handle goes back to its owner, refused or not
      const HostHandle given = std::move(held);
      host_handles.erase(host_handles.begin() + static_cast<std::ptrdiff_t>(i));
      auto dispatched = given.binding->dispatch("counters", "consume", {&given.handle, 1});
      ++counts.host_dispatches;
      if (!dispatched)
        throw std::runtime_error("consume: " + dispatched.err().message());
      // `pair` answers for its other plugin too: the handle is not its.
      for (const auto &[id, result] : dispatched.ok_ref()) {
        if (id != given.owner) {
          if (result || result.err_ref().kind() != DispatchError::Kind::invalid_resource_handle)
            throw std::runtime_error("consume reached `" + id + "`, which does not own it");
          continue;
        }
        if (!result)
          return expect_refused_after_restart(given, "consume", result.err_ref());
        if (value(result, "consume").get_u32() != given.value - given.tag)
          throw std::runtime_error("consume in `" + id + "`: " + to_string(*result.ok_ref()));
        ++counts.host_consumed;
      }
    }
  }

  void host_loop(std::mt19937 &random) {
    if (host_handles.size() < 8 || (host_handles.size() < 64 && random() % 3 == 0))
      host_make(random);
    else
      host_use(random);
  }

  // Through the sockets ---------------------------------------------------------

  // An `err` of consumer.wat: the message of the error its socket gave it,
  // which must be the owner's refusal of a handle made before a restart.
  void expect_socket_refusal(const Val &result, std::uint64_t restarts_before,
                             std::initializer_list<std::string_view> functions) {
    const Val *message = result.get_result().payload();
    const std::string got = message ? std::string(message->get_string()) : "(no message)";
    const auto function = std::find_if(functions.begin(), functions.end(), [&](auto function) {
      return got == made_before_restart("a", function);
    });
    if (function == functions.end() || !restarts_a.since(restarts_before))
      throw std::runtime_error("through the socket: " + got);
    ++counts.socket_refused;
    if (*function == "consume")
      ++counts.socket_refused_consume;
  }

  // One make/use/drop cycle in `app`; the mode picks the path (consumer.wat).
  void socket_cycle(const Binding &app, std::mt19937 &random) {
    const std::uint32_t start = random() % 100'000, mode = random() % 3;
    const std::uint64_t before = restarts_a.done.load();
    const std::vector<Val> args{Val(start), Val(mode)};
    Val result = value(one(app.dispatch("run", "cycle", args), "app"), "cycle");
    ++counts.socket_cycles;
    if (!result.get_result().is_ok())
      return expect_socket_refusal(result, before,
                                   {"[method]counter.get", "[method]counter.add", "consume"});
    const std::uint32_t expected = mode == 0 ? start + 1 : start;
    if (result.get_result().payload()->get_u32() != expected)
      throw std::runtime_error("cycle " + std::to_string(mode) + ": " + to_string(result));
  }

  struct KeptHandle {
    std::uint32_t index; // in keeper's own handle table
    std::uint32_t start;
    std::uint64_t restarts;
  };
  std::vector<KeptHandle> kept; // the keeper thread's alone until it ends

  void keeper_loop(std::mt19937 &random) {
    const unsigned what = random() % 10;
    if (kept.empty() || (kept.size() < 32 && what < 3)) {
      const std::uint32_t start = random() % 100'000;
      const std::uint64_t before = restarts_a.done.load();
      const Val arg(start);
      Val result = value(one(keeping.dispatch("run", "keep", {&arg, 1}), "app"), "keep");
      ++counts.socket_keeps;
      if (!result.get_result().is_ok())
        throw std::runtime_error("keep: " + to_string(result));
      kept.push_back({result.get_result().payload()->get_u32(), start, before});
    } else if (what < 6) {
      const KeptHandle &held = kept[random() % kept.size()];
      const Val arg(held.index);
      Val result = value(one(keeping.dispatch("run", "get", {&arg, 1}), "app"), "get");
      ++counts.socket_gets;
      if (!result.get_result().is_ok())
        return expect_socket_refusal(result, held.restarts, {"[method]counter.get"});
      if (result.get_result().payload()->get_u32() != held.start)
        throw std::runtime_error("get through the socket: " + to_string(result));
    } else if (what < 8) {
      release(random() % kept.size());
    } else if (what < 9) {
      Val live = value(one(keeping.dispatch("run", "owner-live", {}), "app"), "owner-live");
      if (!live.get_result().is_ok())
        throw std::runtime_error("owner-live: " + to_string(live));
    } else {
      socket_cycle(keeping, random);
    }
  }

  void release(std::size_t i) {
    const Val arg(kept[i].index);
    auto released = one(keeping.dispatch("run", "release", {&arg, 1}), "app");
    if (!released || released.ok_ref())
      throw std::runtime_error("release: " +
                               (released ? std::string("a value") : released.err_ref().message()));
    ++counts.socket_releases;
    kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(i));
  }

  // Restarts -------------------------------------------------------------------

  void restart(PluginInstance &plugin, Restarts &restarts, bool linked) {
    ++restarts.begun;
    auto restarted = linked ? plugin.restart() : plugin.restart(linker);
    if (!restarted)
      throw std::runtime_error("restart: " + restarted.err().message());
    ++restarts.done;
    ++counts.restarts;
  }

  void restart_loop(std::mt19937 &random) {
    // Between restarts, host dispatches without handles, to every plugin.
    for (int i = 0; i < 20 && !stop; ++i) {
      auto live = pair.dispatch("counters", i % 2 ? "destroyed" : "[static]counter.live", {});
      if (!live || live.ok_ref().size() != 2)
        throw std::runtime_error("host dispatch to `pair` failed");
      for (const auto &[id, result] : live.ok_ref())
        value(result, "a static function in " + id);
      ++counts.restart_thread_dispatches;
      std::this_thread::sleep_for(100us);
    }
    switch (random() % 3) {
    case 0:
      return restart(a, restarts_a, false);
    case 1:
      return restart(b, restarts_b, false);
    default:
      return restart(cycler, restarts_cycler, true);
    }
  }

  std::uint32_t live_in(std::string_view id) {
    auto live = take(pair.dispatch("counters", "[static]counter.live", {}));
    return value(*live.find(id), "live").get_u32();
  }
  std::uint32_t destroyed_in_a() {
    return value(one(shared.dispatch("counters", "destroyed", {}), "a"), "destroyed").get_u32();
  }
};

TEST_F(Soak, FourThreadsOfDispatchesSocketsResourcesAndRestartsKeepMemoryFlat) {
  const auto duration = soak_duration();
  // Allocator arenas, Wasmtime's caches and the handle tables' capacity settle
  // in the first seconds; a quarter of the run, at most 10 s, is warm-up.
  const auto warm_up = std::clamp<Clock::duration>(Clock::duration(duration) / 4, 1s, 10s);
  const auto started = Clock::now();

  std::vector<std::thread> threads;
  threads.push_back(worker("host", [this](std::mt19937 &random) { host_loop(random); }));
  threads.push_back(
      worker("cycler", [this](std::mt19937 &random) { socket_cycle(cycling, random); }));
  threads.push_back(worker("keeper", [this](std::mt19937 &random) { keeper_loop(random); }));
  threads.push_back(worker("restarts", [this](std::mt19937 &random) { restart_loop(random); }));

  auto wait_until = [&](Clock::time_point when) {
    while (!stop && Clock::now() < when)
      std::this_thread::sleep_for(50ms);
  };
  wait_until(started + warm_up);
  const long resident_after_warm_up = resident_kib();
  const long held_after_warm_up = held_kib();
  long resident_peak = resident_after_warm_up;
  for (auto next = Clock::now() + 1s; !stop && Clock::now() < started + duration; next += 1s) {
    wait_until(std::min(next, started + duration));
    resident_peak = std::max(resident_peak, resident_kib());
  }
  stop = true;
  // One operation takes well under a second, even under a sanitizer.
  for (const auto deadline = Clock::now() + 60s; finished < static_cast<int>(threads.size());) {
    if (Clock::now() > deadline) {
      std::cerr << "soak: " << threads.size() - finished
                << " threads did not finish within 60 s of the end: a deadlock\n";
      std::abort();
    }
    std::this_thread::sleep_for(10ms);
  }
  for (auto &thread : threads)
    thread.join();
  const long resident_at_end = resident_kib();
  const long held_at_end = held_kib();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  ASSERT_EQ(first_failure, "");

  std::ostringstream report;
  report << "soak: " << seconds << " s (warm-up " << std::chrono::duration<double>(warm_up).count()
         << " s); resident " << resident_after_warm_up << " KiB after warm-up, " << resident_at_end
         << " KiB at end (peak " << resident_peak << ", growth "
         << resident_at_end - resident_after_warm_up << " KiB)";
  report << "; heap held " << held_after_warm_up << " KiB after warm-up, " << held_at_end
         << " KiB at end";
  report << "\n  host: " << counts.host_dispatches << " dispatches, " << counts.host_handles
         << " handles made, " << counts.host_methods << " method calls, " << counts.host_drops
         << " drops, " << counts.host_consumed << " consumed, " << counts.host_refused
         << " refused after a restart (" << counts.host_refused_consume << " consume)"
         << "\n  sockets: " << counts.socket_cycles << " cycles, " << counts.socket_keeps
         << " handles kept, " << counts.socket_gets << " gets, " << counts.socket_releases
         << " releases, " << counts.socket_refused << " refused after a restart ("
         << counts.socket_refused_consume << " consume)"
         << "\n  restarts: " << counts.restarts << " (a " << restarts_a.done << ", b "
         << restarts_b.done << ", cycler " << restarts_cycler.done << "), with "
         << counts.restart_thread_dispatches << " dispatches between them"
         << "\n  left at the end: " << host_handles.size() << " host handles, " << kept.size()
         << " kept by the consumer, " << shared.live_handles() + pair.live_handles()
         << " wrapped\n";
  std::cout << report.str() << std::flush;
  RecordProperty("resident_kib_after_warm_up", std::to_string(resident_after_warm_up));
  RecordProperty("resident_kib_at_end", std::to_string(resident_at_end));

  // Every kind of operation ran, and restarts did come between them.
  EXPECT_GT(counts.host_methods, 0u);
  EXPECT_GT(counts.host_drops, 0u);
  EXPECT_GT(counts.host_consumed, 0u);
  EXPECT_GT(counts.socket_cycles, 0u);
  EXPECT_GT(counts.socket_gets, 0u);
  EXPECT_GT(restarts_a.done, 0u);
  EXPECT_GT(restarts_b.done, 0u);
  EXPECT_GT(restarts_cycler.done, 0u);

  EXPECT_LE(held_at_end - held_after_warm_up, held_margin_kib) << "KiB of heap held";
  EXPECT_LE(resident_at_end - resident_after_warm_up, resident_margin_kib())
      << "KiB of resident memory";

  // Dropping everything leaves nothing behind: no wrapped handle in either
  // binding, no live counter in either provider.
  for (const HostHandle &held : host_handles)
    EXPECT_TRUE(held.binding->drop(held.handle.get_resource()));
  host_handles.clear();
  while (!kept.empty())
    release(kept.size() - 1);
  EXPECT_EQ(shared.live_handles(), 0u);
  EXPECT_EQ(pair.live_handles(), 0u);
  EXPECT_EQ(live_in("a"), 0u);
  EXPECT_EQ(live_in("b"), 0u);

  // And the graph still works: 100 more cycles through the restarted consumer
  // run 100 more destructors in `a`.
  const std::uint32_t destroyed = destroyed_in_a();
  for (int i = 0; i < 100; ++i) {
    const std::vector<Val> args{Val(std::uint32_t(i)), Val(0u)};
    Val result = value(one(cycling.dispatch("run", "cycle", args), "app"), "cycle");
    ASSERT_TRUE(result.get_result().is_ok()) << to_string(result);
  }
  EXPECT_EQ(destroyed_in_a(), destroyed + 100);
  EXPECT_EQ(live_in("a"), 0u);
  EXPECT_EQ(shared.live_handles(), 0u);
}

} // namespace
} // namespace wasm_link::testing

namespace wasm_link::testing {
namespace {

// Found by the soak: a call given a handle (`own<counter>`) and refused before
// the owner saw it kept the handle wrapped, though the caller had given its
// handle away and could not drop it any more. Each such wrapper counted against
// the owner's max_resource_handles for good, so that the owner could give out
// no handles at all after enough of them. Now the handle is dropped as if the
// caller had dropped it.
class RefusedOwnArguments : public ::testing::Test {
protected:
  wasmtime::Engine engine = make_engine();
  wasmtime::component::Linker linker{engine};

  Binding binding(PluginInstance plugin) {
    auto interface =
        take(Interface::from_component(engine, counters(engine, 0), "test:res/counters"));
    return take(Binding::create("test:res", {{"counters", interface}}, Cardinality::exactly_one,
                                {{"a", std::move(plugin)}}));
  }
  static std::uint32_t u32(const Binding &b, std::string_view function) {
    return take(b.dispatch("counters", function, {}))[0].result.ok_ref()->get_u32();
  }
};

TEST_F(RefusedOwnArguments, OfARestartedOwnerLeaveNoWrapperBehind) {
  Limits one_handle;
  one_handle.max_resource_handles = 1;
  auto plugin =
      take(Plugin(counters(engine, 0)).with_limits(one_handle).instantiate(engine, linker));
  auto b = binding(plugin);
  for (std::uint32_t round = 0; round < 3; ++round) {
    auto made = take(b.dispatch("counters", "make", std::vector<Val>{Val(round)}));
    ASSERT_TRUE(made[0].result) << "round " << round << ": " << made[0].result.err_ref().message();
    const Val handle = *made[0].result.ok_ref();
    take(plugin.restart(linker));
    auto consumed = take(b.dispatch("counters", "consume", std::vector<Val>{handle}));
    ASSERT_FALSE(consumed[0].result);
    EXPECT_EQ(consumed[0].result.err_ref().message(), made_before_restart("a", "consume"));
    EXPECT_EQ(b.live_handles(), 0u);
    // The host gave the handle away.
    expect_error(b.drop(handle.get_resource()), DispatchError::Kind::invalid_resource_handle,
                 "invalid-resource-handle (the handle was already dropped or given away)");
  }
}

TEST_F(RefusedOwnArguments, OfALiveOwnerAreDroppedInIt) {
  // A call made from inside a call into the owner is refused (lock-rejected);
  // the handle it was given is dropped in the owner once that call ends.
  wasmtime::Config config = default_config();
  config.consume_fuel(true);
  engine = wasmtime::Engine(std::move(config));
  linker = wasmtime::component::Linker(engine);
  std::optional<Binding> b;
  std::optional<Val> given;
  Limits limits;
  limits.initial_fuel = 1'000'000;
  limits.fuel_per_call = [&](const CallSite &site) {
    if (given && site.function == "[static]counter.live") {
      auto consumed = b->dispatch("counters", "consume", {&*given, 1});
      EXPECT_TRUE(consumed);
      if (consumed) {
        EXPECT_EQ(consumed.ok_ref()[0].result.err_ref().kind(), DispatchError::Kind::lock_rejected);
      }
      given.reset();
    }
    return std::optional<std::uint64_t>(1'000'000);
  };
  b = binding(take(Plugin(counters(engine, 0)).with_limits(limits).instantiate(engine, linker)));
  given = *take(b->dispatch("counters", "make", std::vector<Val>{Val(1u)}))[0].result.ok_ref();
  EXPECT_EQ(u32(*b, "[static]counter.live"), 1u) << "the drop waits for this call to end";
  EXPECT_EQ(b->live_handles(), 0u);
  EXPECT_EQ(u32(*b, "destroyed"), 1u);
  EXPECT_EQ(u32(*b, "[static]counter.live"), 0u);
}

} // namespace
} // namespace wasm_link::testing
