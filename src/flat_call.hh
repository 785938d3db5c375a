// Calls whose values need no pointers: parameters and result made of scalars
// (bool, integers, floats, char) and records and tuples of them. Such a call
// skips the C API's dynamic values: the host lowers its arguments to the
// canonical ABI's flat core values itself and lifts the result from the core
// value or the bytes the guest returned, through Wasmtime's typed call
// (wasm_link_component_func_call_flat in the shim).
#pragma once

#include "shim.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>
#include <wasm_link/value.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

// A scalar, record or tuple type laid out as the canonical ABI lays it out.
struct FlatType {
  wasmtime_component_valtype_kind_t kind;
  std::vector<std::string> names; // a record's field names
  std::vector<FlatType> members;  // a record's fields, a tuple's members
  std::uint32_t offset = 0;       // from the start of the enclosing value in memory
  std::uint32_t size = 0;         // in memory
  std::uint32_t align = 1;        // in memory
  std::uint32_t flat = 0;         // core values it flattens to
};

// How one function is called on the flat path.
struct FlatCall {
  std::vector<FlatType> params;
  std::size_t flat_params = 0; // at most WASM_LINK_FLAT_PARAMS_MAX
  std::optional<FlatType> result;
  wasm_link_flat_result_t mode = WASM_LINK_FLAT_RESULT_NONE;
};

// How `type` is called on the flat path, or null when some parameter or the
// result is not a scalar, record or tuple of them, the parameters flatten to
// more than WASM_LINK_FLAT_PARAMS_MAX core values, or the result to none.
std::shared_ptr<const FlatCall> flat_call(const wasmtime::component::FuncType &type);

// Calls `func` on the flat path. `args` are values of `call.params`' types
// (checked by the caller: field order, kinds and chars), and `results` has room
// for the result when there is one.
wasmtime::Result<std::monostate> call_flat(const FlatCall &call,
                                           const wasmtime::component::Func &func,
                                           wasmtime::Store::Context store,
                                           std::span<const Val> args, std::span<Val> results);

} // namespace wasm_link::detail
