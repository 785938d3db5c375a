// Errors of the host API outside dispatch: loading, linking, instantiating and
// building bindings, reading WIT and WAVE. Dispatch has its own error type
// (dispatch_error.hh) because its cases are part of the plugin ABI: a plugin
// sees them through its sockets, and they carry exactly the ABI's payloads.
// These two are the library's only error types; both give a complete sentence
// with message().
#pragma once

#include <string>
#include <string_view>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {

class Error {
public:
  enum class Kind {
    load,        // reading or compiling a component (bad file, bad binary, bad WAT)
    binding,     // a binding that cannot be built (bad package name, wrong plugin count, ...)
    link,        // sockets or exports that do not fit
    instantiate, // Wasmtime refused to instantiate a component
    config,      // limits the engine cannot enforce (fuel without fuel metering, ...)
    wit,         // WIT that does not parse or resolve (the message starts with file:line:column)
    value,       // WAVE text that does not parse as a value of its type (parse_wave)
  };

  // A message that ends in whitespace (as Wasmtime's may, after "Caused by:")
  // loses it.
  Error(Kind kind, std::string message) : kind_(kind), message_(std::move(message)) {
    while (!message_.empty() && (message_.back() == '\n' || message_.back() == ' ' ||
                                 message_.back() == '\t' || message_.back() == '\r'))
      message_.pop_back();
  }

  Kind kind() const noexcept { return kind_; }
  // A complete sentence naming what failed and where, e.g.
  // "cannot compile component `plugins/leaf.wat`: expected `(`".
  const std::string &message() const noexcept { return message_; }

private:
  Kind kind_;
  std::string message_;
};

std::string_view to_string(Error::Kind kind) noexcept;

// The result type of the library: Wasmtime's own, with our error types.
template <typename T, typename E = Error> using Result = wasmtime::Result<T, E>;

} // namespace wasm_link
