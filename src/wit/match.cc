// WIT types against the types Wasmtime reads from a component.
#include <wasm_link/wit.hh>

namespace wasm_link::wit {
namespace {

using wasmtime::component::ValType;

bool matches(const std::optional<Type> &type, const std::optional<ValType> &found) {
  return type.has_value() == found.has_value() && (!type || matches(*type, *found));
}

bool matches_names(const std::vector<Field> &fields, std::size_t count,
                   const auto &name_at /* (i) -> std::optional<std::string_view> */) {
  if (fields.size() != count)
    return false;
  for (std::size_t i = 0; i < count; ++i)
    if (name_at(i) != fields[i].name)
      return false;
  return true;
}

bool matches_definition(const TypeDef &def, const ValType &found) {
  switch (def.kind) {
  case TypeDef::Kind::alias:
    return matches(*def.alias, found);
  case TypeDef::Kind::record: {
    if (!found.is_record() || found.record().field_count() != def.fields.size())
      return false;
    for (std::size_t i = 0; i < def.fields.size(); ++i) {
      auto field = found.record().field_nth(i);
      if (field->first != def.fields[i].name || !matches(*def.fields[i].type, field->second))
        return false;
    }
    return true;
  }
  case TypeDef::Kind::variant: {
    if (!found.is_variant() || found.variant().case_count() != def.fields.size())
      return false;
    for (std::size_t i = 0; i < def.fields.size(); ++i) {
      auto found_case = found.variant().case_nth(i);
      if (found_case->first != def.fields[i].name ||
          !matches(def.fields[i].type, found_case->second))
        return false;
    }
    return true;
  }
  case TypeDef::Kind::enum_:
    return found.is_enum() &&
           matches_names(def.fields, found.enum_().names_count(),
                         [&](std::size_t i) { return found.enum_().names_nth(i); });
  case TypeDef::Kind::flags:
    return found.is_flags() &&
           matches_names(def.fields, found.flags().names_count(),
                         [&](std::size_t i) { return found.flags().names_nth(i); });
  case TypeDef::Kind::resource:
    break; // a resource's name is an `own` type, never `named`
  }
  return false;
}

} // namespace

bool matches(const Type &type, const ValType &found) {
  using K = Type::Kind;
  const auto &arguments = type.arguments;
  switch (type.kind) {
  case K::bool_:
    return found.is_bool();
  case K::s8:
    return found.is_s8();
  case K::s16:
    return found.is_s16();
  case K::s32:
    return found.is_s32();
  case K::s64:
    return found.is_s64();
  case K::u8:
    return found.is_u8();
  case K::u16:
    return found.is_u16();
  case K::u32:
    return found.is_u32();
  case K::u64:
    return found.is_u64();
  case K::f32:
    return found.is_f32();
  case K::f64:
    return found.is_f64();
  case K::char_:
    return found.is_char();
  case K::string:
    return found.is_string();
  case K::error_context:
    return found.is_error_context();
  case K::list:
    return type.length == 0 && found.is_list() && matches(arguments[0], found.list().element());
  case K::option:
    return found.is_option() && matches(arguments[0], found.option().ty());
  case K::result:
    return found.is_result() &&
           matches(type.ok() ? std::optional(*type.ok()) : std::nullopt, found.result().ok()) &&
           matches(type.err() ? std::optional(*type.err()) : std::nullopt, found.result().err());
  case K::tuple: {
    if (!found.is_tuple() || found.tuple().types_count() != arguments.size())
      return false;
    for (std::size_t i = 0; i < arguments.size(); ++i)
      if (!matches(arguments[i], *found.tuple().types_nth(i)))
        return false;
    return true;
  }
  case K::map:
    return found.is_map() && matches(arguments[0], found.map().key()) &&
           matches(arguments[1], found.map().value());
  case K::future:
    return found.is_future() &&
           matches(arguments.empty() ? std::nullopt : std::optional(arguments[0]),
                   found.future().ty());
  case K::stream:
    return found.is_stream() &&
           matches(arguments.empty() ? std::nullopt : std::optional(arguments[0]),
                   found.stream().ty());
  case K::own:
    return found.is_own();
  case K::borrow:
    return found.is_borrow();
  case K::named:
    return type.definition && matches_definition(*type.definition, found);
  }
  return false;
}

bool matches(const Function &function, const wasmtime::component::FuncType &found) {
  const std::size_t self = function.kind == Function::Kind::method ? 1 : 0;
  if (found.async() != function.async || found.param_count() != function.params.size() + self)
    return false;
  if (self && !found.param_nth(0)->second.is_borrow())
    return false;
  for (std::size_t i = 0; i < function.params.size(); ++i)
    if (!matches(function.params[i].type, found.param_nth(i + self)->second))
      return false;
  auto result = found.result();
  if (function.kind == Function::Kind::constructor && !function.result)
    return result && result->is_own();
  return matches(function.result, result);
}

} // namespace wasm_link::wit
