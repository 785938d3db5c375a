// What a process holds in memory, for tests that a workload leaves nothing
// behind: resident memory, and the heap as the allocator counts it (under
// ASan, whose quarantine holds freed memory for a while, only the latter is a
// fair measure).
#pragma once

#include <cstddef>
#include <fstream>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#define WASM_LINK_TESTS_ASAN 1
#elif defined(__SANITIZE_THREAD__)
#define WASM_LINK_TESTS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WASM_LINK_TESTS_ASAN 1
#elif __has_feature(thread_sanitizer)
#define WASM_LINK_TESTS_TSAN 1
#endif
#endif

#if defined(WASM_LINK_TESTS_ASAN) || defined(WASM_LINK_TESTS_TSAN)
// From <sanitizer/allocator_interface.h>, which GCC does not ship: the bytes the
// program has allocated and not freed (ASan's quarantine not counted).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#else
#include <malloc.h>
#endif

namespace wasm_link::testing {

// Resident memory of this process, in KiB.
inline long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 12, '\n');
  }
  return value;
}

// Heap the program holds (allocated, not yet freed), in KiB, as the allocator
// counts it: Wasmtime's allocations included, memory mapped for linear memories
// and code not.
inline long held_kib() {
#if defined(WASM_LINK_TESTS_ASAN) || defined(WASM_LINK_TESTS_TSAN)
  return static_cast<long>(__sanitizer_get_current_allocated_bytes() / 1024);
#else
  const struct mallinfo2 info = mallinfo2(); // all of glibc's arenas
  return static_cast<long>((info.uordblks + info.hblkhd) / 1024);
#endif
}

// Whether the allocator is a sanitizer's.
constexpr bool sanitized =
#if defined(WASM_LINK_TESTS_ASAN) || defined(WASM_LINK_TESTS_TSAN)
    true;
#else
    false;
#endif

} // namespace wasm_link::testing
