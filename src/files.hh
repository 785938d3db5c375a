// Reading files the runtime is given (components, cache entries): regular files
// only, never more than a cap, every failure a message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>
#include <wasm_link/error.hh>

namespace wasm_link::detail {

// The bytes of `file`, or why not: not a regular file (a directory, a FIFO, a
// device such as /dev/zero), larger than `max_bytes`, or a read error (which
// /proc/self/mem gives). Never blocks on a FIFO.
Result<std::vector<std::uint8_t>, std::string> read_file(const std::filesystem::path &file,
                                                         std::uint64_t max_bytes);

} // namespace wasm_link::detail
