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

// Text that check_toml_text took, with every character other than ASCII
// written as a `\u` or `\U` escape, which is what toml++ reads. toml++ 3.3
// reaches undefined behaviour when it asks whether some characters other than
// ASCII are whitespace, and a malformed value (`0"..."`) makes it ask of
// characters the guard saw inside a string. Within basic strings the escape
// means the same character; in comments it is text; elsewhere it is a syntax
// error, as the character would have been.
std::string ascii_toml(std::string_view text);

} // namespace wasm_link::tool
