#include "lexer.hh"

#include "../unicode.hh"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <optional>
#include <vector>

namespace wasm_link::wit::detail {
namespace {

using wasm_link::detail::append_utf8;
using wasm_link::detail::is_scalar;
using wasm_link::detail::is_utf8;

constexpr std::string_view keywords[] = {
    "as",       "async",     "bool", "borrow", "char",   "constructor", "enum",    "error-context",
    "export",   "f32",       "f64",  "flags",  "from",   "func",        "future",  "import",
    "include",  "interface", "list", "map",    "option", "own",         "package", "record",
    "resource", "result",    "s16",  "s32",    "s64",    "s8",          "static",  "stream",
    "string",   "tuple",     "type", "u16",    "u32",    "u64",         "u8",      "use",
    "variant",  "with",      "world"};

bool is_keyword(std::string_view word) {
  return std::find(std::begin(keywords), std::end(keywords), word) != std::end(keywords);
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_word_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '-';
}

// The code point at `pos` and its length in bytes, or nothing for bytes that
// are not UTF-8.
std::optional<std::pair<char32_t, std::size_t>> decode(std::string_view text, std::size_t pos) {
  const auto c = static_cast<unsigned char>(text[pos]);
  const std::size_t length = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  if (pos + length > text.size() || !is_utf8(text.substr(pos, length)))
    return std::nullopt;
  char32_t point = length == 1 ? c : c & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i)
    point = (point << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
  return std::pair{point, length};
}

std::string hex(char32_t point) {
  char buffer[8];
  auto end =
      std::to_chars(buffer, buffer + sizeof buffer, static_cast<std::uint32_t>(point), 16).ptr;
  std::string digits(buffer, end);
  std::transform(digits.begin(), digits.end(), digits.begin(),
                 [](char c) { return c >= 'a' ? static_cast<char>(c - 'a' + 'A') : c; });
  return "U+" + std::string(digits.size() < 4 ? 4 - digits.size() : 0, '0') + digits;
}

bool is_semver_identifier(std::string_view part, bool numeric_without_leading_zero) {
  if (part.empty() || !std::all_of(part.begin(), part.end(), is_word_char))
    return false;
  const bool numeric = std::all_of(part.begin(), part.end(), is_digit);
  return !(numeric_without_leading_zero && numeric && part.size() > 1 && part[0] == '0');
}

// `major.minor.patch`, then `-pre.release` and `+build.data`, as semver.org has it.
bool is_semver(std::string_view version) {
  auto split = [](std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t at; (at = text.find(separator, start)) != std::string_view::npos;
         start = at + 1)
      parts.push_back(text.substr(start, at - start));
    parts.push_back(text.substr(start));
    return parts;
  };
  const auto plus = version.find('+');
  const std::string_view before_build = version.substr(0, plus);
  const auto minus = before_build.find('-');
  const auto core = split(before_build.substr(0, minus), '.');
  if (core.size() != 3)
    return false;
  for (auto number : core)
    if (number.empty() || !std::all_of(number.begin(), number.end(), is_digit) ||
        (number.size() > 1 && number[0] == '0'))
      return false;
  if (minus != std::string_view::npos)
    for (auto part : split(before_build.substr(minus + 1), '.'))
      if (!is_semver_identifier(part, true))
        return false;
  if (plus != std::string_view::npos)
    for (auto part : split(version.substr(plus + 1), '.'))
      if (!is_semver_identifier(part, false))
        return false;
  return true;
}

// A doc comment's line without its leading space and a trailing `\r`.
std::string_view doc_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  if (!line.empty() && line.front() == ' ')
    line.remove_prefix(1);
  return line;
}

// Kebab-case as WIT writes names: words of letters and digits joined by single
// `-`, each word all lowercase or all uppercase, the first starting with a letter.
bool is_identifier(std::string_view name) {
  if (name.empty() || !is_alpha(name.front()))
    return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = std::min(name.find('-', start), name.size());
    std::string_view word = name.substr(start, end - start);
    const bool lower = std::all_of(word.begin(), word.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c); });
    const bool upper = std::all_of(word.begin(), word.end(),
                                   [](char c) { return (c >= 'A' && c <= 'Z') || is_digit(c); });
    if (word.empty() || !(lower || upper))
      return false;
    start = end + 1;
  }
  return true;
}

} // namespace

Lexer::Lexer(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

void Lexer::advance(std::size_t bytes) {
  for (std::size_t end = pos_ + bytes; pos_ < end; ++pos_) {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column_;
    }
  }
}

Token Lexer::make(Token::Kind kind, std::size_t start, Location location, std::string text) {
  Token token{kind,
              std::move(text),
              text_.substr(start, pos_ - start),
              std::move(docs_),
              std::move(location),
              start};
  docs_.clear();
  if (!token.docs.empty() && token.docs.back() == '\n')
    token.docs.pop_back();
  return token;
}

Token Lexer::error(Location location, std::string message) {
  pos_ = text_.size(); // nothing is read after an error
  return Token{Token::Kind::error, std::move(message), {}, {}, std::move(location), pos_};
}

std::optional<Token> Lexer::check_character() {
  auto point = decode(text_, pos_);
  if (!point)
    return error(here(), "the text is not valid UTF-8");
  const char32_t c = point->first;
  if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F))
    return error(here(), "control character " + hex(c) + " is not allowed");
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
    return error(here(), "bidirectional override " + hex(c) + " is not allowed");
  return std::nullopt;
}

std::optional<Token> Lexer::skip() {
  while (pos_ < text_.size()) {
    const std::string_view rest = text_.substr(pos_);
    if (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r') {
      advance(1);
    } else if (rest.starts_with("//")) {
      const bool doc = rest.starts_with("///") && !rest.starts_with("////");
      const std::size_t start = pos_ + (doc ? 3 : 2);
      advance(start - pos_);
      while (pos_ < text_.size() && text_[pos_] != '\n') {
        if (auto bad = check_character())
          return bad;
        advance(decode(text_, pos_)->second);
      }
      if (doc)
        (docs_ += doc_line(text_.substr(start, pos_ - start))) += '\n';
    } else if (rest.starts_with("/*")) {
      // Block comments nest.
      const bool doc =
          rest.starts_with("/**") && !rest.starts_with("/**/") && !rest.starts_with("/***");
      const Location opened = here();
      const std::size_t start = pos_ + (doc ? 3 : 2);
      advance(start - pos_);
      std::size_t depth = 1, end = pos_;
      while (depth > 0 && pos_ < text_.size()) {
        const std::string_view at = text_.substr(pos_);
        if (at.starts_with("/*") || at.starts_with("*/")) {
          depth += at[0] == '/' ? 1 : -1;
          end = pos_;
          advance(2);
        } else if (auto bad = check_character()) {
          return bad;
        } else {
          advance(decode(text_, pos_)->second);
        }
      }
      if (depth > 0)
        return error(here(), "expected `*/` to close the comment opened at " +
                                 std::to_string(opened.line) + ":" + std::to_string(opened.column) +
                                 ", found end of file");
      if (doc) {
        // Each line without its indentation and the ` * ` that often starts it.
        std::string_view body = text_.substr(start, end - start);
        std::vector<std::string_view> lines;
        for (std::size_t from = 0; from <= body.size();) {
          std::size_t eol = std::min(body.find('\n', from), body.size());
          std::string_view line = body.substr(from, eol - from);
          line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
          if (line.starts_with("*"))
            line.remove_prefix(1);
          line = doc_line(line);
          while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
          lines.push_back(line);
          from = eol + 1;
        }
        while (!lines.empty() && lines.back().empty())
          lines.pop_back();
        auto first = std::find_if(lines.begin(), lines.end(),
                                  [](std::string_view line) { return !line.empty(); });
        for (auto line = first; line != lines.end(); ++line)
          (docs_ += *line) += '\n';
      }
    } else {
      break;
    }
  }
  return std::nullopt;
}

Token Lexer::next() {
  if (auto bad = skip())
    return *bad;
  const Location location = here();
  const std::size_t start = pos_;
  if (pos_ >= text_.size())
    return make(Token::Kind::end, start, location, {});
  const char c = text_[pos_];
  if (c == '%' || is_alpha(c))
    return identifier(start, location);
  if (is_digit(c)) {
    while (pos_ < text_.size() && is_digit(text_[pos_]))
      advance(1);
    return make(Token::Kind::integer, start, location,
                std::string(text_.substr(start, pos_ - start)));
  }
  if (c == '"')
    return string(start, location);
  if (text_.substr(pos_).starts_with("->")) {
    advance(2);
    return make(Token::Kind::symbol, start, location, "->");
  }
  if (std::string_view("=,:;(){}<>*/.@_").find(c) != std::string_view::npos) {
    advance(1);
    return make(Token::Kind::symbol, start, location, std::string(1, c));
  }
  if (auto bad = check_character())
    return *bad;
  const auto length = decode(text_, pos_)->second;
  return error(location, "unexpected character `" + std::string(text_.substr(pos_, length)) + "`");
}

Token Lexer::identifier(std::size_t start, Location location) {
  const bool escaped = text_[pos_] == '%';
  if (escaped)
    advance(1);
  const std::size_t name_start = pos_;
  // `_` is read too, to report `a_b` as one bad name rather than three tokens.
  while (pos_ < text_.size() && (is_word_char(text_[pos_]) || text_[pos_] == '_'))
    advance(1);
  std::string name(text_.substr(name_start, pos_ - name_start));
  if (!escaped && is_keyword(name))
    return make(Token::Kind::keyword, start, location, std::move(name));
  if (!is_identifier(name))
    return error(location, "expected an identifier in kebab-case (words of lowercase or of "
                           "uppercase letters and digits joined by `-`, starting with a "
                           "letter), found `" +
                               std::string(text_.substr(start, pos_ - start)) + "`");
  return make(Token::Kind::identifier, start, location, std::move(name));
}

Token Lexer::string(std::size_t start, Location location) {
  advance(1);
  std::string out;
  while (true) {
    if (pos_ >= text_.size() || text_[pos_] == '\n')
      return error(here(), "expected `\"` to close the string, found " +
                               std::string(pos_ >= text_.size() ? "end of file" : "end of line"));
    const char c = text_[pos_];
    if (c == '"') {
      advance(1);
      break;
    }
    if (c != '\\') {
      if (auto bad = check_character())
        return *bad;
      const auto length = decode(text_, pos_)->second;
      out += text_.substr(pos_, length);
      advance(length);
      continue;
    }
    const Location escape = here();
    const std::string_view rest = text_.substr(pos_ + 1);
    auto simple = std::string_view("tnr\"'\\").find(rest.empty() ? '\0' : rest[0]);
    if (!rest.empty() && simple != std::string_view::npos) {
      out += "\t\n\r\"'\\"[simple];
      advance(2);
    } else if (rest.starts_with("u{")) {
      const auto close = rest.find('}');
      std::uint32_t point = 0;
      auto [end, problem] =
          std::from_chars(rest.data() + 2, rest.data() + std::min(close, rest.size()), point, 16);
      if (close == std::string_view::npos || close == 2 || problem != std::errc() ||
          end != rest.data() + close || !is_scalar(point))
        return error(escape, "expected a Unicode scalar value in hexadecimal in `\\u{...}`");
      append_utf8(out, point);
      advance(close + 2);
    } else if (rest.size() >= 2 && std::isxdigit(static_cast<unsigned char>(rest[0])) &&
               std::isxdigit(static_cast<unsigned char>(rest[1]))) {
      unsigned byte = 0;
      std::from_chars(rest.data(), rest.data() + 2, byte, 16);
      out += static_cast<char>(byte);
      advance(3);
    } else {
      return error(escape, "expected an escape (`\\t`, `\\n`, `\\r`, `\\\"`, `\\'`, `\\\\`, "
                           "`\\u{...}` or two hexadecimal digits) after `\\`");
    }
  }
  if (!is_utf8(out))
    return error(location, "the string is not valid UTF-8");
  return make(Token::Kind::string, start, location, std::move(out));
}

Token Lexer::version(const Token &from) {
  pos_ = from.offset;
  line_ = from.location.line;
  column_ = from.location.column;
  docs_.clear();
  const std::size_t start = pos_;
  // A `.` belongs to the version only when a version character follows, so that
  // `use a:b/c@1.0.0.{t}` stops before `.{`.
  while (pos_ < text_.size() &&
         (is_word_char(text_[pos_]) || text_[pos_] == '+' ||
          (text_[pos_] == '.' && pos_ + 1 < text_.size() && is_word_char(text_[pos_ + 1]))))
    advance(1);
  std::string version(text_.substr(start, pos_ - start));
  if (!is_semver(version)) {
    std::string found =
        version.empty() ? from.source.empty() ? "end of file" : "`" + std::string(from.source) + "`"
                        : "`" + version + "`";
    return error(from.location,
                 "expected a semantic version (major.minor.patch, like 1.0.0), found " + found);
  }
  return make(Token::Kind::version, start, from.location, std::move(version));
}

} // namespace wasm_link::wit::detail
