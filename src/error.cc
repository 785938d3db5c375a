#include <wasm_link/error.hh>

namespace wasm_link {

std::string_view to_string(Error::Kind kind) noexcept {
  switch (kind) {
  case Error::Kind::load:
    return "load";
  case Error::Kind::binding:
    return "binding";
  case Error::Kind::link:
    return "link";
  case Error::Kind::instantiate:
    return "instantiate";
  case Error::Kind::config:
    return "config";
  case Error::Kind::wit:
    return "wit";
  case Error::Kind::value:
    return "value";
  }
  return "unknown";
}

} // namespace wasm_link
