#include <wasm_link/dispatch_error.hh>

#include <array>
#include <cctype>

namespace wasm_link {
namespace {

struct CaseInfo {
  std::string_view name;
  bool payload;
};

// Indexed by DispatchError::Kind; names and payloads are the ABI's.
constexpr std::array<CaseInfo, DispatchError::kind_count> cases{{
    {"lock-rejected", false},
    {"invalid-interface-path", true},
    {"invalid-function", true},
    {"missing-response", false},
    {"runtime-exception", true},
    {"invalid-argument-list", false},
    {"unsupported-type", true},
    {"executor-unavailable", false},
    {"resource-table-full", false},
    {"resource-handle-conversion-failed", false},
    {"invalid-resource-handle", false},
}};

const CaseInfo &info(DispatchError::Kind kind) noexcept {
  return cases[static_cast<std::size_t>(kind)];
}

} // namespace

std::string_view case_name(DispatchError::Kind kind) noexcept {
  return info(kind).name;
}
bool has_payload(DispatchError::Kind kind) noexcept {
  return info(kind).payload;
}

std::optional<DispatchError::Kind> parse_case_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < cases.size(); ++i)
    if (cases[i].name == name)
      return static_cast<DispatchError::Kind>(i);
  return std::nullopt;
}

std::string_view DispatchError::case_name() const noexcept {
  return info(kind_).name;
}
bool DispatchError::has_payload() const noexcept {
  return info(kind_).payload;
}

std::string DispatchError::message() const {
  std::string out(case_name());
  if (has_payload())
    out += ": " + payload_;
  if (!detail_.empty())
    out += " (" + detail_ + ")";
  return out;
}

DispatchError DispatchError::lock_rejected(std::string detail) {
  return {Kind::lock_rejected, {}, std::move(detail)};
}
DispatchError DispatchError::invalid_interface_path(std::string path) {
  return {Kind::invalid_interface_path, std::move(path), {}};
}
DispatchError DispatchError::invalid_function(std::string name) {
  return {Kind::invalid_function, std::move(name), {}};
}
DispatchError DispatchError::missing_response(std::string detail) {
  return {Kind::missing_response, {}, std::move(detail)};
}
DispatchError DispatchError::runtime_exception(std::string message) {
  // Wasmtime's messages (a trap's backtrace, "Caused by:") may end in a newline.
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back())))
    message.pop_back();
  return {Kind::runtime_exception, std::move(message), {}};
}
DispatchError DispatchError::invalid_argument_list(std::string detail) {
  return {Kind::invalid_argument_list, {}, std::move(detail)};
}
DispatchError DispatchError::unsupported_type(std::string type_name) {
  return {Kind::unsupported_type, std::move(type_name), {}};
}
DispatchError DispatchError::executor_unavailable(std::string detail) {
  return {Kind::executor_unavailable, {}, std::move(detail)};
}
DispatchError DispatchError::resource_table_full(std::string detail) {
  return {Kind::resource_table_full, {}, std::move(detail)};
}
DispatchError DispatchError::resource_handle_conversion_failed(std::string detail) {
  return {Kind::resource_handle_conversion_failed, {}, std::move(detail)};
}
DispatchError DispatchError::invalid_resource_handle(std::string detail) {
  return {Kind::invalid_resource_handle, {}, std::move(detail)};
}

wasmtime::component::Val DispatchError::value() const {
  return wasmtime::component::Val(wasmtime::component::Variant(
      case_name(),
      has_payload() ? std::optional(wasmtime::component::Val::string(payload_)) : std::nullopt));
}

} // namespace wasm_link
