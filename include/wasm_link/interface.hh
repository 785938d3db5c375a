// What a binding's interface holds: functions (with their kind and what they
// return) and resource types. Written by hand, or read from a component that
// implements the interface (Interface::from_component).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <wasm_link/error.hh>
#include <wasm_link/value.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {

enum class FunctionKind {
  freestanding, // `f`
  constructor,  // `[constructor]R`
  method,       // `[method]R.f`: routed to the plugin that owns `self`
  static_,      // `[static]R.f`
};

enum class ReturnKind {
  none,                 // `f: func(...)`
  value,                // a result that holds no resource
  value_with_resources, // a result that may hold resource handles (needs wrapping)
};

struct Function {
  FunctionKind kind = FunctionKind::freestanding;
  ReturnKind returns = ReturnKind::value;
  // For constructors, methods and static functions: the resource they belong to.
  std::string resource;
  // The function's type when it was read from a component; absent when written by hand.
  std::optional<wasmtime::component::FuncType> type;
};

// The kind and resource of a function, from its component-model name
// (`[constructor]R`, `[method]R.f`, `[static]R.f`, or a plain name).
std::pair<FunctionKind, std::string> classify_function_name(std::string_view name);

// The WIT spelling of a function type, e.g. "func(v: u32) -> string".
std::string type_name(const wasmtime::component::FuncType &type);
// As above, with handles named by `names` (see value.hh).
std::string type_name(const wasmtime::component::FuncType &type, const ResourceNamer &names);
// Parameter types in order (names aside) and the result are the same.
bool same_signature(const wasmtime::component::FuncType &a, const wasmtime::component::FuncType &b);

class Interface {
public:
  using Functions = std::map<std::string, Function, std::less<>>;
  using Resources = std::set<std::string, std::less<>>;

  Interface() = default;
  Interface(Functions functions, Resources resources)
      : functions_(std::move(functions)), resources_(std::move(resources)) {}

  // Adds a function; its kind and resource follow from its name.
  Interface &function(std::string name, ReturnKind returns = ReturnKind::value);
  Interface &resource(std::string name);

  // Reads the interface from the instance `export_name` (e.g. "my:package/example")
  // that `component` exports: every function with its type, and every resource.
  static Result<Interface> from_component(const wasmtime::Engine &engine,
                                          const wasmtime::component::Component &component,
                                          std::string_view export_name);

  const Function *find(std::string_view name) const;
  const Functions &functions() const noexcept { return functions_; }
  const Resources &resources() const noexcept { return resources_; }
  // The name of a resource type in the functions' declared types: known for an
  // interface read from a component, for the resources it exports.
  std::optional<std::string> resource_name(const wasmtime::component::ResourceType &type) const;

private:
  Functions functions_;
  Resources resources_;
  std::vector<std::pair<wasmtime::component::ResourceType, std::string>> resource_types_;
};

} // namespace wasm_link
