// A command line of `wasm-link shell` from anyone (tools/wasm-link/shell_line.hh),
// each line of the input in turn. A line is refused or split into words; when
// split, the words are what the line held outside the separators: none is
// empty, none starts or ends with a space or tab outside a quote or bracket,
// and together they are no longer than the line. A violation aborts, for
// libFuzzer to report.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "shell_line.hh"

namespace {

void check(bool holds, const char *what) {
  if (!holds) {
    std::fprintf(stderr, "fuzz_shell: %s\n", what);
    std::abort();
  }
}

void one_line(std::string_view line) {
  auto words = wasm_link::tool::command_words(line);
  if (!words) {
    check(!words.err_ref().empty(), "a refusal without a reason");
    return;
  }
  std::size_t total = 0;
  for (const auto &word : words.ok_ref()) {
    check(!word.empty(), "an empty word");
    const char first = word.front();
    check(first != ' ' && first != '\t', "a word that starts with a separator");
    total += word.size();
  }
  check(total <= line.size(), "words longer than their line");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  // The shell reads at most max_line_bytes a line; libFuzzer's inputs are smaller.
  std::string_view input(reinterpret_cast<const char *>(data), size);
  while (!input.empty()) {
    const auto end = input.find('\n');
    one_line(input.substr(0, end));
    if (end == std::string_view::npos)
      break;
    input.remove_prefix(end + 1);
  }
  return 0;
}
