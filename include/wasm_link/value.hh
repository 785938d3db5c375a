// Component values and types. The runtime speaks Wasmtime's own value classes
// (`wasmtime::component::Val`, `List`, `Record`, `Tuple`, `Variant`, `WitOption`,
// `WitResult`, `Flags`, `Map`, ...): build and inspect them with those.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {

using Val = wasmtime::component::Val;
using ValType = wasmtime::component::ValType;

// Wasmtime's C++ `Val` builds chars (`Val::char_`) but does not read them back.
inline bool is_char(const Val &value) noexcept {
  return value.capi()->kind == WASMTIME_COMPONENT_CHAR;
}
inline char32_t get_char(const Val &value) noexcept {
  return static_cast<char32_t>(value.capi()->of.character);
}

// The WIT spelling of a type, e.g. "list<u8>", "option<string>",
// "record { a: u32, b: string }", "own<resource>".
std::string type_name(const ValType &type);

// The name of a resource type where it is used (say, the name a component
// exports it under), or nothing when it has none there.
using ResourceNamer =
    std::function<std::optional<std::string>(const wasmtime::component::ResourceType &)>;
// As above, with handles named by `names`: "own<counter>", "borrow<counter>"
// (and "own<resource>" for a type `names` does not know).
std::string type_name(const ValType &type, const ResourceNamer &names);

// Why `value` is not a value of `type`, or nothing when it is. Beyond the shape,
// this checks what Wasmtime would otherwise only find inside the guest or by
// aborting: strings and names are UTF-8, chars are Unicode scalar values, record
// fields, variant cases, enum cases and flags exist and come in the type's order.
std::optional<std::string> type_mismatch(const Val &value, const ValType &type);

} // namespace wasm_link
