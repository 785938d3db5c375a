#include <wasm_link/value.hh>

#include "unicode.hh"

#include <algorithm>
#include <string>
#include <vector>

namespace wasm_link {
namespace {

using detail::is_scalar;
using detail::is_utf8;

using wasmtime::component::ValType;

// What a value is, for messages: its kind as the C API tags it.
std::string_view kind_of(const Val &value) noexcept {
  switch (value.capi()->kind) {
  case WASMTIME_COMPONENT_BOOL:
    return "bool";
  case WASMTIME_COMPONENT_S8:
    return "s8";
  case WASMTIME_COMPONENT_U8:
    return "u8";
  case WASMTIME_COMPONENT_S16:
    return "s16";
  case WASMTIME_COMPONENT_U16:
    return "u16";
  case WASMTIME_COMPONENT_S32:
    return "s32";
  case WASMTIME_COMPONENT_U32:
    return "u32";
  case WASMTIME_COMPONENT_S64:
    return "s64";
  case WASMTIME_COMPONENT_U64:
    return "u64";
  case WASMTIME_COMPONENT_F32:
    return "f32";
  case WASMTIME_COMPONENT_F64:
    return "f64";
  case WASMTIME_COMPONENT_CHAR:
    return "char";
  case WASMTIME_COMPONENT_STRING:
    return "string";
  case WASMTIME_COMPONENT_LIST:
    return "list";
  case WASMTIME_COMPONENT_RECORD:
    return "record";
  case WASMTIME_COMPONENT_TUPLE:
    return "tuple";
  case WASMTIME_COMPONENT_VARIANT:
    return "variant";
  case WASMTIME_COMPONENT_ENUM:
    return "enum";
  case WASMTIME_COMPONENT_OPTION:
    return "option";
  case WASMTIME_COMPONENT_RESULT:
    return "result";
  case WASMTIME_COMPONENT_FLAGS:
    return "flags";
  case WASMTIME_COMPONENT_RESOURCE:
    return "resource";
  case WASMTIME_COMPONENT_MAP:
    return "map";
  }
  return "unknown value";
}

std::string expected(const ValType &type, const Val &value) {
  return "expected " + type_name(type) + ", found " + std::string(kind_of(value));
}

// Prefixes where inside the value a mismatch was found.
std::optional<std::string> at(std::string where, std::optional<std::string> why) {
  if (why)
    return where + ": " + *why;
  return why;
}

std::optional<std::string> check_name(std::string_view what, std::string_view name) {
  if (!is_utf8(name))
    return std::string(what) + " name is not valid UTF-8";
  return std::nullopt;
}

std::optional<std::string> check_record(const Val &value, const ValType &type) {
  const auto &record_type = type.record();
  const auto &record = value.get_record();
  if (record.size() != record_type.field_count())
    return type_name(type) + " has " + std::to_string(record_type.field_count()) +
           " fields, found " + std::to_string(record.size());
  std::size_t i = 0;
  for (const auto &field : record) {
    auto expected_field = record_type.field_nth(i++);
    if (auto bad = check_name("field", field.name()))
      return bad;
    if (field.name() != expected_field->first)
      return "expected field `" + std::string(expected_field->first) + "`, found `" +
             std::string(field.name()) + "`";
    if (auto why = type_mismatch(field.value(), expected_field->second))
      return at("field `" + std::string(field.name()) + "`", why);
  }
  return std::nullopt;
}

std::optional<std::string> check_variant(const Val &value, const ValType &type) {
  const auto &variant_type = type.variant();
  const auto &variant = value.get_variant();
  if (auto bad = check_name("case", variant.discriminant()))
    return bad;
  for (std::size_t i = 0; i < variant_type.case_count(); ++i) {
    auto c = variant_type.case_nth(i);
    if (c->first != variant.discriminant())
      continue;
    std::string where = "case `" + std::string(c->first) + "`";
    if (c->second.has_value() != (variant.value() != nullptr))
      return where + (c->second ? " needs a payload" : " takes no payload");
    return c->second ? at(where, type_mismatch(*variant.value(), *c->second)) : std::nullopt;
  }
  return "no case `" + std::string(variant.discriminant()) + "` in " + type_name(type);
}

std::optional<std::string> check_result(const Val &value, const ValType &type) {
  const auto &result = value.get_result();
  auto payload_type = result.is_ok() ? type.result().ok() : type.result().err();
  std::string where = result.is_ok() ? "ok" : "err";
  if (payload_type.has_value() != (result.payload() != nullptr))
    return where + (payload_type ? " needs a payload" : " takes no payload");
  return payload_type ? at(where, type_mismatch(*result.payload(), *payload_type)) : std::nullopt;
}

std::optional<std::string> check_flags(const Val &value, const ValType &type) {
  const auto &flags_type = type.flags();
  std::vector<std::string_view> seen;
  for (const auto &flag : value.get_flags()) {
    if (auto bad = check_name("flag", flag.name()))
      return bad;
    bool known = false;
    for (std::size_t i = 0; i < flags_type.names_count() && !known; ++i)
      known = flags_type.names_nth(i) == flag.name();
    if (!known)
      return "no flag `" + std::string(flag.name()) + "` in " + type_name(type);
    if (std::find(seen.begin(), seen.end(), flag.name()) != seen.end())
      return "flag `" + std::string(flag.name()) + "` given twice";
    seen.push_back(flag.name());
  }
  return std::nullopt;
}

} // namespace

std::string type_name(const ValType &type) {
  switch (type.kind()) {
  case WASMTIME_COMPONENT_VALTYPE_BOOL:
    return "bool";
  case WASMTIME_COMPONENT_VALTYPE_S8:
    return "s8";
  case WASMTIME_COMPONENT_VALTYPE_S16:
    return "s16";
  case WASMTIME_COMPONENT_VALTYPE_S32:
    return "s32";
  case WASMTIME_COMPONENT_VALTYPE_S64:
    return "s64";
  case WASMTIME_COMPONENT_VALTYPE_U8:
    return "u8";
  case WASMTIME_COMPONENT_VALTYPE_U16:
    return "u16";
  case WASMTIME_COMPONENT_VALTYPE_U32:
    return "u32";
  case WASMTIME_COMPONENT_VALTYPE_U64:
    return "u64";
  case WASMTIME_COMPONENT_VALTYPE_F32:
    return "f32";
  case WASMTIME_COMPONENT_VALTYPE_F64:
    return "f64";
  case WASMTIME_COMPONENT_VALTYPE_CHAR:
    return "char";
  case WASMTIME_COMPONENT_VALTYPE_STRING:
    return "string";
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    return "list<" + type_name(type.list().element()) + ">";
  case WASMTIME_COMPONENT_VALTYPE_RECORD: {
    std::string out = "record {";
    for (std::size_t i = 0; i < type.record().field_count(); ++i) {
      auto field = type.record().field_nth(i);
      out += (i ? ", " : " ") + std::string(field->first) + ": " + type_name(field->second);
    }
    return out + " }";
  }
  case WASMTIME_COMPONENT_VALTYPE_TUPLE: {
    std::string out = "tuple<";
    for (std::size_t i = 0; i < type.tuple().types_count(); ++i)
      out += (i ? ", " : "") + type_name(*type.tuple().types_nth(i));
    return out + ">";
  }
  case WASMTIME_COMPONENT_VALTYPE_VARIANT: {
    std::string out = "variant {";
    for (std::size_t i = 0; i < type.variant().case_count(); ++i) {
      auto c = type.variant().case_nth(i);
      out += (i ? ", " : " ") + std::string(c->first);
      if (c->second)
        out += "(" + type_name(*c->second) + ")";
    }
    return out + " }";
  }
  case WASMTIME_COMPONENT_VALTYPE_ENUM: {
    std::string out = "enum {";
    for (std::size_t i = 0; i < type.enum_().names_count(); ++i)
      out += (i ? ", " : " ") + std::string(*type.enum_().names_nth(i));
    return out + " }";
  }
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    return "option<" + type_name(type.option().ty()) + ">";
  case WASMTIME_COMPONENT_VALTYPE_RESULT: {
    auto ok = type.result().ok();
    auto err = type.result().err();
    if (!ok && !err)
      return "result";
    if (!err)
      return "result<" + type_name(*ok) + ">";
    return "result<" + (ok ? type_name(*ok) : std::string("_")) + ", " + type_name(*err) + ">";
  }
  case WASMTIME_COMPONENT_VALTYPE_FLAGS: {
    std::string out = "flags {";
    for (std::size_t i = 0; i < type.flags().names_count(); ++i)
      out += (i ? ", " : " ") + std::string(*type.flags().names_nth(i));
    return out + " }";
  }
  case WASMTIME_COMPONENT_VALTYPE_OWN:
    return "own<resource>";
  case WASMTIME_COMPONENT_VALTYPE_BORROW:
    return "borrow<resource>";
  case WASMTIME_COMPONENT_VALTYPE_FUTURE: {
    auto inner = type.future().ty();
    return inner ? "future<" + type_name(*inner) + ">" : "future";
  }
  case WASMTIME_COMPONENT_VALTYPE_STREAM: {
    auto inner = type.stream().ty();
    return inner ? "stream<" + type_name(*inner) + ">" : "stream";
  }
  case WASMTIME_COMPONENT_VALTYPE_ERROR_CONTEXT:
    return "error-context";
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    return "map<" + type_name(type.map().key()) + ", " + type_name(type.map().value()) + ">";
  }
  return "unknown type";
}

std::optional<std::string> type_mismatch(const Val &value, const ValType &type) {
  // The C API numbers value kinds and type kinds differently.
  auto scalar = [&](wasmtime_component_valkind_t kind) -> std::optional<std::string> {
    if (value.capi()->kind != kind)
      return expected(type, value);
    return std::nullopt;
  };
  switch (type.kind()) {
  case WASMTIME_COMPONENT_VALTYPE_BOOL:
    return scalar(WASMTIME_COMPONENT_BOOL);
  case WASMTIME_COMPONENT_VALTYPE_S8:
    return scalar(WASMTIME_COMPONENT_S8);
  case WASMTIME_COMPONENT_VALTYPE_S16:
    return scalar(WASMTIME_COMPONENT_S16);
  case WASMTIME_COMPONENT_VALTYPE_S32:
    return scalar(WASMTIME_COMPONENT_S32);
  case WASMTIME_COMPONENT_VALTYPE_S64:
    return scalar(WASMTIME_COMPONENT_S64);
  case WASMTIME_COMPONENT_VALTYPE_U8:
    return scalar(WASMTIME_COMPONENT_U8);
  case WASMTIME_COMPONENT_VALTYPE_U16:
    return scalar(WASMTIME_COMPONENT_U16);
  case WASMTIME_COMPONENT_VALTYPE_U32:
    return scalar(WASMTIME_COMPONENT_U32);
  case WASMTIME_COMPONENT_VALTYPE_U64:
    return scalar(WASMTIME_COMPONENT_U64);
  case WASMTIME_COMPONENT_VALTYPE_F32:
    return scalar(WASMTIME_COMPONENT_F32);
  case WASMTIME_COMPONENT_VALTYPE_F64:
    return scalar(WASMTIME_COMPONENT_F64);
  case WASMTIME_COMPONENT_VALTYPE_CHAR:
    if (!is_char(value))
      return expected(type, value);
    if (!is_scalar(get_char(value)))
      return "char " + std::to_string(static_cast<std::uint32_t>(get_char(value))) +
             " is not a Unicode scalar value";
    return std::nullopt;
  case WASMTIME_COMPONENT_VALTYPE_STRING:
    if (!value.is_string())
      return expected(type, value);
    if (!is_utf8(value.get_string()))
      return "string is not valid UTF-8";
    return std::nullopt;
  case WASMTIME_COMPONENT_VALTYPE_LIST: {
    if (!value.is_list())
      return expected(type, value);
    const ValType element = type.list().element();
    std::size_t i = 0;
    for (const Val &item : value.get_list()) {
      if (auto why = type_mismatch(item, element))
        return at("element " + std::to_string(i), why);
      ++i;
    }
    return std::nullopt;
  }
  case WASMTIME_COMPONENT_VALTYPE_RECORD:
    if (!value.is_record())
      return expected(type, value);
    return check_record(value, type);
  case WASMTIME_COMPONENT_VALTYPE_TUPLE: {
    if (!value.is_tuple())
      return expected(type, value);
    const auto &tuple_type = type.tuple();
    if (value.get_tuple().size() != tuple_type.types_count())
      return type_name(type) + " has " + std::to_string(tuple_type.types_count()) +
             " elements, found " + std::to_string(value.get_tuple().size());
    std::size_t i = 0;
    for (const Val &item : value.get_tuple()) {
      if (auto why = type_mismatch(item, *tuple_type.types_nth(i)))
        return at("element " + std::to_string(i), why);
      ++i;
    }
    return std::nullopt;
  }
  case WASMTIME_COMPONENT_VALTYPE_VARIANT:
    if (!value.is_variant())
      return expected(type, value);
    return check_variant(value, type);
  case WASMTIME_COMPONENT_VALTYPE_ENUM: {
    if (!value.is_enum())
      return expected(type, value);
    if (auto bad = check_name("enum case", value.get_enum()))
      return bad;
    for (std::size_t i = 0; i < type.enum_().names_count(); ++i)
      if (type.enum_().names_nth(i) == value.get_enum())
        return std::nullopt;
    return "no case `" + std::string(value.get_enum()) + "` in " + type_name(type);
  }
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    if (!value.is_option())
      return expected(type, value);
    if (value.get_option().value() == nullptr)
      return std::nullopt;
    return at("some", type_mismatch(*value.get_option().value(), type.option().ty()));
  case WASMTIME_COMPONENT_VALTYPE_RESULT:
    if (!value.is_result())
      return expected(type, value);
    return check_result(value, type);
  case WASMTIME_COMPONENT_VALTYPE_FLAGS:
    if (!value.is_flags())
      return expected(type, value);
    return check_flags(value, type);
  case WASMTIME_COMPONENT_VALTYPE_OWN:
  case WASMTIME_COMPONENT_VALTYPE_BORROW:
    if (!value.is_resource())
      return expected(type, value);
    return std::nullopt;
  case WASMTIME_COMPONENT_VALTYPE_MAP: {
    if (!value.is_map())
      return expected(type, value);
    const ValType key = type.map().key();
    const ValType mapped = type.map().value();
    std::size_t i = 0;
    for (const auto &entry : value.get_map()) {
      if (auto why = type_mismatch(entry.key(), key))
        return at("key of entry " + std::to_string(i), why);
      if (auto why = type_mismatch(entry.value(), mapped))
        return at("value of entry " + std::to_string(i), why);
      ++i;
    }
    return std::nullopt;
  }
  case WASMTIME_COMPONENT_VALTYPE_FUTURE:
  case WASMTIME_COMPONENT_VALTYPE_STREAM:
  case WASMTIME_COMPONENT_VALTYPE_ERROR_CONTEXT:
    return type_name(type) + " values cannot be passed";
  }
  return "unknown type";
}

} // namespace wasm_link
