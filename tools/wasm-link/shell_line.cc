#include "shell_line.hh"

namespace wasm_link::tool {

Result<std::vector<std::string>, std::string> command_words(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      static constexpr char digits[] = "0123456789abcdef";
      return std::string("the line holds a control character (byte 0x") + digits[c >> 4] +
             digits[c & 15] + " at column " + std::to_string(i + 1) + ")";
    }
  }
  std::vector<std::string> words;
  std::string word;
  std::size_t depth = 0;
  char quote = 0;
  bool escaped = false, in_word = false;
  for (char c : line) {
    if (quote != 0) {
      word += c;
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if ((c == ' ' || c == '\t') && depth == 0) {
      if (in_word)
        words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    word += c;
    if (c == '"' || c == '\'')
      quote = c;
    else if (c == '[' || c == '{' || c == '(')
      ++depth;
    else if ((c == ']' || c == '}' || c == ')') && depth > 0)
      --depth;
  }
  if (quote != 0)
    return std::string("a quoted value is not closed");
  if (depth != 0)
    return std::string("a bracket is not closed");
  if (in_word)
    words.push_back(std::move(word));
  return words;
}

} // namespace wasm_link::tool
