#include <wasm_link/value.hh>

#include "type_check.hh"
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

} // namespace

std::string type_name(const ValType &type) {
  return type_name(type, ResourceNamer());
}

std::string type_name(const ValType &type, const ResourceNamer &names) {
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
    return "list<" + type_name(type.list().element(), names) + ">";
  case WASMTIME_COMPONENT_VALTYPE_RECORD: {
    std::string out = "record {";
    for (std::size_t i = 0; i < type.record().field_count(); ++i) {
      auto field = type.record().field_nth(i);
      out += (i ? ", " : " ") + std::string(field->first) + ": " + type_name(field->second, names);
    }
    return out + " }";
  }
  case WASMTIME_COMPONENT_VALTYPE_TUPLE: {
    std::string out = "tuple<";
    for (std::size_t i = 0; i < type.tuple().types_count(); ++i)
      out += (i ? ", " : "") + type_name(*type.tuple().types_nth(i), names);
    return out + ">";
  }
  case WASMTIME_COMPONENT_VALTYPE_VARIANT: {
    std::string out = "variant {";
    for (std::size_t i = 0; i < type.variant().case_count(); ++i) {
      auto c = type.variant().case_nth(i);
      out += (i ? ", " : " ") + std::string(c->first);
      if (c->second)
        out += "(" + type_name(*c->second, names) + ")";
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
    return "option<" + type_name(type.option().ty(), names) + ">";
  case WASMTIME_COMPONENT_VALTYPE_RESULT: {
    auto ok = type.result().ok();
    auto err = type.result().err();
    if (!ok && !err)
      return "result";
    if (!err)
      return "result<" + type_name(*ok, names) + ">";
    return "result<" + (ok ? type_name(*ok, names) : std::string("_")) + ", " +
           type_name(*err, names) + ">";
  }
  case WASMTIME_COMPONENT_VALTYPE_FLAGS: {
    std::string out = "flags {";
    for (std::size_t i = 0; i < type.flags().names_count(); ++i)
      out += (i ? ", " : " ") + std::string(*type.flags().names_nth(i));
    return out + " }";
  }
  case WASMTIME_COMPONENT_VALTYPE_OWN:
  case WASMTIME_COMPONENT_VALTYPE_BORROW: {
    const bool own = type.kind() == WASMTIME_COMPONENT_VALTYPE_OWN;
    std::optional<std::string> name;
    if (names)
      name = names(own ? type.own() : type.borrow());
    return (own ? "own<" : "borrow<") + name.value_or("resource") + ">";
  }
  case WASMTIME_COMPONENT_VALTYPE_FUTURE: {
    auto inner = type.future().ty();
    return inner ? "future<" + type_name(*inner, names) + ">" : "future";
  }
  case WASMTIME_COMPONENT_VALTYPE_STREAM: {
    auto inner = type.stream().ty();
    return inner ? "stream<" + type_name(*inner, names) + ">" : "stream";
  }
  case WASMTIME_COMPONENT_VALTYPE_ERROR_CONTEXT:
    return "error-context";
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    return "map<" + type_name(type.map().key(), names) + ", " +
           type_name(type.map().value(), names) + ">";
  }
  return "unknown type";
}

std::optional<std::string> type_mismatch(const Val &value, const ValType &type) {
  return detail::TypeCheck(type).mismatch(value);
}

namespace detail {

TypeCheck::TypeCheck(const ValType &type) : type_(type), kind_(type.kind()) {
  auto add = [&](const std::optional<ValType> &part) {
    parts_.push_back(part ? std::optional<TypeCheck>(TypeCheck(*part)) : std::nullopt);
  };
  switch (kind_) {
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    add(type.list().element());
    break;
  case WASMTIME_COMPONENT_VALTYPE_RECORD:
    for (std::size_t i = 0; i < type.record().field_count(); ++i) {
      auto field = type.record().field_nth(i);
      names_.emplace_back(field->first);
      add(field->second);
    }
    break;
  case WASMTIME_COMPONENT_VALTYPE_TUPLE:
    for (std::size_t i = 0; i < type.tuple().types_count(); ++i)
      add(type.tuple().types_nth(i));
    break;
  case WASMTIME_COMPONENT_VALTYPE_VARIANT:
    for (std::size_t i = 0; i < type.variant().case_count(); ++i) {
      auto c = type.variant().case_nth(i);
      names_.emplace_back(c->first);
      add(c->second);
    }
    break;
  case WASMTIME_COMPONENT_VALTYPE_ENUM:
    for (std::size_t i = 0; i < type.enum_().names_count(); ++i)
      names_.emplace_back(*type.enum_().names_nth(i));
    break;
  case WASMTIME_COMPONENT_VALTYPE_FLAGS:
    for (std::size_t i = 0; i < type.flags().names_count(); ++i)
      names_.emplace_back(*type.flags().names_nth(i));
    break;
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    add(type.option().ty());
    break;
  case WASMTIME_COMPONENT_VALTYPE_RESULT:
    add(type.result().ok());
    add(type.result().err());
    break;
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    add(type.map().key());
    add(type.map().value());
    break;
  default:
    break;
  }
}

namespace {

// The value kind of a bool or number type (the C API numbers value kinds and
// type kinds differently).
std::optional<wasmtime_component_valkind_t> number_or_bool(wasmtime_component_valtype_kind_t kind) {
  switch (kind) {
  case WASMTIME_COMPONENT_VALTYPE_BOOL:
    return WASMTIME_COMPONENT_BOOL;
  case WASMTIME_COMPONENT_VALTYPE_S8:
    return WASMTIME_COMPONENT_S8;
  case WASMTIME_COMPONENT_VALTYPE_S16:
    return WASMTIME_COMPONENT_S16;
  case WASMTIME_COMPONENT_VALTYPE_S32:
    return WASMTIME_COMPONENT_S32;
  case WASMTIME_COMPONENT_VALTYPE_S64:
    return WASMTIME_COMPONENT_S64;
  case WASMTIME_COMPONENT_VALTYPE_U8:
    return WASMTIME_COMPONENT_U8;
  case WASMTIME_COMPONENT_VALTYPE_U16:
    return WASMTIME_COMPONENT_U16;
  case WASMTIME_COMPONENT_VALTYPE_U32:
    return WASMTIME_COMPONENT_U32;
  case WASMTIME_COMPONENT_VALTYPE_U64:
    return WASMTIME_COMPONENT_U64;
  case WASMTIME_COMPONENT_VALTYPE_F32:
    return WASMTIME_COMPONENT_F32;
  case WASMTIME_COMPONENT_VALTYPE_F64:
    return WASMTIME_COMPONENT_F64;
  default:
    return std::nullopt;
  }
}

} // namespace

std::optional<std::string> TypeCheck::mismatch(const Val &value) const {
  auto expected = [&] { return this->expected(value); };
  if (auto kind = number_or_bool(kind_))
    return value.capi()->kind == *kind ? std::nullopt : std::optional(expected());
  switch (kind_) {
  case WASMTIME_COMPONENT_VALTYPE_CHAR:
    if (!is_char(value))
      return expected();
    if (!is_scalar(get_char(value)))
      return "char " + std::to_string(static_cast<std::uint32_t>(get_char(value))) +
             " is not a Unicode scalar value";
    return std::nullopt;
  case WASMTIME_COMPONENT_VALTYPE_STRING:
    if (!value.is_string())
      return expected();
    if (!is_utf8(value.get_string()))
      return "string is not valid UTF-8";
    return std::nullopt;
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    return list_mismatch(value);
  case WASMTIME_COMPONENT_VALTYPE_RECORD:
    return record_mismatch(value);
  case WASMTIME_COMPONENT_VALTYPE_TUPLE:
    return tuple_mismatch(value);
  case WASMTIME_COMPONENT_VALTYPE_VARIANT:
    return variant_mismatch(value);
  case WASMTIME_COMPONENT_VALTYPE_ENUM:
    if (!value.is_enum())
      return expected();
    if (auto bad = check_name("enum case", value.get_enum()))
      return bad;
    if (std::find(names_.begin(), names_.end(), value.get_enum()) != names_.end())
      return std::nullopt;
    return "no case `" + std::string(value.get_enum()) + "` in " + type_name(type_);
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    if (!value.is_option())
      return expected();
    if (value.get_option().value() == nullptr)
      return std::nullopt;
    return at("some", parts_[0]->mismatch(*value.get_option().value()));
  case WASMTIME_COMPONENT_VALTYPE_RESULT:
    return result_mismatch(value);
  case WASMTIME_COMPONENT_VALTYPE_FLAGS:
    return flags_mismatch(value);
  case WASMTIME_COMPONENT_VALTYPE_OWN:
  case WASMTIME_COMPONENT_VALTYPE_BORROW:
    if (!value.is_resource())
      return expected();
    return std::nullopt;
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    return map_mismatch(value);
  case WASMTIME_COMPONENT_VALTYPE_FUTURE:
  case WASMTIME_COMPONENT_VALTYPE_STREAM:
  case WASMTIME_COMPONENT_VALTYPE_ERROR_CONTEXT:
    return type_name(type_) + " values cannot be passed";
  }
  return "unknown type";
}

std::string TypeCheck::expected(const Val &value) const {
  return "expected " + type_name(type_) + ", found " + std::string(kind_of(value));
}

std::optional<std::string> TypeCheck::payload_mismatch(std::string where,
                                                       const std::optional<TypeCheck> &check,
                                                       const Val *inner) {
  if (check.has_value() != (inner != nullptr))
    return where + (check ? " needs a payload" : " takes no payload");
  return check ? at(std::move(where), check->mismatch(*inner)) : std::nullopt;
}

std::optional<std::string> TypeCheck::list_mismatch(const Val &value) const {
  if (!value.is_list())
    return expected(value);
  std::size_t i = 0;
  for (const Val &item : value.get_list()) {
    if (auto why = parts_[0]->mismatch(item))
      return at("element " + std::to_string(i), why);
    ++i;
  }
  return std::nullopt;
}

std::optional<std::string> TypeCheck::record_mismatch(const Val &value) const {
  if (!value.is_record())
    return expected(value);
  const auto &record = value.get_record();
  if (record.size() != names_.size())
    return type_name(type_) + " has " + std::to_string(names_.size()) + " fields, found " +
           std::to_string(record.size());
  std::size_t i = 0;
  for (const auto &field : record) {
    if (auto bad = check_name("field", field.name()))
      return bad;
    if (field.name() != names_[i])
      return "expected field `" + names_[i] + "`, found `" + std::string(field.name()) + "`";
    if (auto why = parts_[i]->mismatch(field.value()))
      return at("field `" + names_[i] + "`", why);
    ++i;
  }
  return std::nullopt;
}

std::optional<std::string> TypeCheck::tuple_mismatch(const Val &value) const {
  if (!value.is_tuple())
    return expected(value);
  if (value.get_tuple().size() != parts_.size())
    return type_name(type_) + " has " + std::to_string(parts_.size()) + " elements, found " +
           std::to_string(value.get_tuple().size());
  std::size_t i = 0;
  for (const Val &item : value.get_tuple()) {
    if (auto why = parts_[i]->mismatch(item))
      return at("element " + std::to_string(i), why);
    ++i;
  }
  return std::nullopt;
}

std::optional<std::string> TypeCheck::variant_mismatch(const Val &value) const {
  if (!value.is_variant())
    return expected(value);
  const auto &variant = value.get_variant();
  if (auto bad = check_name("case", variant.discriminant()))
    return bad;
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == variant.discriminant())
      return payload_mismatch("case `" + names_[i] + "`", parts_[i], variant.value());
  return "no case `" + std::string(variant.discriminant()) + "` in " + type_name(type_);
}

std::optional<std::string> TypeCheck::result_mismatch(const Val &value) const {
  if (!value.is_result())
    return expected(value);
  const auto &result = value.get_result();
  return result.is_ok() ? payload_mismatch("ok", parts_[0], result.payload())
                        : payload_mismatch("err", parts_[1], result.payload());
}

std::optional<std::string> TypeCheck::flags_mismatch(const Val &value) const {
  if (!value.is_flags())
    return expected(value);
  std::vector<std::string_view> seen;
  for (const auto &flag : value.get_flags()) {
    if (auto bad = check_name("flag", flag.name()))
      return bad;
    if (std::find(names_.begin(), names_.end(), flag.name()) == names_.end())
      return "no flag `" + std::string(flag.name()) + "` in " + type_name(type_);
    if (std::find(seen.begin(), seen.end(), flag.name()) != seen.end())
      return "flag `" + std::string(flag.name()) + "` given twice";
    seen.push_back(flag.name());
  }
  return std::nullopt;
}

std::optional<std::string> TypeCheck::map_mismatch(const Val &value) const {
  if (!value.is_map())
    return expected(value);
  std::size_t i = 0;
  for (const auto &entry : value.get_map()) {
    if (auto why = parts_[0]->mismatch(entry.key()))
      return at("key of entry " + std::to_string(i), why);
    if (auto why = parts_[1]->mismatch(entry.value()))
      return at("value of entry " + std::to_string(i), why);
    ++i;
  }
  return std::nullopt;
}

} // namespace detail
} // namespace wasm_link
