// The error of one dispatched call, with the cases of the plugin ABI's
// `dispatch-error` variant (../shared/ABI.md, "Errors").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {

class DispatchError {
public:
  // One enumerator per case of the ABI's `dispatch-error` variant, in its order.
  enum class Kind : std::uint8_t {
    lock_rejected,
    invalid_interface_path, // payload: the path `<package>/<interface>`
    invalid_function,       // payload: the function name
    missing_response,
    runtime_exception, // payload: the trap or error message
    invalid_argument_list,
    unsupported_type, // payload: the type name
    executor_unavailable,
    resource_table_full,
    resource_handle_conversion_failed,
    invalid_resource_handle,
  };
  static constexpr std::size_t kind_count = 11;

  static DispatchError lock_rejected(std::string detail = {});
  static DispatchError invalid_interface_path(std::string path);
  static DispatchError invalid_function(std::string name);
  static DispatchError missing_response(std::string detail = {});
  static DispatchError runtime_exception(std::string message);
  static DispatchError invalid_argument_list(std::string detail = {});
  static DispatchError unsupported_type(std::string type_name);
  static DispatchError executor_unavailable(std::string detail = {});
  static DispatchError resource_table_full(std::string detail = {});
  static DispatchError resource_handle_conversion_failed(std::string detail = {});
  static DispatchError invalid_resource_handle(std::string detail = {});

  Kind kind() const noexcept { return kind_; }
  // The ABI case name, e.g. "invalid-function".
  std::string_view case_name() const noexcept;
  // Whether this case carries a string payload in the ABI.
  bool has_payload() const noexcept;
  // The ABI payload; empty for cases without one.
  const std::string &payload() const noexcept { return payload_; }
  // What the ABI does not carry but a reader needs: which plugin, which argument,
  // what was expected. Empty when the payload says it all.
  const std::string &detail() const noexcept { return detail_; }
  // One line for people: the case, its payload and the detail.
  std::string message() const;
  // The ABI's `dispatch-error` variant value: the case, with its payload.
  wasmtime::component::Val value() const;

  // Equal when the ABI sees the same value (case and payload); detail is ignored.
  friend bool operator==(const DispatchError &a, const DispatchError &b) noexcept {
    return a.kind_ == b.kind_ && a.payload_ == b.payload_;
  }

private:
  DispatchError(Kind kind, std::string payload, std::string detail)
      : kind_(kind), payload_(std::move(payload)), detail_(std::move(detail)) {}

  Kind kind_;
  std::string payload_;
  std::string detail_;
};

std::string_view case_name(DispatchError::Kind kind) noexcept;
bool has_payload(DispatchError::Kind kind) noexcept;
// The case named `name` (e.g. "invalid-function"), or none.
std::optional<DispatchError::Kind> parse_case_name(std::string_view name) noexcept;

} // namespace wasm_link
