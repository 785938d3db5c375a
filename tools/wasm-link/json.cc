#include "json.hh"

#include <charconv>
#include <cmath>
#include <vector>

namespace wasm_link::tool::json {
namespace {

using wasmtime::component::MapEntry;
using wasmtime::component::RecordField;

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD in UTF-8

// The UTF-8 character at the start of `s`: its length or, when it is
// ill-formed, the length of its maximal ill-formed part, which one U+FFFD
// replaces (Unicode's Table 3-7 bounds each second byte).
struct Utf8Char {
  std::size_t length;
  bool valid;
};
Utf8Char utf8_char(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF; // where the second byte must lie
  if (lead >= 0xC2 && lead <= 0xDF)
    n = 2;
  else if (lead >= 0xE0 && lead <= 0xEF)
    n = 3, low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
  else if (lead >= 0xF0 && lead <= 0xF4)
    n = 4, low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
  else
    return {1, false};
  std::size_t i = 1;
  for (; i < n && i < s.size(); ++i) {
    const unsigned char c = byte(i);
    if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xBF))
      break;
  }
  return {i, i == n};
}

void append_u_escape(std::string &out, unsigned char c) {
  static constexpr char hex[] = "0123456789abcdef";
  out.append("\\u00").append({hex[c >> 4], hex[c & 0xF]});
}

void append_quoted(std::string &out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const auto [length, valid] = utf8_char(text.substr(i));
      const auto second = static_cast<unsigned char>(length > 1 ? text[i + 1] : 0);
      if (!valid)
        out.append(replacement);
      else if (c == 0xC2 && second <= 0x9F) // U+0080 to U+009F, the C1 controls
        append_u_escape(out, second);
      else
        out.append(text.substr(i, length));
      i += length;
      continue;
    }
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20 || c == 0x7F)
        append_u_escape(out, c);
      else
        out += static_cast<char>(c);
    }
    ++i;
  }
  out += '"';
}

// JSON has no NaN nor infinities: they are strings, as WAVE spells them.
template <typename F> void append_float(std::string &out, F x) {
  if (std::isnan(x)) {
    out += "\"nan\"";
  } else if (std::isinf(x)) {
    out += x < 0 ? "\"-inf\"" : "\"inf\"";
  } else {
    char buf[64];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
  }
}

template <typename T> void append_integer(std::string &out, T n) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
}

void append_char(std::string &out, char32_t c) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) // not a Unicode scalar value
    c = 0xFFFD;
  std::string utf8;
  if (c < 0x80) {
    utf8 += static_cast<char>(c);
  } else if (c < 0x800) {
    utf8 += static_cast<char>(0xC0 | (c >> 6));
    utf8 += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    utf8 += static_cast<char>(0xE0 | (c >> 12));
    utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    utf8 += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    utf8 += static_cast<char>(0xF0 | (c >> 18));
    utf8 += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    utf8 += static_cast<char>(0x80 | (c & 0x3F));
  }
  append_quoted(out, utf8);
}

// Writes a value without recursion: what is left to write waits on a stack,
// last part first, each entry either a value or the text that separates or
// closes values.
class ValueWriter {
public:
  std::string write(const Val &root) {
    later(root);
    while (!todo_.empty()) {
      Pending next = std::move(todo_.back());
      todo_.pop_back();
      if (next.value != nullptr)
        write_one(*next.value);
      else
        out_ += next.text;
    }
    return std::move(out_);
  }

private:
  struct Pending {
    const Val *value; // or, when null, `text`
    std::string text;
  };

  void later(const Val &value) { todo_.push_back({&value, {}}); }
  void later_text(std::string text) { todo_.push_back({nullptr, std::move(text)}); }

  // After what `out_` holds: each of [begin, end) as `part` schedules it (last
  // part first), with commas between them, then `close`.
  template <typename It, typename Part> void later_each(It begin, It end, char close, Part part) {
    later_text(std::string(1, close));
    for (It it = end; it != begin;) {
      part(*--it);
      if (it != begin)
        later_text(",");
    }
  }

  // `{"<key>":` payload `}`, with null for no payload.
  void later_tagged(std::string_view key, const Val *payload) {
    out_ += '{';
    append_quoted(out_, key);
    out_ += ':';
    later_text("}");
    if (payload != nullptr)
      later(*payload);
    else
      later_text("null");
  }

  void write_one(const Val &value) {
    const auto &raw = *value.capi();
    switch (raw.kind) {
    case WASMTIME_COMPONENT_BOOL:
      out_ += raw.of.boolean ? "true" : "false";
      return;
    case WASMTIME_COMPONENT_S8:
      return append_integer(out_, raw.of.s8);
    case WASMTIME_COMPONENT_U8:
      return append_integer(out_, raw.of.u8);
    case WASMTIME_COMPONENT_S16:
      return append_integer(out_, raw.of.s16);
    case WASMTIME_COMPONENT_U16:
      return append_integer(out_, raw.of.u16);
    case WASMTIME_COMPONENT_S32:
      return append_integer(out_, raw.of.s32);
    case WASMTIME_COMPONENT_U32:
      return append_integer(out_, raw.of.u32);
    case WASMTIME_COMPONENT_S64:
      return append_integer(out_, raw.of.s64);
    case WASMTIME_COMPONENT_U64:
      return append_integer(out_, raw.of.u64);
    case WASMTIME_COMPONENT_F32:
      return append_float(out_, raw.of.f32);
    case WASMTIME_COMPONENT_F64:
      return append_float(out_, raw.of.f64);
    case WASMTIME_COMPONENT_CHAR:
      return append_char(out_, get_char(value));
    case WASMTIME_COMPONENT_STRING:
      return append_quoted(out_, value.get_string());
    case WASMTIME_COMPONENT_ENUM:
      return append_quoted(out_, value.get_enum());
    case WASMTIME_COMPONENT_LIST:
      out_ += '[';
      return later_each(value.get_list().begin(), value.get_list().end(), ']',
                        [&](const Val &item) { later(item); });
    case WASMTIME_COMPONENT_TUPLE:
      out_ += '[';
      return later_each(value.get_tuple().begin(), value.get_tuple().end(), ']',
                        [&](const Val &item) { later(item); });
    case WASMTIME_COMPONENT_RECORD:
      out_ += '{';
      return later_each(value.get_record().begin(), value.get_record().end(), '}',
                        [&](const RecordField &field) {
                          later(field.value());
                          std::string key;
                          append_quoted(key, field.name());
                          later_text(key + ":");
                        });
    case WASMTIME_COMPONENT_MAP:
      out_ += '[';
      return later_each(value.get_map().begin(), value.get_map().end(), ']',
                        [&](const MapEntry &entry) {
                          later_text("]");
                          later(entry.value());
                          later_text(",");
                          later(entry.key());
                          later_text("[");
                        });
    case WASMTIME_COMPONENT_VARIANT:
      return later_tagged(value.get_variant().discriminant(), value.get_variant().value());
    case WASMTIME_COMPONENT_OPTION: {
      const Val *some = value.get_option().value();
      if (some == nullptr)
        out_ += "null";
      else if (some->is_option())
        later_tagged("some", some);
      else
        later(*some);
      return;
    }
    case WASMTIME_COMPONENT_RESULT:
      return later_tagged(value.get_result().is_ok() ? "ok" : "err", value.get_result().payload());
    case WASMTIME_COMPONENT_FLAGS: {
      out_ += '[';
      bool first = true;
      for (const auto &flag : value.get_flags()) {
        out_ += first ? "" : ",";
        first = false;
        append_quoted(out_, flag.name());
      }
      out_ += ']';
      return;
    }
    case WASMTIME_COMPONENT_RESOURCE:
      out_ += value.get_resource().owned() ? R"({"resource":"own"})" : R"({"resource":"borrow"})";
      return;
    }
    // A kind newer than this writer: a string that names it, rather than bad JSON.
    out_ += "\"<unknown value>\"";
  }

  std::string out_;
  std::vector<Pending> todo_;
};

} // namespace

std::string quote(std::string_view text) {
  std::string out;
  append_quoted(out, text);
  return out;
}

Value::Value(float x) {
  append_float(text_, x);
}

Value::Value(double x) {
  append_float(text_, x);
}

Value::Value(const Object &object) : text_(object.text()) {}

Value::Value(const Array &array) : text_(array.text()) {}

Object::Object(std::initializer_list<std::pair<std::string_view, Value>> members) {
  for (const auto &[key, value] : members)
    add(key, value);
}

Object &Object::add(std::string_view key, const Value &value) {
  if (!members_.empty())
    members_ += ',';
  append_quoted(members_, key);
  members_ += ':';
  members_ += value.text();
  return *this;
}

Array::Array(std::initializer_list<Value> items) {
  for (const Value &item : items)
    add(item);
}

Array &Array::add(const Value &item) {
  if (!items_.empty())
    items_ += ',';
  items_ += item.text();
  return *this;
}

Value value(const Val &val) {
  return Value(Value::Written{}, ValueWriter().write(val));
}

Object error(std::string_view message, int exit) {
  return {{"error", Object{{"message", message}, {"exit", exit}}}};
}

} // namespace wasm_link::tool::json
