// WIT text as tokens: identifiers (kebab-case, `%` escapes), keywords,
// integers, string literals and operators, with comments skipped and doc
// comments handed to the token that follows them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <wasm_link/wit.hh>

namespace wasm_link::wit::detail {

struct Token {
  enum class Kind {
    identifier, // `text` without its `%`
    keyword,
    integer,
    string,  // `text` with escapes resolved
    version, // only when asked for, after `@`
    symbol,  // `=`, `,`, `:`, `;`, `(`, `)`, `{`, `}`, `<`, `>`, `*`, `->`, `/`, `.`, `@`, `_`
    end,
    error, // `text` says what is wrong, at `location`
  };
  Kind kind = Kind::end;
  std::string text;
  // The source as written (`%type`, `"a\n"`), for messages.
  std::string_view source;
  // Doc comments (`/// ...`, `/** ... */`) just before the token, one line each.
  std::string docs;
  Location location;
  std::size_t offset = 0; // in bytes, where the token starts
};

class Lexer {
public:
  Lexer(std::string_view text, std::string file);

  Token next();
  // The semantic version that starts where `from` does (the parser asks after
  // `@`, where the token it read may be just the major number).
  Token version(const Token &from);

private:
  Token make(Token::Kind kind, std::size_t start, Location location, std::string text);
  Token error(Location location, std::string message);
  // Skips whitespace and comments, gathering doc comments; an error token when
  // a character is not allowed or a block comment is not closed.
  std::optional<Token> skip();
  std::optional<Token> check_character(); // at pos_
  void advance(std::size_t bytes);
  Location here() const { return {file_, line_, column_}; }
  Token identifier(std::size_t start, Location location);
  Token string(std::size_t start, Location location);

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1, column_ = 1;
  std::string docs_;
};

} // namespace wasm_link::wit::detail
