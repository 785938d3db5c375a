// What both C++ contenders share: the fixtures, compiled once per process in one
// engine, the argument values of each case, the batch sizes, and resident memory.
// The Rust harness (bench/rust) uses the same fixtures, values and batch sizes.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <malloc.h>
#include <map>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>
#include <wasm_link.hh>

namespace wasm_link::bench {

// Plugin -> plugin cases loop inside the consumer: one host dispatch makes this
// many socket calls, and time per operation is per socket call. The host call
// around them is then at most a few tenths of a percent of the figure.
inline constexpr std::uint32_t socket_calls = 1000;
// Fan-outs per host dispatch, for a binding of `plugins` plugins.
inline std::uint32_t fan_outs(std::size_t plugins) {
  return static_cast<std::uint32_t>(std::max<std::size_t>(1, 1000 / plugins));
}
// 64 KiB socket calls per host dispatch (bytes_consumer.wat): each is
// milliseconds through dynamic values, so a few make the host call negligible.
inline constexpr std::uint32_t socket_bytes_calls = 10;
// What bytes_consumer.wat's call-bytes(n) returns when every answer is right.
inline std::uint32_t socket_bytes_sum(std::uint32_t calls) {
  std::uint32_t sum = 0;
  for (std::uint32_t k = 1; k <= calls; ++k)
    sum += k % 256;
  return sum;
}
// Create + method + drop round trips per host dispatch.
inline constexpr std::uint32_t round_trips = 100;
// Plugins instantiated to measure resident memory per plugin.
inline constexpr std::size_t resident_plugins = 100;

[[noreturn]] inline void fail(const std::string &message) {
  std::fprintf(stderr, "bench: %s\n", message.c_str());
  std::exit(1);
}

template <typename T, typename E> T take(Result<T, E> result) {
  if (!result)
    fail(result.err().message());
  return result.ok();
}

// One engine for the process, configured as the runtime's users configure it:
// default_config(), which has Wasmtime's concurrency support off. With
// WASM_LINK_BENCH_CONCURRENCY=on it is back on, as in Wasmtime's own default
// (bench/run measures both).
inline wasmtime::Engine &engine() {
  static wasmtime::Engine engine([] {
    wasmtime::Config config = default_config();
    const char *concurrency = std::getenv("WASM_LINK_BENCH_CONCURRENCY");
    if (concurrency != nullptr && std::string_view(concurrency) == "on")
      config.concurrency_support(true);
    // For profiling under Valgrind (bench/analysis.md), which cannot reserve
    // Wasmtime's default 4 GiB per linear memory: small reservations, no
    // signal handlers. Never set by bench/run.
    if (std::getenv("WASM_LINK_BENCH_VALGRIND") != nullptr) {
      config.memory_reservation(1 << 26);
      config.memory_guard_size(0);
      config.memory_reservation_for_growth(0);
      config.signals_based_traps(false);
    }
    return config;
  }());
  return engine;
}

// A fixture of bench/fixtures, compiled once.
inline const wasmtime::component::Component &component(const std::string &name) {
  static std::map<std::string, wasmtime::component::Component, std::less<>> compiled;
  auto found = compiled.find(name);
  if (found == compiled.end())
    found =
        compiled
            .emplace(name, take(load_component(
                               engine(), std::filesystem::path(WASM_LINK_BENCH_FIXTURES) / name)))
            .first;
  return found->second;
}

// Plugin ids: `provider` when there is one, else p0, p1, ... (all short enough
// for the small-string buffer of every contender's string type).
inline std::string plugin_id(std::size_t i) {
  std::string id(1, 'p'); // not "p" + ...: GCC 12 warns falsely (-Wrestrict) at -O3
  id += std::to_string(i);
  return id;
}

// The arguments of the host dispatch cases.
inline Val string_1k() {
  return Val::string(std::string(1024, 'x'));
}
inline Val bytes_64k() {
  std::vector<Val> bytes;
  bytes.reserve(64 * 1024);
  for (std::size_t i = 0; i < 64 * 1024; ++i)
    bytes.emplace_back(static_cast<std::uint8_t>(i));
  return wasmtime::component::List(std::move(bytes));
}
inline Val record_8() {
  return wasmtime::component::Record({{"a", Val(std::uint8_t{1})},
                                      {"b", Val(std::uint16_t{2})},
                                      {"c", Val(std::uint32_t{3})},
                                      {"d", Val(std::uint64_t{4})},
                                      {"e", Val(std::int32_t{-5})},
                                      {"f", Val(std::int64_t{-6})},
                                      {"g", Val(7.5f)},
                                      {"h", Val(8.25)}});
}

// Checked once before a benchmark's timed loop, so that every contender is seen
// to do the work it is timed for.
inline void expect(benchmark::State &state, const std::string &what, const std::string &got,
                   const std::string &wanted) {
  if (got != wanted)
    state.SkipWithError(
        (what + ": got " + got.substr(0, 200) + ", expected " + wanted.substr(0, 200)).c_str());
}

// Returns the heap's free pages to the system, so that the next allocations
// show in the resident set instead of reusing pages already counted.
inline void settle_heap() {
  malloc_trim(0);
}

// Resident set size of the process, in bytes; with WASM_LINK_BENCH_HEAP set,
// the heap's bytes in use instead (mallinfo2), which moves by the byte where
// the resident set moves by the page (bench/analysis.md). Never set by bench/run.
inline std::size_t resident_bytes() {
  if (std::getenv("WASM_LINK_BENCH_HEAP") != nullptr)
    return mallinfo2().uordblks;
  std::FILE *statm = std::fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (statm == nullptr || std::fscanf(statm, "%lu %lu", &size, &resident) != 2)
    fail("cannot read /proc/self/statm");
  std::fclose(statm);
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

} // namespace wasm_link::bench
