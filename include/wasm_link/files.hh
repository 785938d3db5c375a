// Reading outside input (components, cache entries, manifests): regular files
// only, never more than a cap, every failure a message. For embedders that read
// files of their own the same way.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>
#include <wasm_link/error.hh>

namespace wasm_link {

// The bytes of `file`, or why not: not a regular file (a directory, a FIFO, a
// device such as /dev/zero), larger than `max_bytes`, or a read error (which
// /proc/self/mem gives). Never blocks on a FIFO.
Result<std::vector<std::uint8_t>, std::string> read_regular_file(const std::filesystem::path &file,
                                                                 std::uint64_t max_bytes);

} // namespace wasm_link
