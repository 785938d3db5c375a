#include <wasm_link/wave.hh>

#include "unicode.hh"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

namespace wasm_link {
namespace {

using detail::append_utf8;

// Escapes what cannot stand for itself between `quote`s: the quote, `\`, and
// the control characters (Unicode's Cc: U+0000 to U+001F and U+007F to
// U+009F), `\n`, `\r` and `\t` by name and the others as `\u{7f}`, as
// wasm-wave writes them. The other quote is written as is.
void append_escaped(std::string &out, std::string_view text, char quote) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // U+0080 to U+009F are C2 80 to C2 9F in UTF-8.
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    const bool c1_control = c == 0xC2 && next >= 0x80 && next <= 0x9F;
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
    } else if (c < 0x20 || c == 0x7F || c1_control) {
      char buf[8];
      auto end = std::to_chars(buf, buf + sizeof buf, c1_control ? next : c, 16).ptr;
      out += "\\u{" + std::string(buf, end) + "}";
      i += c1_control ? 1 : 0;
    } else {
      out += static_cast<char>(c);
    }
  }
}

template <typename F> void append_float(std::string &out, F value) {
  if (std::isnan(value)) {
    out += "nan";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
  } else {
    char buf[64];
    auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    out.append(buf, end);
  }
}

template <typename T> void append_number(std::string &out, T value) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

void append_wave(std::string &out, const Val &value);

template <typename Range>
void append_sequence(std::string &out, const Range &items, char open, char close) {
  out += open;
  bool first = true;
  for (const Val &item : items) {
    if (!first)
      out += ", ";
    first = false;
    append_wave(out, item);
  }
  out += close;
}

void append_wave(std::string &out, const Val &value) {
  const auto &raw = *value.capi();
  switch (raw.kind) {
  case WASMTIME_COMPONENT_BOOL:
    out += raw.of.boolean ? "true" : "false";
    return;
  case WASMTIME_COMPONENT_S8:
    return append_number(out, raw.of.s8);
  case WASMTIME_COMPONENT_U8:
    return append_number(out, raw.of.u8);
  case WASMTIME_COMPONENT_S16:
    return append_number(out, raw.of.s16);
  case WASMTIME_COMPONENT_U16:
    return append_number(out, raw.of.u16);
  case WASMTIME_COMPONENT_S32:
    return append_number(out, raw.of.s32);
  case WASMTIME_COMPONENT_U32:
    return append_number(out, raw.of.u32);
  case WASMTIME_COMPONENT_S64:
    return append_number(out, raw.of.s64);
  case WASMTIME_COMPONENT_U64:
    return append_number(out, raw.of.u64);
  case WASMTIME_COMPONENT_F32:
    return append_float(out, raw.of.f32);
  case WASMTIME_COMPONENT_F64:
    return append_float(out, raw.of.f64);
  case WASMTIME_COMPONENT_CHAR: {
    std::string encoded;
    append_utf8(encoded, get_char(value));
    out += '\'';
    append_escaped(out, encoded, '\'');
    out += '\'';
    return;
  }
  case WASMTIME_COMPONENT_STRING:
    out += '"';
    append_escaped(out, value.get_string(), '"');
    out += '"';
    return;
  case WASMTIME_COMPONENT_LIST:
    return append_sequence(out, value.get_list(), '[', ']');
  case WASMTIME_COMPONENT_TUPLE:
    return append_sequence(out, value.get_tuple(), '(', ')');
  case WASMTIME_COMPONENT_RECORD: {
    out += '{';
    bool first = true;
    for (const auto &field : value.get_record()) {
      out += first ? "" : ", ";
      first = false;
      out += std::string(field.name()) + ": ";
      append_wave(out, field.value());
    }
    out += '}';
    return;
  }
  case WASMTIME_COMPONENT_VARIANT: {
    const auto &variant = value.get_variant();
    out += variant.discriminant();
    if (variant.value() != nullptr) {
      out += '(';
      append_wave(out, *variant.value());
      out += ')';
    }
    return;
  }
  case WASMTIME_COMPONENT_ENUM:
    out += value.get_enum();
    return;
  case WASMTIME_COMPONENT_OPTION:
    if (value.get_option().value() == nullptr) {
      out += "none";
    } else {
      out += "some(";
      append_wave(out, *value.get_option().value());
      out += ')';
    }
    return;
  case WASMTIME_COMPONENT_RESULT: {
    const auto &result = value.get_result();
    out += result.is_ok() ? "ok" : "err";
    if (result.payload() != nullptr) {
      out += '(';
      append_wave(out, *result.payload());
      out += ')';
    }
    return;
  }
  case WASMTIME_COMPONENT_FLAGS: {
    out += '{';
    bool first = true;
    for (const auto &flag : value.get_flags()) {
      out += first ? "" : ", ";
      first = false;
      out += flag.name();
    }
    out += '}';
    return;
  }
  case WASMTIME_COMPONENT_RESOURCE:
    out += "<resource>";
    return;
  case WASMTIME_COMPONENT_MAP: {
    out += '[';
    bool first = true;
    for (const auto &entry : value.get_map()) {
      out += first ? "(" : ", (";
      first = false;
      append_wave(out, entry.key());
      out += ", ";
      append_wave(out, entry.value());
      out += ')';
    }
    out += ']';
    return;
  }
  }
  out += "<unknown>";
}

// Reads WAVE text against a type; every method leaves `pos_` after what it read.
// A failure inside the parser whose success is a string too.
struct Failure {
  std::string what;
};

class Parser {
public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Val, std::string> whole(const ValType &type) {
    auto value = parse(type);
    if (!value)
      return value;
    skip_space();
    if (pos_ != text_.size())
      return fail("the end of the value", type);
    return value;
  }

private:
  using Parsed = Result<Val, std::string>;

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  bool eat(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // The token at pos_, for messages.
  std::string found() {
    skip_space();
    if (pos_ >= text_.size())
      return "the end";
    std::size_t end = pos_ + 1;
    if (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
        text_[pos_] == '%' || text_[pos_] == '+' || text_[pos_] == '.')
      while (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) ||
                                    text_[end] == '-' || text_[end] == '.' || text_[end] == '+'))
        ++end;
    return "`" + std::string(text_.substr(pos_, end - pos_)) + "`";
  }
  std::string fail(std::string_view expected) {
    std::string what = found();
    return "column " + std::to_string(pos_ + 1) + ": expected " + std::string(expected) +
           ", found " + what;
  }
  std::string fail(std::string_view expected, const ValType &) { return fail(expected); }

  // A label (kebab-case, optionally `%`-prefixed), or empty.
  std::string label() {
    skip_space();
    std::size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '%')
      ++start, ++pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-'))
      ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  // A number's text: sign, digits, point, exponent.
  std::string_view number() {
    skip_space();
    std::size_t start = pos_;
    if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+'))
      ++pos_;
    while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E' ||
                                   ((text_[pos_] == '-' || text_[pos_] == '+') &&
                                    (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E'))))
      ++pos_;
    return text_.substr(start, pos_ - start);
  }

  template <typename T> Parsed integer(std::string_view name) {
    const std::size_t start = (skip_space(), pos_);
    std::string_view digits = number();
    T value{};
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    const std::string expected = std::string(name) + " (" +
                                 std::to_string(std::numeric_limits<T>::min()) + " to " +
                                 std::to_string(std::numeric_limits<T>::max()) + ")";
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
      pos_ = start;
      return fail(expected);
    }
    return Val(value);
  }

  template <typename T> Parsed floating(std::string_view name) {
    const std::size_t start = (skip_space(), pos_);
    if (text_.substr(pos_, 4) == "-inf") {
      pos_ += 4;
      return Val(-std::numeric_limits<T>::infinity());
    }
    std::string word = label();
    if (word == "nan")
      return Val(std::numeric_limits<T>::quiet_NaN());
    if (word == "inf")
      return Val(std::numeric_limits<T>::infinity());
    pos_ = start;
    std::string_view digits = number();
    T value{};
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
      pos_ = start;
      return fail(name);
    }
    return Val(value);
  }

  // The text of a quoted string or char, escapes resolved.
  Result<std::string, Failure> quoted(char quote, std::string_view what) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != quote)
      return Failure{fail(what)};
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] != '\\') {
        out += text_[pos_++];
        continue;
      }
      if (pos_ + 1 >= text_.size())
        break;
      auto escaped = escape();
      if (!escaped)
        return escaped.err();
      detail::append_utf8(out, escaped.ok());
    }
    if (pos_ >= text_.size())
      return Failure{"column " + std::to_string(text_.size() + 1) + ": expected the closing " +
                     std::string(1, quote) + ", found the end"};
    ++pos_;
    if (!detail::is_utf8(out))
      return Failure{"the text is not valid UTF-8"};
    return out;
  }

  // The character the escape at pos_ (its `\`) stands for; pos_ ends after it.
  Result<char32_t, Failure> escape() {
    const std::size_t start = pos_;
    pos_ += 2;
    switch (text_[start + 1]) {
    case 'n':
      return U'\n';
    case 'r':
      return U'\r';
    case 't':
      return U'\t';
    case '\\':
    case '\'':
    case '"':
      return static_cast<char32_t>(text_[start + 1]);
    case 'u':
      return unicode_escape(start);
    default:
      pos_ = start;
      return Failure{fail("an escape (\\n, \\r, \\t, \\\\, \\', \\\", \\u{...})")};
    }
  }

  // `\u{X}` after its `\u`, with 1 to 6 hexadecimal digits (as WAVE has it)
  // for a Unicode scalar value: neither a surrogate nor above 10FFFF.
  Result<char32_t, Failure> unicode_escape(std::size_t start) {
    std::size_t end = pos_; // at the `}`, when there is one
    const bool braced = end < text_.size() && text_[end] == '{';
    if (braced) {
      ++end;
      while (end < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[end])))
        ++end;
    }
    const std::size_t digits = braced ? end - pos_ - 1 : 0;
    // The escape as written, through the character that ends or breaks it.
    std::string written(text_.substr(start, std::min(end + 1, text_.size()) - start));
    if (written.size() > 16)
      written = written.substr(0, 12) + "...";
    const std::string at = "column " + std::to_string(start + 1) + ": expected ";
    if (end >= text_.size() || text_[end] != '}' || digits == 0 || digits > 6) {
      pos_ = start;
      return Failure{at + "`\\u{` with 1 to 6 hexadecimal digits and `}`, found `" + written + "`"};
    }
    std::uint32_t code = 0; // six digits always fit
    std::from_chars(text_.data() + pos_ + 1, text_.data() + end, code, 16);
    if (!detail::is_scalar(code)) {
      pos_ = start;
      return Failure{at + "a Unicode scalar value (0 to D7FF or E000 to 10FFFF), found `" +
                     written + "`"};
    }
    pos_ = end + 1;
    return static_cast<char32_t>(code);
  }

  // `open` value (`,` value)* `,`? `close`, calling `item` for each.
  template <typename F>
  Result<std::monostate, std::string> sequence(char open, char close, std::string_view what,
                                               F item) {
    if (!eat(open))
      return fail(what);
    if (eat(close))
      return std::monostate();
    while (true) {
      auto done = item();
      if (!done)
        return done.err();
      if (eat(close))
        return std::monostate();
      if (!eat(','))
        return fail("`,` or `" + std::string(1, close) + "`");
      if (eat(close))
        return std::monostate();
    }
  }

  // `name(payload)` or `name`, for variants, options and results.
  Parsed payload_of(const std::optional<ValType> &type, const std::string &name,
                    std::optional<Val> &out) {
    if (!type) {
      if (eat('('))
        return fail("no payload for `" + name + "`");
      return Val(false);
    }
    if (!eat('('))
      return fail("`(` and the payload of `" + name + "`");
    auto value = parse(*type);
    if (!value)
      return value;
    if (!eat(')'))
      return fail("`)`");
    out = value.ok();
    return Val(true);
  }

  Parsed parse(const ValType &type) {
    using namespace wasmtime::component;
    switch (type.kind()) {
    case WASMTIME_COMPONENT_VALTYPE_BOOL:
      return boolean();
    case WASMTIME_COMPONENT_VALTYPE_S8:
      return integer<std::int8_t>("s8");
    case WASMTIME_COMPONENT_VALTYPE_S16:
      return integer<std::int16_t>("s16");
    case WASMTIME_COMPONENT_VALTYPE_S32:
      return integer<std::int32_t>("s32");
    case WASMTIME_COMPONENT_VALTYPE_S64:
      return integer<std::int64_t>("s64");
    case WASMTIME_COMPONENT_VALTYPE_U8:
      return integer<std::uint8_t>("u8");
    case WASMTIME_COMPONENT_VALTYPE_U16:
      return integer<std::uint16_t>("u16");
    case WASMTIME_COMPONENT_VALTYPE_U32:
      return integer<std::uint32_t>("u32");
    case WASMTIME_COMPONENT_VALTYPE_U64:
      return integer<std::uint64_t>("u64");
    case WASMTIME_COMPONENT_VALTYPE_F32:
      return floating<float>("f32");
    case WASMTIME_COMPONENT_VALTYPE_F64:
      return floating<double>("f64");
    case WASMTIME_COMPONENT_VALTYPE_CHAR:
      return character();
    case WASMTIME_COMPONENT_VALTYPE_STRING:
      return string();
    case WASMTIME_COMPONENT_VALTYPE_LIST:
      return list(type);
    case WASMTIME_COMPONENT_VALTYPE_TUPLE:
      return tuple(type);
    case WASMTIME_COMPONENT_VALTYPE_RECORD:
      return record(type);
    case WASMTIME_COMPONENT_VALTYPE_VARIANT:
      return variant(type);
    case WASMTIME_COMPONENT_VALTYPE_ENUM:
      return enumeration(type);
    case WASMTIME_COMPONENT_VALTYPE_OPTION:
      return option(type);
    case WASMTIME_COMPONENT_VALTYPE_RESULT:
      return result(type);
    case WASMTIME_COMPONENT_VALTYPE_FLAGS:
      return flags(type);
    case WASMTIME_COMPONENT_VALTYPE_MAP:
      return map(type);
    default:
      return "column " + std::to_string(pos_ + 1) + ": " + type_name(type) +
             " values cannot be written in WAVE";
    }
  }

  Parsed boolean() {
    const std::size_t start = (skip_space(), pos_);
    std::string word = label();
    if (word == "true" || word == "false")
      return Val(word == "true");
    pos_ = start;
    return fail("bool");
  }

  Parsed character() {
    const std::size_t start = (skip_space(), pos_);
    auto text = quoted('\'', "char");
    if (!text)
      return text.err().what;
    const std::string &s = text.ok_ref();
    // One scalar value: its UTF-8 encoding is the whole text.
    std::string again;
    char32_t code = 0;
    if (!s.empty()) {
      unsigned char c0 = static_cast<unsigned char>(s[0]);
      std::size_t n = c0 < 0x80 ? 1 : c0 < 0xE0 ? 2 : c0 < 0xF0 ? 3 : 4;
      code = n == 1 ? c0 : c0 & (0xFF >> (n + 1));
      for (std::size_t i = 1; i < n && i < s.size(); ++i)
        code = (code << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
      detail::append_utf8(again, code);
    }
    if (s.empty() || again != s) {
      pos_ = start;
      return fail("char (one Unicode scalar value in single quotes)");
    }
    return Val::char_(code);
  }

  Parsed string() {
    auto text = quoted('"', "string");
    if (!text)
      return text.err().what;
    return Val::string(text.ok_ref());
  }

  Parsed list(const ValType &type) {
    using namespace wasmtime::component;
    const ValType element = type.list().element();
    std::vector<Val> items;
    auto done = sequence('[', ']', "`[` of " + type_name(type),
                         [&]() -> Result<std::monostate, std::string> {
                           auto item = parse(element);
                           if (!item)
                             return item.err();
                           items.push_back(item.ok());
                           return std::monostate();
                         });
    if (!done)
      return done.err();
    return Val(List(std::move(items)));
  }

  Parsed tuple(const ValType &type) {
    using namespace wasmtime::component;
    const auto &tuple = type.tuple();
    std::vector<Val> items;
    auto done = sequence('(', ')', "`(` of " + type_name(type),
                         [&]() -> Result<std::monostate, std::string> {
                           if (items.size() == tuple.types_count())
                             return fail("`)` after " + std::to_string(items.size()) + " elements");
                           auto item = parse(*tuple.types_nth(items.size()));
                           if (!item)
                             return item.err();
                           items.push_back(item.ok());
                           return std::monostate();
                         });
    if (!done)
      return done.err();
    if (items.size() != tuple.types_count())
      return "column " + std::to_string(pos_) + ": " + type_name(type) + " has " +
             std::to_string(tuple.types_count()) + " elements, found " +
             std::to_string(items.size());
    return Val(Tuple(std::move(items)));
  }

  Parsed record(const ValType &type) {
    using namespace wasmtime::component;
    const auto &record = type.record();
    std::vector<std::optional<Val>> fields(record.field_count());
    auto done = sequence('{', '}', "`{` of " + type_name(type),
                         [&]() -> Result<std::monostate, std::string> {
                           const std::size_t at = (skip_space(), pos_);
                           std::string name = label();
                           std::size_t i = 0;
                           while (i < fields.size() && record.field_nth(i)->first != name)
                             ++i;
                           if (i == fields.size()) {
                             pos_ = at;
                             return fail("a field of " + type_name(type));
                           }
                           if (fields[i]) {
                             pos_ = at;
                             return fail("each field once");
                           }
                           if (!eat(':'))
                             return fail("`:`");
                           auto value = parse(record.field_nth(i)->second);
                           if (!value)
                             return value.err();
                           fields[i] = value.ok();
                           return std::monostate();
                         });
    if (!done)
      return done.err();
    std::vector<std::pair<std::string_view, Val>> entries;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      auto field = record.field_nth(i);
      if (!fields[i] && !field->second.is_option())
        return "column " + std::to_string(pos_) + ": field `" + std::string(field->first) +
               "` of " + type_name(type) + " is missing";
      entries.emplace_back(field->first,
                           fields[i] ? std::move(*fields[i]) : Val(WitOption(std::nullopt)));
    }
    return Val(Record(std::move(entries)));
  }

  Parsed variant(const ValType &type) {
    using namespace wasmtime::component;
    const auto &variant = type.variant();
    const std::size_t at = (skip_space(), pos_);
    std::string name = label();
    for (std::size_t i = 0; i < variant.case_count(); ++i) {
      auto c = variant.case_nth(i);
      if (c->first != name)
        continue;
      std::optional<Val> payload;
      auto read = payload_of(c->second, name, payload);
      if (!read)
        return read;
      return Val(Variant(name, std::move(payload)));
    }
    pos_ = at;
    return fail("a case of " + type_name(type));
  }

  Parsed enumeration(const ValType &type) {
    using namespace wasmtime::component;
    const std::size_t at = (skip_space(), pos_);
    std::string name = label();
    for (std::size_t i = 0; i < type.enum_().names_count(); ++i)
      if (type.enum_().names_nth(i) == name)
        return Val::enum_(name);
    pos_ = at;
    return fail("a case of " + type_name(type));
  }

  Parsed option(const ValType &type) {
    using namespace wasmtime::component;
    const std::size_t at = (skip_space(), pos_);
    std::string name = label();
    if (name == "none")
      return Val(WitOption(std::nullopt));
    if (name == "some") {
      std::optional<Val> payload;
      auto read = payload_of(type.option().ty(), name, payload);
      if (!read)
        return read;
      return Val(WitOption(std::move(payload)));
    }
    pos_ = at;
    return fail("`some(...)` or `none` for " + type_name(type));
  }

  Parsed result(const ValType &type) {
    using namespace wasmtime::component;
    const std::size_t at = (skip_space(), pos_);
    std::string name = label();
    if (name != "ok" && name != "err") {
      pos_ = at;
      return fail("`ok` or `err` for " + type_name(type));
    }
    std::optional<Val> payload;
    auto read = payload_of(name == "ok" ? type.result().ok() : type.result().err(), name, payload);
    if (!read)
      return read;
    return Val(name == "ok" ? WitResult::ok(std::move(payload))
                            : WitResult::err(std::move(payload)));
  }

  Parsed flags(const ValType &type) {
    using namespace wasmtime::component;
    const auto &flags = type.flags();
    std::vector<Flag> set;
    std::vector<std::string> names;
    auto done = sequence(
        '{', '}', "`{` of " + type_name(type), [&]() -> Result<std::monostate, std::string> {
          const std::size_t at = (skip_space(), pos_);
          std::string name = label();
          bool known = false;
          for (std::size_t i = 0; i < flags.names_count() && !known; ++i)
            known = flags.names_nth(i) == name;
          if (!known || std::find(names.begin(), names.end(), name) != names.end()) {
            pos_ = at;
            return fail(known ? "each flag once" : "a flag of " + type_name(type));
          }
          names.push_back(name);
          set.emplace_back(name);
          return std::monostate();
        });
    if (!done)
      return done.err();
    return Val(Flags(std::move(set)));
  }

  Parsed map(const ValType &type) {
    using namespace wasmtime::component;
    const ValType key = type.map().key();
    const ValType value = type.map().value();
    std::vector<std::pair<Val, Val>> entries;
    auto done = sequence('[', ']', "`[` of " + type_name(type) + " (a list of `(key, value)`)",
                         [&]() -> Result<std::monostate, std::string> {
                           if (!eat('('))
                             return fail("`(` of a `(key, value)` entry");
                           auto k = parse(key);
                           if (!k)
                             return k.err();
                           if (!eat(','))
                             return fail("`,`");
                           auto v = parse(value);
                           if (!v)
                             return v.err();
                           if (!eat(')'))
                             return fail("`)`");
                           entries.emplace_back(k.ok(), v.ok());
                           return std::monostate();
                         });
    if (!done)
      return done.err();
    return Val(Map(std::move(entries)));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

} // namespace

std::string to_string(const Val &value) {
  std::string out;
  append_wave(out, value);
  return out;
}

Result<Val> parse_wave(std::string_view text, const ValType &type) {
  auto value = Parser(text).whole(type);
  if (!value)
    return Error(Error::Kind::value, value.err());
  return value.ok();
}

} // namespace wasm_link
