// SHA-256 (FIPS 180-4), for the compile cache's keys and checksums: a plugin
// author must not be able to make their component's key collide with another's.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace wasm_link::detail {

class Sha256 {
public:
  Sha256();
  Sha256 &update(std::span<const std::uint8_t> bytes);
  Sha256 &update(std::string_view text);
  std::array<std::uint8_t, 32> finish();

  // Off: the portable code even where the CPU has SHA instructions (for tests
  // of the portable code on machines that have them).
  static inline bool use_cpu_extensions = true;

private:
  // `count` blocks of 64 bytes, with the CPU's SHA instructions where it has them.
  void blocks(const std::uint8_t *p, std::size_t count);
  void block(const std::uint8_t *p);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;
};

std::string to_hex(std::span<const std::uint8_t> bytes);

} // namespace wasm_link::detail
