// JSON for `--json`: a compact writer and component values as JSON, in the shape
// docs/JSON.md defines.
#pragma once

#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <wasm_link/value.hh>

namespace wasm_link::tool::json {

class Object;
class Array;

// `text` as a JSON string literal. `"` and `\` are escaped, and so are the
// control characters (U+0000 to U+001F, U+007F, U+0080 to U+009F): as `\b`,
// `\t`, `\n`, `\f`, `\r`, or `\u001b`. Other characters are kept as they are
// (UTF-8); each byte sequence that is not UTF-8 becomes one U+FFFD per maximal
// ill-formed part, as Unicode recommends ("a\xffb" -> "a�b").
std::string quote(std::string_view text);

// The integer types that are numbers: not bool, nor the character types.
template <typename T>
concept Integer = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
                  !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> &&
                  !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;

// One JSON value, already written. Made from C++ values, from an Object or an
// Array, or from a component value by `json::value`; so text that is already
// JSON cannot be quoted again by mistake, nor a string left unquoted.
class Value {
public:
  Value(std::nullptr_t) : text_("null") {}
  Value(bool b) : text_(b ? "true" : "false") {}
  template <Integer T> Value(T n) : text_(std::to_string(n)) {}
  // Shortest round-trip form of the type given (0.1f is 0.1); NaN and the
  // infinities as the strings "nan", "inf" and "-inf".
  Value(float x);
  Value(double x);
  // Strings, quoted with `quote`.
  Value(std::string_view s) : text_(quote(s)) {}
  Value(const char *s) : Value(std::string_view(s)) {}
  Value(const std::string &s) : Value(std::string_view(s)) {}
  // Other pointers would silently become `true`.
  template <typename T> Value(T *) = delete;
  Value(const Object &object);
  Value(const Array &array);

  // The compact JSON text, on one line, without a final newline.
  const std::string &text() const noexcept { return text_; }

private:
  struct Written {};
  Value(Written, std::string text) : text_(std::move(text)) {}
  friend Value value(const Val &val);

  std::string text_;
};

// A JSON object, members in the order they are added. Keys are not checked for
// repeats: each document's code names its keys once.
class Object {
public:
  Object() = default;
  Object(std::initializer_list<std::pair<std::string_view, Value>> members);

  Object &add(std::string_view key, const Value &value);
  bool empty() const noexcept { return members_.empty(); }
  std::string text() const { return "{" + members_ + "}"; }

private:
  std::string members_; // `"key":value` pairs, comma-separated
};

// A JSON array, items in the order they are added.
class Array {
public:
  Array() = default;
  Array(std::initializer_list<Value> items);

  Array &add(const Value &item);
  bool empty() const noexcept { return items_.empty(); }
  std::string text() const { return "[" + items_ + "]"; }

private:
  std::string items_; // comma-separated
};

// A component value as JSON (docs/JSON.md, "Values"):
//   bool            true / false
//   integers        numbers, all 64 bits exact: 18446744073709551615
//   f32, f64        numbers in shortest round-trip form; "nan", "inf", "-inf"
//   char, string    strings
//   list, tuple     arrays
//   record          {"field": value, ...} in the value's (the type's) order
//   variant         {"case": payload} or {"case": null}
//   enum            "case"
//   option          null for none; some(x) as x, but as {"some": x} when x is
//                   itself an option, so that null always means this none
//   result          {"ok": payload} / {"err": payload}, null without payload
//   flags           ["name", ...], the flags that are set
//   map             [[key, value], ...]
//   resource        {"resource": "own"} or {"resource": "borrow"}
// Written without recursion, so any depth is fine (plugins' values have at most
// 100 levels; a value the host builds may have more).
Value value(const Val &val);

// The document of a failure: {"error": {"message": "...", "exit": 2}}.
Object error(std::string_view message, int exit);

} // namespace wasm_link::tool::json
