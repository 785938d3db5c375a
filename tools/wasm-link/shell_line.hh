// Reading one command line of `wasm-link shell`: what a person or a pipe typed,
// so outside input, with bounds (fuzz/shell.cc fuzzes it).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>
#include <wasm_link/error.hh>

namespace wasm_link::tool {

// A line longer than this is refused (and read to its end): input is not trusted.
inline constexpr std::size_t max_line_bytes = std::size_t(1) << 20;

// The words of a command line: split at spaces and tabs, except inside
// double-quoted strings, single-quoted chars and brackets, so that a WAVE value
// is one word. Refused with the reason: a control character (echoed in an
// answer, it could drive the terminal; WAVE writes them escaped, so a command
// needs none), a quote or a bracket left open.
Result<std::vector<std::string>, std::string> command_words(std::string_view line);

} // namespace wasm_link::tool
