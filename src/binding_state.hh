// What a Binding handle refers to: its interfaces, and for each plugin the
// exports resolved when the plugin was placed (once per component), so that
// dispatch does no name lookups in Wasmtime.
#pragma once

#include "fan_out.hh"
#include "plugin_state.hh"
#include "resources.hh"
#include "type_check.hh"

#include <string>
#include <vector>
#include <wasm_link/binding.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

// One function as the plugins of one component export it: the same in every
// instance and store of the component, so read once for all of them (see
// ComponentExports).
struct Export {
  // Resolves the function in any instance of the component (see FuncHandle).
  wasmtime::component::ExportIndex index;
  const Function *metadata; // in BindingState::interfaces
  // As the plugin's component declares it: its resource types are the
  // component's, which ComponentExports::names relates to the binding's resources.
  wasmtime::component::FuncType type;
  std::vector<std::pair<std::string, ValType>> params;
  bool has_result;
  bool wraps_result;      // the result can hold handles, which are wrapped
  bool unwraps_arguments; // some parameter can hold handles
  // At most four parameters and at most one result, all scalars (bool,
  // integers, floats, char): the call takes Wasmtime's typed path (see
  // wasm_link_component_func_call_scalars), and the result is of `result_kind`.
  bool scalar = false;
  wasmtime_component_valtype_kind_t result_kind = 0;
  // A future, stream or error-context type in the signature: such calls are refused.
  std::optional<std::string> unsupported;
  // The parameters' types read once, for checking host arguments; shared by
  // the plugins of a binding, whose exports are equivalent.
  std::shared_ptr<const std::vector<TypeCheck>> checks;
};

// What the plugins of one compiled component, placed with the same remaps,
// export to a binding: resolved and checked against the binding once, however
// many plugins of the component it holds (Binding::create), and immutable after.
struct ComponentExports {
  std::vector<Export> functions; // indexed like BindingState::slots' values
  // Which binding resource each resource type of the component stands for.
  std::shared_ptr<const ResourceNames> names;
};

// An export's function in one plugin's instance. The handle belongs to one
// store: the first call after the plugin was placed or restarted resolves it
// (under the plugin's lock) from Export::index; see enter() in src/binding.cc.
struct FuncHandle {
  mutable wasmtime::component::Func func{wasmtime_component_func_t{}};
  // The PluginState::generation of `func`'s instance; 0, which no instance
  // has, until the first call.
  mutable std::uint64_t generation = 0;
  // Found lifted with the `async` option, which only Wasmtime's async call runs
  // (see refused_sync in src/binding.cc; set under the plugin's lock, like `func`).
  mutable bool lifted_async = false;
};

// The type every plugin of a binding must export one function with.
struct ExpectedType {
  // Absent only while no plugin and no declaration fixed it.
  std::optional<wasmtime::component::FuncType> type;
  // Where it came from: "as interface `i` declares it", "as plugin `p` exports it".
  std::string origin;
  // The names of its resource types when a plugin fixed it; null when declared.
  std::shared_ptr<const ResourceNames> names;
  std::vector<bool> handles; // handle_positions(*type)

  void fix(wasmtime::component::FuncType fixed, std::string from,
           std::shared_ptr<const ResourceNames> fixed_names) {
    handles = handle_positions(fixed);
    type = std::move(fixed);
    origin = std::move(from);
    names = std::move(fixed_names);
  }
};

struct PlugState {
  std::string id;
  std::size_t index; // in BindingState::plugs
  std::shared_ptr<PluginState> plugin;
  // Shared with the binding's other plugins of the same component and remaps.
  std::shared_ptr<const ComponentExports> exports;
  std::vector<FuncHandle> funcs; // indexed like ComponentExports::functions

  const Export &export_of(std::size_t slot) const { return exports->functions[slot]; }
  const ResourceNames &names() const { return *exports->names; }
};

struct BindingState {
  std::string package;
  Binding::Interfaces interfaces;
  Cardinality cardinality;
  // interface -> function -> index into ComponentExports::functions.
  std::map<std::string, std::map<std::string, std::size_t, std::less<>>, std::less<>> slots;
  std::vector<PlugState> plugs; // ascending id
  // Indexed like ComponentExports::functions: the type every plugin's export must have.
  std::vector<ExpectedType> expected;

  // The resource types of the interfaces, and the handles wrapped for
  // consumers and for the host.
  std::vector<BindingResource> resources;
  mutable HandleTable handles;
  std::unique_ptr<HostHandles> host; // when the binding has resources and plugins
  // Whether its plugins run in parallel (Binding::parallel), per function (slot).
  mutable FanOut fan_out;

  BindingState() = default;
  BindingState(const BindingState &) = delete;
  BindingState &operator=(const BindingState &) = delete;
  // Drops every handle still wrapped in its owner, so destructors run.
  ~BindingState();

  std::optional<std::size_t> resource_index(std::string_view interface,
                                            std::string_view name) const;

  // The instance name `<namespace>:<name>/<interface>[@<version>]`.
  std::string path(std::string_view interface) const;
  // A function's slot, with its names as the binding holds them.
  struct Slot {
    std::size_t index;
    std::string_view interface;
    std::string_view function;
  };
  // The slot of `interface`.`function`; a dispatch's error when there is none.
  Result<Slot, DispatchError> slot_of(std::string_view interface, std::string_view function) const;
};

// "plugin `<id>` in binding `<package>`", which starts the errors of placing a plugin.
std::string in_binding(const BindingState &binding, std::string_view plugin);

// Whether a call checks its arguments against the plugin's parameter types.
enum class Arguments {
  unchecked, // typed already: a socket import whose types were verified at link time
  checked,   // from the host: anything goes, so every value is checked
};

// Where a call's handles come from and where wrapped handles go: the
// consumer's store for a socket call, the binding's host store for dispatch.
class HandleSide {
public:
  virtual ~HandleSide() = default;
  // The rep of a handle passed for binding resource `resource`; `take` when
  // ownership is given away.
  virtual Result<std::uint32_t, DispatchError> rep(const wasmtime::component::ResourceAny &handle,
                                                   std::size_t resource, bool take) = 0;
  virtual Result<Val, DispatchError> issue(std::uint32_t rep, std::size_t resource) = 0;
  // Who makes the call: the host, or a consumer through its socket.
  virtual Caller caller() const noexcept = 0;
};

// The handles among a call's arguments, read before the call is routed: the
// plugin that owns them gets the call with its own guest handles in their place.
struct ArgumentHandles {
  struct Use {
    Val *slot;
    std::uint32_t rep;
    bool own;
  };
  std::vector<Val> args;
  std::vector<Use> uses;
  std::optional<std::size_t> owner; // index of the owning plug, if any handle
};

// Reads the handles in `args` (the arguments of function `slot`); fails for a
// handle that is not one of the binding's live wrapped handles, or when the
// handles belong to more than one plugin.
Result<ArgumentHandles, DispatchError> read_handles(const BindingState &binding, std::size_t slot,
                                                    std::span<const Val> args, HandleSide &side);

// One plugin's call: checks the arguments if asked, takes the plugin's lock,
// puts the owner's guest handles in place of wrapped ones, calls, and wraps
// the handles the result holds. Host dispatch and sockets both come through here.
CallResult call(const BindingState &binding, const PlugState &plug, std::string_view interface,
                std::string_view function, std::size_t slot, std::span<const Val> args,
                Arguments arguments, HandleSide &side, ArgumentHandles *handles = nullptr);

// Drops a wrapped handle: the wrapper goes, and the guest handle is dropped in
// its owner so the owner's destructor runs.
void drop_wrapped(const BindingState &binding, std::uint32_t rep);

// Defines, in `linker`, the socket functions that `consumer` imports from
// `sockets`: each dispatches into its binding and shapes the result as the import
// declares it (see "What a consumer sees through a socket" in docs/ABI.md).
Result<std::monostate> define_sockets(const wasmtime::Engine &engine,
                                      wasmtime::component::Linker &linker,
                                      const wasmtime::component::Component &consumer,
                                      const std::vector<Binding> &sockets);

} // namespace wasm_link::detail
