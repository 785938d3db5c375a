// WAVE text from anyone (the arguments of `wasm-link call`), read as each of a
// set of value types. A value that parses must be of its type, and its text
// must read back as the same value: to_string, parse, to_string gives the
// same text. A mismatch aborts, for libFuzzer to report.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <wasm_link.hh>

namespace {

using namespace wasm_link;

// Every kind of value WAVE reads, alone and nested: the parameters of the
// functions the component imports, so that it needs no code. (Wasmtime keeps
// no imports of types: they name the record, variant, enum and flags types.)
constexpr std::string_view kTypes = R"((component
  (type $t-point (record (field "x" u32) (field "label" string)))
  (import "point" (type $point (eq $t-point)))
  (type $t-entry (record (field "name" string) (field "tags" (list string))
                         (field "weight" (option u32)) (field "origin" (option $point))))
  (import "entry" (type $entry (eq $t-entry)))
  (type $t-shape (variant (case "empty") (case "count" u32) (case "named" string)
                          (case "at" $point)))
  (import "shape" (type $shape (eq $t-shape)))
  (type $t-color (enum "red" "green" "blue"))
  (import "color" (type $color (eq $t-color)))
  (type $t-access (flags "read" "write" "exec"))
  (import "access" (type $access (eq $t-access)))
  (import "take-bool" (func (param "v" bool)))
  (import "take-s8" (func (param "v" s8)))
  (import "take-u8" (func (param "v" u8)))
  (import "take-s16" (func (param "v" s16)))
  (import "take-u16" (func (param "v" u16)))
  (import "take-s32" (func (param "v" s32)))
  (import "take-u32" (func (param "v" u32)))
  (import "take-s64" (func (param "v" s64)))
  (import "take-u64" (func (param "v" u64)))
  (import "take-f32" (func (param "v" f32)))
  (import "take-f64" (func (param "v" f64)))
  (import "take-char" (func (param "v" char)))
  (import "take-string" (func (param "v" string)))
  (import "take-bytes" (func (param "v" (list u8))))
  (import "take-strings" (func (param "v" (list string))))
  (import "take-point" (func (param "v" $point)))
  (import "take-entry" (func (param "v" $entry)))
  (import "take-entries" (func (param "v" (list $entry))))
  (import "take-shape" (func (param "v" $shape)))
  (import "take-color" (func (param "v" $color)))
  (import "take-access" (func (param "v" $access)))
  (import "take-tuple" (func (param "v" (tuple u8 string char))))
  (import "take-floats" (func (param "v" (tuple f32 f64))))
  (import "take-option" (func (param "v" (option u32))))
  (import "take-option-option" (func (param "v" (option (option string)))))
  (import "take-result" (func (param "v" (result string (error u32)))))
  (import "take-result-ok" (func (param "v" (result $shape))))
  (import "take-result-err" (func (param "v" (result (error $color)))))
  (import "take-result-empty" (func (param "v" (result))))
  (import "take-map" (func (param "v" (map string u32))))
  (import "take-map-nested" (func (param "v" (map char (list (option $access))))))
  (import "take-shapes" (func (param "v" (list (tuple $shape (result (list s64) (error string)))))))
))";

std::vector<std::pair<std::string, ValType>> value_types() {
  static wasmtime::Engine engine(default_config());
  auto component = compile_component(engine, kTypes, "wave-types");
  if (!component) {
    std::fprintf(stderr, "%s\n", component.err_ref().message().c_str());
    std::abort();
  }
  const auto type = component.ok_ref().type();
  std::vector<std::pair<std::string, ValType>> out;
  for (std::size_t i = 0; i < type.import_count(engine); ++i) {
    auto [name, item] = *type.import_nth(engine, i);
    out.emplace_back(std::string(name), item.component_func().param_nth(0)->second);
  }
  if (out.size() != 32) {
    std::fprintf(stderr, "wave-types: %zu value types instead of 32\n", out.size());
    std::abort();
  }
  return out;
}

[[noreturn]] void fail(std::string_view what, std::string_view type, std::string_view text,
                       std::string_view detail) {
  std::fprintf(stderr, "%.*s as %.*s: `%.*s`: %.*s\n", int(what.size()), what.data(),
               int(type.size()), type.data(), int(text.size()), text.data(), int(detail.size()),
               detail.data());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  static const auto types = value_types();
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  for (const auto &[name, type] : types) {
    auto value = parse_wave(text, type);
    if (!value)
      continue;
    if (auto mismatch = type_mismatch(value.ok_ref(), type))
      fail("a parsed value is not of its type", name, text, *mismatch);
    const std::string printed = to_string(value.ok_ref());
    auto again = parse_wave(printed, type);
    if (!again)
      fail("printed text does not parse", name, printed, again.err_ref().message());
    const std::string reprinted = to_string(again.ok_ref());
    if (reprinted != printed)
      fail("printed text reads back differently", name, printed, reprinted);
  }
  return 0;
}
