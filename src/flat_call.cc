#include "flat_call.hh"

#include "unicode.hh"

#include <algorithm>
#include <array>
#include <cstring>

namespace wasm_link::detail {
namespace {

using wasmtime::component::ValType;

// Deeper types than this take the dynamic path; Wasmtime's own limit is 100.
constexpr int max_depth = 32;
// A result laid out in more bytes than this takes the dynamic path.
constexpr std::uint32_t max_result_size = 4096;

std::uint32_t aligned(std::uint32_t offset, std::uint32_t align) {
  return (offset + align - 1) / align * align;
}

FlatType scalar(wasmtime_component_valtype_kind_t kind, std::uint32_t size) {
  return FlatType{.kind = kind, .names = {}, .members = {}, .size = size, .align = size, .flat = 1};
}

// `type` laid out as the canonical ABI does, or nothing when it is not a
// scalar or a record or tuple of them.
std::optional<FlatType> layout(const ValType &type, int depth) {
  switch (type.kind()) {
  case WASMTIME_COMPONENT_VALTYPE_BOOL:
  case WASMTIME_COMPONENT_VALTYPE_S8:
  case WASMTIME_COMPONENT_VALTYPE_U8:
    return scalar(type.kind(), 1);
  case WASMTIME_COMPONENT_VALTYPE_S16:
  case WASMTIME_COMPONENT_VALTYPE_U16:
    return scalar(type.kind(), 2);
  case WASMTIME_COMPONENT_VALTYPE_S32:
  case WASMTIME_COMPONENT_VALTYPE_U32:
  case WASMTIME_COMPONENT_VALTYPE_F32:
  case WASMTIME_COMPONENT_VALTYPE_CHAR:
    return scalar(type.kind(), 4);
  case WASMTIME_COMPONENT_VALTYPE_S64:
  case WASMTIME_COMPONENT_VALTYPE_U64:
  case WASMTIME_COMPONENT_VALTYPE_F64:
    return scalar(type.kind(), 8);
  case WASMTIME_COMPONENT_VALTYPE_RECORD:
  case WASMTIME_COMPONENT_VALTYPE_TUPLE:
    break;
  default:
    return std::nullopt;
  }
  if (depth >= max_depth)
    return std::nullopt;
  FlatType out{.kind = type.kind(), .names = {}, .members = {}};
  auto add = [&](const ValType &member) {
    auto placed = layout(member, depth + 1);
    if (!placed)
      return false;
    placed->offset = aligned(out.size, placed->align);
    out.size = placed->offset + placed->size;
    out.align = std::max(out.align, placed->align);
    out.flat += placed->flat;
    out.members.push_back(std::move(*placed));
    return true;
  };
  if (type.is_record()) {
    const auto &record = type.record();
    for (std::size_t i = 0; i < record.field_count(); ++i) {
      auto field = record.field_nth(i);
      if (!field || !add(field->second))
        return std::nullopt;
      out.names.emplace_back(field->first);
    }
  } else {
    const auto &tuple = type.tuple();
    for (std::size_t i = 0; i < tuple.types_count(); ++i) {
      auto member = tuple.types_nth(i);
      if (!member || !add(*member))
        return std::nullopt;
    }
  }
  out.size = aligned(out.size, out.align);
  return out;
}

// Appends the flat core values of `value`, a value of `type`.
void lower(const FlatType &type, const wasmtime_component_val_t &value, wasmtime_val_raw_t *&out) {
  if (type.kind == WASMTIME_COMPONENT_VALTYPE_RECORD) {
    for (std::size_t i = 0; i < type.members.size(); ++i)
      lower(type.members[i], value.of.record.data[i].val, out);
    return;
  }
  if (type.kind == WASMTIME_COMPONENT_VALTYPE_TUPLE) {
    for (std::size_t i = 0; i < type.members.size(); ++i)
      lower(type.members[i], value.of.tuple.data[i], out);
    return;
  }
  wasmtime_val_raw_t raw{};
  raw.i64 = 0;
  switch (value.kind) {
  case WASMTIME_COMPONENT_BOOL:
    raw.i32 = value.of.boolean ? 1 : 0;
    break;
  case WASMTIME_COMPONENT_S8:
    raw.i32 = value.of.s8;
    break;
  case WASMTIME_COMPONENT_U8:
    raw.i32 = value.of.u8;
    break;
  case WASMTIME_COMPONENT_S16:
    raw.i32 = value.of.s16;
    break;
  case WASMTIME_COMPONENT_U16:
    raw.i32 = value.of.u16;
    break;
  case WASMTIME_COMPONENT_S32:
    raw.i32 = value.of.s32;
    break;
  case WASMTIME_COMPONENT_U32:
    raw.i32 = static_cast<std::int32_t>(value.of.u32);
    break;
  case WASMTIME_COMPONENT_S64:
    raw.i64 = value.of.s64;
    break;
  case WASMTIME_COMPONENT_U64:
    raw.i64 = static_cast<std::int64_t>(value.of.u64);
    break;
  case WASMTIME_COMPONENT_F32:
    raw.f32 = value.of.f32;
    break;
  case WASMTIME_COMPONENT_F64:
    raw.f64 = value.of.f64;
    break;
  default: // WASMTIME_COMPONENT_CHAR: the arguments were checked
    raw.i32 = static_cast<std::int32_t>(value.of.character);
    break;
  }
  *out++ = raw;
}

// Where a lift reads a result's scalars: the one flat core value, or the bytes
// at the guest's return pointer.
struct Source {
  const wasmtime_val_raw_t *flat = nullptr;
  const std::uint8_t *memory = nullptr;
};

template <typename T> T load(const std::uint8_t *at) {
  T value;
  std::memcpy(&value, at, sizeof value); // little-endian, as the guest's memory is
  return value;
}

// The scalar of `kind` at `at` (in memory) or in `raw` (flat), into `out`.
wasmtime::Result<std::monostate> lift_scalar(wasmtime_component_valtype_kind_t kind,
                                             const Source &from, std::uint32_t at,
                                             wasmtime_component_val_t &out) {
  const std::uint8_t *bytes = from.memory == nullptr ? nullptr : from.memory + at;
  const wasmtime_val_raw_t *raw = from.flat;
  // A flat value narrower than 32 bits is the core i32's low bits.
  auto narrow = [&]<typename T>(T) -> T {
    return bytes != nullptr ? load<T>(bytes) : static_cast<T>(raw->i32);
  };
  switch (kind) {
  case WASMTIME_COMPONENT_VALTYPE_BOOL:
    out.kind = WASMTIME_COMPONENT_BOOL;
    out.of.boolean = bytes != nullptr ? bytes[0] != 0 : raw->i32 != 0;
    break;
  case WASMTIME_COMPONENT_VALTYPE_S8:
    out.kind = WASMTIME_COMPONENT_S8;
    out.of.s8 = narrow(std::int8_t{});
    break;
  case WASMTIME_COMPONENT_VALTYPE_U8:
    out.kind = WASMTIME_COMPONENT_U8;
    out.of.u8 = narrow(std::uint8_t{});
    break;
  case WASMTIME_COMPONENT_VALTYPE_S16:
    out.kind = WASMTIME_COMPONENT_S16;
    out.of.s16 = narrow(std::int16_t{});
    break;
  case WASMTIME_COMPONENT_VALTYPE_U16:
    out.kind = WASMTIME_COMPONENT_U16;
    out.of.u16 = narrow(std::uint16_t{});
    break;
  case WASMTIME_COMPONENT_VALTYPE_S32:
    out.kind = WASMTIME_COMPONENT_S32;
    out.of.s32 = narrow(std::int32_t{});
    break;
  case WASMTIME_COMPONENT_VALTYPE_U32:
    out.kind = WASMTIME_COMPONENT_U32;
    out.of.u32 = narrow(std::uint32_t{});
    break;
  case WASMTIME_COMPONENT_VALTYPE_S64:
    out.kind = WASMTIME_COMPONENT_S64;
    out.of.s64 = bytes != nullptr ? load<std::int64_t>(bytes) : raw->i64;
    break;
  case WASMTIME_COMPONENT_VALTYPE_U64:
    out.kind = WASMTIME_COMPONENT_U64;
    out.of.u64 =
        bytes != nullptr ? load<std::uint64_t>(bytes) : static_cast<std::uint64_t>(raw->i64);
    break;
  case WASMTIME_COMPONENT_VALTYPE_F32:
    out.kind = WASMTIME_COMPONENT_F32;
    out.of.f32 = bytes != nullptr ? load<float>(bytes) : raw->f32;
    break;
  case WASMTIME_COMPONENT_VALTYPE_F64:
    out.kind = WASMTIME_COMPONENT_F64;
    out.of.f64 = bytes != nullptr ? load<double>(bytes) : raw->f64;
    break;
  default: { // WASMTIME_COMPONENT_VALTYPE_CHAR
    const auto code = narrow(std::uint32_t{});
    if (!is_scalar(static_cast<char32_t>(code)))
      // The message of Wasmtime's own lift.
      return wasmtime::Error("converted integer out of range for `char`");
    out.kind = WASMTIME_COMPONENT_CHAR;
    out.of.character = code;
    break;
  }
  }
  return std::monostate();
}

// The value of `type` at `at` (in memory; flat, a result of one core value has
// one scalar however it is nested), into `out`, which owns nothing yet; on an
// error, what `out` holds is still a value that can be deleted.
wasmtime::Result<std::monostate> lift(const FlatType &type, const Source &from, std::uint32_t at,
                                      wasmtime_component_val_t &out) {
  if (type.kind == WASMTIME_COMPONENT_VALTYPE_RECORD) {
    out.kind = WASMTIME_COMPONENT_RECORD;
    wasmtime_component_valrecord_new_uninit(&out.of.record, type.members.size());
    for (std::size_t i = 0; i < type.members.size(); ++i) {
      auto &entry = out.of.record.data[i];
      wasm_name_new(&entry.name, type.names[i].size(), type.names[i].data());
      auto lifted = lift(type.members[i], from, at + type.members[i].offset, entry.val);
      if (!lifted)
        return lifted;
    }
    return std::monostate();
  }
  if (type.kind == WASMTIME_COMPONENT_VALTYPE_TUPLE) {
    out.kind = WASMTIME_COMPONENT_TUPLE;
    wasmtime_component_valtuple_new_uninit(&out.of.tuple, type.members.size());
    for (std::size_t i = 0; i < type.members.size(); ++i) {
      auto lifted = lift(type.members[i], from, at + type.members[i].offset, out.of.tuple.data[i]);
      if (!lifted)
        return lifted;
    }
    return std::monostate();
  }
  return lift_scalar(type.kind, from, at, out);
}

} // namespace

std::shared_ptr<const FlatCall> flat_call(const wasmtime::component::FuncType &type) {
  auto call = std::make_shared<FlatCall>();
  for (std::size_t i = 0; i < type.param_count(); ++i) {
    auto param = type.param_nth(i);
    auto placed = param ? layout(param->second, 0) : std::nullopt;
    if (!placed)
      return nullptr;
    call->flat_params += placed->flat;
    if (call->flat_params > WASM_LINK_FLAT_PARAMS_MAX)
      return nullptr;
    call->params.push_back(std::move(*placed));
  }
  if (auto result = type.result()) {
    call->result = layout(*result, 0);
    if (!call->result || call->result->flat == 0 || call->result->size > max_result_size)
      return nullptr;
    call->mode =
        call->result->flat == 1 ? WASM_LINK_FLAT_RESULT_FLAT : WASM_LINK_FLAT_RESULT_MEMORY;
  }
  return call;
}

wasmtime::Result<std::monostate> call_flat(const FlatCall &call,
                                           const wasmtime::component::Func &func,
                                           wasmtime::Store::Context store,
                                           std::span<const Val> args, std::span<Val> results) {
  std::array<wasmtime_val_raw_t, WASM_LINK_FLAT_PARAMS_MAX> flat; // the first flat_params set
  wasmtime_val_raw_t *next = flat.data();
  for (std::size_t i = 0; i < call.params.size(); ++i)
    lower(call.params[i], *Val::to_capi(&args[i]), next);

  wasmtime_val_raw_t flat_result;
  // A result of up to 256 bytes is copied to the stack, a larger one to the heap.
  std::array<std::uint8_t, 256> small;
  std::vector<std::uint8_t> large;
  std::uint8_t *memory = small.data();
  const std::size_t size = call.mode == WASM_LINK_FLAT_RESULT_MEMORY ? call.result->size : 0;
  if (size > small.size()) {
    large.resize(size);
    memory = large.data();
  }
  if (wasmtime_error_t *error = wasm_link_component_func_call_flat(
          func.capi(), store.capi(), flat.data(), call.flat_params, call.mode, &flat_result, memory,
          size, call.result ? call.result->align : 1))
    return wasmtime::Error(error);
  if (!call.result)
    return std::monostate();

  Val out(false); // owns nothing: lift() overwrites it in place
  const Source from = call.mode == WASM_LINK_FLAT_RESULT_MEMORY ? Source{.memory = memory}
                                                                : Source{.flat = &flat_result};
  auto lifted = lift(*call.result, from, 0, *Val::to_capi(&out));
  if (!lifted)
    return lifted;
  results[0] = std::move(out);
  return std::monostate();
}

} // namespace wasm_link::detail
