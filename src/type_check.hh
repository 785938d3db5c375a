// Checking values against a type read once into plain data: Wasmtime's C API
// builds type objects afresh on every question (to answer one record field it
// rebuilds every earlier field's type), which made checking a host dispatch's
// arguments a fifth of the dispatch. type_mismatch() and host dispatch both
// check through this.
#pragma once

#include <optional>
#include <string>
#include <vector>
#include <wasm_link/value.hh>

namespace wasm_link::detail {

class TypeCheck {
public:
  explicit TypeCheck(const ValType &type);

  // Why `value` is not a value of the type, or nothing (see type_mismatch()).
  std::optional<std::string> mismatch(const Val &value) const;

private:
  // "expected <type>, found <kind of value>".
  std::string expected(const Val &value) const;
  // A variant case's or a result's payload against its type, if any.
  static std::optional<std::string>
  payload_mismatch(std::string where, const std::optional<TypeCheck> &check, const Val *inner);
  std::optional<std::string> list_mismatch(const Val &value) const;
  std::optional<std::string> record_mismatch(const Val &value) const;
  std::optional<std::string> tuple_mismatch(const Val &value) const;
  std::optional<std::string> variant_mismatch(const Val &value) const;
  std::optional<std::string> result_mismatch(const Val &value) const;
  std::optional<std::string> flags_mismatch(const Val &value) const;
  std::optional<std::string> map_mismatch(const Val &value) const;

  ValType type_; // for messages
  wasmtime_component_valtype_kind_t kind_;
  // Record fields, variant cases, enum cases or flags, in the type's order.
  std::vector<std::string> names_;
  // Record fields' and tuple elements' types; the element of a list; the
  // inner type of an option; ok then err of a result; key then value of a
  // map; variant cases' payloads. Absent where there is no type (a result or
  // case without payload).
  std::vector<std::optional<TypeCheck>> parts_;
};

} // namespace wasm_link::detail
