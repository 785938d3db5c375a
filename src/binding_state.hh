// What a Binding handle refers to: its interfaces, and for each plugin the
// exports resolved once when the plugin was placed, so that dispatch does no name
// lookups in Wasmtime.
#pragma once

#include "plugin_state.hh"

#include <string>
#include <vector>
#include <wasm_link/binding.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

// One function as one plugin exports it. The handle belongs to one store; after
// a restart, the first call re-resolves it (under the plugin's lock) from the
// store-independent export index.
struct Export {
  wasmtime::component::ExportIndex index;
  mutable wasmtime::component::Func func;
  mutable std::uint64_t generation;
  const Function *metadata; // in BindingState::interfaces
  wasmtime::component::FuncType type;
  std::vector<std::pair<std::string, ValType>> params;
  bool has_result;
};

struct PlugState {
  std::string id;
  std::shared_ptr<PluginState> plugin;
  // Indexed like BindingState::slots' values.
  std::vector<Export> exports;
};

struct BindingState {
  std::string package;
  Binding::Interfaces interfaces;
  Cardinality cardinality;
  // interface -> function -> index into PlugState::exports.
  std::map<std::string, std::map<std::string, std::size_t, std::less<>>, std::less<>> slots;
  std::vector<PlugState> plugs; // ascending id
  // Indexed like PlugState::exports: the type every plugin's export must have, and
  // where it came from (the interface's declaration or the first plugin's
  // export). Absent only while no plugin and no declaration fixed it.
  std::vector<std::optional<wasmtime::component::FuncType>> types;
  std::vector<std::string> type_origins;

  // The instance name `<namespace>:<name>/<interface>[@<version>]`.
  std::string path(std::string_view interface) const;
};

// Whether a call checks its arguments against the plugin's parameter types.
enum class Arguments {
  unchecked, // typed already: a socket import whose types were verified at link time
  checked,   // from the host: anything goes, so every value is checked
};

// One plugin's call: checks the arguments if asked, takes the plugin's lock,
// calls. Host dispatch and sockets both come through here.
CallResult call(const BindingState &binding, const PlugState &plug, std::string_view interface,
                std::string_view function, const Export &target, std::span<const Val> args,
                Arguments arguments);

// Defines, in `linker`, the socket functions that `consumer` imports from
// `sockets`: each dispatches into its binding and shapes the result as the import
// declares it (see "What a consumer sees through a socket" in docs/ABI.md).
Result<std::monostate> define_sockets(const wasmtime::Engine &engine,
                                      wasmtime::component::Linker &linker,
                                      const wasmtime::component::Component &consumer,
                                      const std::vector<Binding> &sockets);

} // namespace wasm_link::detail
