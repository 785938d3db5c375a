#include "toml_guard.hh"

#include <cstdint>
#include <cstdio>
#include <vector>

namespace wasm_link::tool {
namespace {

bool is_bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// The length of the UTF-8 sequence at `s[i]`, or 0 when it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > s.size())
    return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
  const std::uint32_t cp =
      n == 1   ? c
      : n == 2 ? ((c & 0x1F) << 6) | (byte(i + 1) & 0x3F)
      : n == 3 ? ((c & 0x0F) << 12) | ((byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F)
               : ((c & 0x07) << 18) | ((byte(i + 1) & 0x3F) << 12) | ((byte(i + 2) & 0x3F) << 6) |
                     (byte(i + 3) & 0x3F);
  const bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
    return 0;
  return n;
}

class Scanner {
public:
  explicit Scanner(std::string_view text) : text_(text) { header_ = next_is_header(); }

  std::optional<std::string> run() {
    while (i_ < text_.size()) {
      if (auto problem = step())
        return problem;
    }
    if (!stack_.empty())
      return at("a `" + std::string(1, stack_.back()) + "` is never closed");
    return std::nullopt;
  }

private:
  std::optional<std::string> step() {
    const char c = text_[i_];
    const std::size_t n = utf8_length(text_, i_);
    if (n == 0)
      return at("the text is not UTF-8");
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return at("a control character (byte " + std::to_string(int(c)) + ")");
    if (c == '\n')
      return newline();
    if (c == '#') {
      while (i_ < text_.size() && text_[i_] != '\n')
        ++i_, ++column_;
      return std::nullopt;
    }
    if (c == '"' || c == '\'')
      return string(c);
    if (in_key_ && c != '.' && c != ' ' && c != '\t' && c != '=' && c != '[' && c != ']' &&
        c != '{' && c != '}' && c != ',' && c != '\r' && !is_bare_key_char(c))
      return at("`" + std::string(text_.substr(i_, n)) +
                "` cannot stand in a bare key (put the key in quotes)");
    // TOML has nothing but ASCII outside strings and comments, and toml++ 3.3
    // asks of a character there whether it is whitespace, which reaches
    // undefined behaviour (its TOML_UNREACHABLE) for U+00A1 to U+0499 and others.
    if (n > 1)
      return at("`" + std::string(text_.substr(i_, n)) +
                "` outside a string or comment (only ASCII may stand there)");
    if (auto problem = structure(c))
      return problem;
    i_ += n;
    ++column_;
    return std::nullopt;
  }

  std::optional<std::string> structure(char c) {
    switch (c) {
    case '.':
      if (in_key_ && ++key_parts_ >= kMaxKeyParts)
        return at("a key of more than " + std::to_string(kMaxKeyParts) + " parts");
      return std::nullopt;
    case '=':
      in_key_ = false;
      return std::nullopt;
    case ',':
      if (!stack_.empty() && stack_.back() == '{')
        start_key();
      return std::nullopt;
    case '[':
    case '{':
      if (stack_.size() >= kMaxNesting)
        return at("nested deeper than " + std::to_string(kMaxNesting) + " levels");
      stack_.push_back(c);
      if (c == '{')
        start_key();
      return std::nullopt;
    case ']':
    case '}':
      if (stack_.empty() || stack_.back() != (c == ']' ? '[' : '{'))
        return at("`" + std::string(1, c) + "` closes nothing");
      stack_.pop_back();
      return std::nullopt;
    default:
      return std::nullopt;
    }
  }

  std::optional<std::string> newline() {
    // A table header closes on its line; arrays and inline tables of values
    // may go on.
    if (header_ && !stack_.empty())
      return at("a table header must end on its line");
    ++i_;
    ++line_;
    column_ = 1;
    header_ = false;
    if (stack_.empty()) {
      start_key();
      header_ = next_is_header();
    }
    return std::nullopt;
  }

  bool next_is_header() const {
    std::size_t k = i_;
    while (k < text_.size() && (text_[k] == ' ' || text_[k] == '\t'))
      ++k;
    return k < text_.size() && text_[k] == '[';
  }

  std::optional<std::string> string(char quote) {
    const bool multiline = text_.substr(i_, 3) == std::string(3, quote);
    const std::string_view end =
        multiline ? std::string_view(text_.substr(i_, 3)) : text_.substr(i_, 1);
    i_ += end.size();
    column_ += end.size();
    while (i_ < text_.size()) {
      if (quote == '"' && text_[i_] == '\\' && i_ + 1 < text_.size()) {
        if (auto problem = escape(multiline))
          return problem;
        continue;
      }
      if (text_.substr(i_, end.size()) == end) {
        i_ += end.size();
        column_ += end.size();
        return std::nullopt;
      }
      const std::size_t n = utf8_length(text_, i_);
      if (n == 0)
        return at("the text is not UTF-8");
      // toml++ gets ASCII only (see ascii_toml): in a literal string an escape
      // would be text, so other characters cannot be written there.
      if (n > 1 && quote == '\'')
        return at("`" + std::string(text_.substr(i_, n)) +
                  "` in a literal string ('...'): write it in a basic string (\"...\")");
      if (text_[i_] == '\n') {
        if (!multiline)
          return at("a string does not end on its line");
        ++line_;
        column_ = 0;
      }
      i_ += n;
      ++column_;
    }
    return at("a string is never closed");
  }

  // At a `\` in a basic string. toml++ 3.3 asks whether the escaped character
  // is whitespace, and after a line-ending backslash whether the first
  // character past the whitespace is: for some non-ASCII characters, undefined
  // behaviour (see step()). Escapes are ASCII, and so must be that character.
  std::optional<std::string> escape(bool multiline) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    const char escaped = text_[i_ + 1];
    if (static_cast<unsigned char>(escaped) >= 0x80)
      return at("`\\` and a character other than ASCII is not an escape");
    ++i_, ++column_;
    if (!multiline || !is_space(escaped)) {
      if (escaped != '\n') // else string() reports the line break
        ++i_, ++column_;
      return std::nullopt;
    }
    // A line-ending backslash: the whitespace and line breaks after it are left out.
    for (; i_ < text_.size() && is_space(text_[i_]); ++i_) {
      if (text_[i_] == '\n')
        ++line_, column_ = 1;
      else
        ++column_;
    }
    if (i_ < text_.size() && static_cast<unsigned char>(text_[i_]) >= 0x80)
      return at("a character other than ASCII right after a line-ending backslash "
                "(write it as \\u....)");
    return std::nullopt;
  }

  void start_key() {
    in_key_ = true;
    key_parts_ = 0;
  }

  std::string at(const std::string &what) const {
    return std::to_string(line_) + ":" + std::to_string(column_) + ": " + what;
  }

  std::string_view text_;
  std::size_t i_ = 0, line_ = 1, column_ = 1;
  std::vector<char> stack_;
  bool in_key_ = true, header_ = false;
  std::size_t key_parts_ = 0;
};

} // namespace

std::string ascii_toml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    if (n <= 1) {
      out += text[i++];
      continue;
    }
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]) & 0x3F; };
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::uint32_t cp =
        n == 2   ? ((lead & 0x1F) << 6) | byte(1)
        : n == 3 ? ((lead & 0x0F) << 12) | (byte(1) << 6) | byte(2)
                 : ((lead & 0x07) << 18) | (byte(1) << 12) | (byte(2) << 6) | byte(3);
    char escaped[16];
    std::snprintf(escaped, sizeof escaped, cp > 0xFFFF ? "\\U%08X" : "\\u%04X", cp);
    out += escaped;
    i += n;
  }
  return out;
}

std::optional<std::string> check_toml_text(std::string_view text) {
  return Scanner(text).run();
}

} // namespace wasm_link::tool
