// What a manifest's text must be before toml++ sees it. Debian's toml++ 3.3
// crashes or reaches undefined behaviour on some hostile input (a dotted key of
// 50,000 parts, a non-ASCII bare key, a table header that does not close); the
// guard refuses those shapes, with the line and column, so that only text
// within these bounds reaches the parser.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wasm_link::tool {

constexpr std::size_t kMaxManifestBytes = 1 << 20;
constexpr std::size_t kMaxNesting = 32;  // arrays and inline tables in one another
constexpr std::size_t kMaxKeyParts = 32; // `a.b.c` has 3

// `line:column: what is wrong`, or nothing when the text is within bounds.
std::optional<std::string> check_toml_text(std::string_view text);

} // namespace wasm_link::tool
