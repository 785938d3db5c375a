// What a Binding handle refers to: its interfaces, and for each plugin the
// exports resolved when the plugin was placed (once per component), so that
// dispatch does no name lookups in Wasmtime.
#pragma once

#include "fan_out.hh"
#include "flat_call.hh"
#include "plugin_state.hh"
#include "read_section.hh"
#include "resources.hh"
#include "type_check.hh"

#include <atomic>
#include <deque>
#include <string>
#include <vector>
#include <wasm_link/binding.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

// A flag that is only ever set, from any thread, and read without ordering
// anything else; copyable, unlike std::atomic.
class SetOnce {
public:
  SetOnce() = default;
  SetOnce(const SetOnce &other) noexcept : value_(other.get()) {}
  SetOnce &operator=(const SetOnce &other) noexcept {
    value_.store(other.get(), std::memory_order_relaxed);
    return *this;
  }
  bool get() const noexcept { return value_.load(std::memory_order_relaxed); }
  void set() const noexcept { value_.store(true, std::memory_order_relaxed); }

private:
  mutable std::atomic<bool> value_{false};
};

// Which of list<u8> and string a byte-path function `func(list<u8> or
// string) -> list<u8> or string` takes and gives.
struct BytesShape {
  bool input_is_string;
  bool output_is_string;
};

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
  // Parameters and result of scalars, records and tuples, flattening to at
  // most 16 core values (the result to one, or to bytes in memory): calls take
  // Wasmtime's typed path without dynamic values (src/flat_call.hh). Null for
  // others; shared by the plugins of a binding, like `checks`.
  std::shared_ptr<const FlatCall> flat;
  // A byte-path signature, `func(list<u8> or string) -> list<u8> or string`:
  // calls with dynamic values take the byte path's typed call too, the
  // argument read from its value in place and the result made one value
  // (invoke in src/binding.cc).
  std::optional<BytesShape> bytes;
  // A future, stream or error-context type in the signature: such calls are refused.
  std::optional<std::string> unsupported;
  // The parameters' types read once, for checking host arguments; shared by
  // the plugins of a binding, whose exports are equivalent.
  std::shared_ptr<const std::vector<TypeCheck>> checks;
  // Found lifted with the `async` option, which only Wasmtime's async call
  // runs (see refused_sync in src/binding.cc): the same in every instance of
  // the component, so the first plugin's refusal spares the others theirs.
  SetOnce lifted_async;
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
// store: the first call after the plugin was placed or restarted resolves the
// plug's handles (under the plugin's lock) from Export::index; see enter() in
// src/binding.cc and PlugState::generation.
// It keeps the two words that name the function within its store, and takes
// the store's id, which every function of the instance shares, from the
// instance: a third of the size of a wasmtime::component::Func, for each
// export of each plugin.
class FuncHandle {
public:
  void set(const wasmtime::component::Func &func) noexcept {
    private1_ = func.capi()->__private1;
    private2_ = func.capi()->__private2;
  }
  // The function in `plugin`'s instance; resolved by set() in that instance.
  wasmtime::component::Func in(const PluginState &plugin) const noexcept {
    wasmtime_component_func_t raw{};
    raw.store_id = plugin.instance.capi()->store_id;
    raw.__private1 = private1_;
    raw.__private2 = private2_;
    return wasmtime::component::Func(raw);
  }

private:
  std::uint32_t private1_ = 0;
  std::uint32_t private2_ = 0;
};

// The type every plugin of a binding must export one function with. Fixed once,
// by the interface's declaration or by the first plugin placed; a live change
// may fix it while other threads read it, so readers ask fixed() first.
struct ExpectedType {
  // Absent only while no plugin and no declaration fixed it.
  std::optional<wasmtime::component::FuncType> type;
  // Where it came from: "as interface `i` declares it", "as plugin `p` exports it".
  std::string origin;
  // The names of its resource types when a plugin fixed it; null when declared.
  std::shared_ptr<const ResourceNames> names;
  std::vector<bool> handles; // handle_positions(*type)

  bool fixed() const noexcept { return ready.load(std::memory_order_acquire); }
  // Once, by the binding's one writer (create, or a change under its lock).
  void fix(wasmtime::component::FuncType fixed, std::string from,
           std::shared_ptr<const ResourceNames> fixed_names) {
    handles = handle_positions(fixed);
    type = std::move(fixed);
    origin = std::move(from);
    names = std::move(fixed_names);
    ready.store(true, std::memory_order_release);
  }

private:
  std::atomic<bool> ready{false};
};

struct PlugState {
  const std::string &id; // BindingState::ids' copy, which outlives every roster
  // Which of the binding's placements this is: never reused, so wrapped
  // handles name their owner by it across changes to the binding.
  std::uint32_t key;
  std::shared_ptr<PluginState> plugin;
  // Shared with the binding's other plugins of the same component and remaps.
  std::shared_ptr<const ComponentExports> exports;
  // Indexed like ComponentExports::functions (not a vector: its size is theirs).
  std::unique_ptr<FuncHandle[]> funcs;
  // The PluginState::generation of the instance `funcs` were resolved in; 0,
  // which no instance has, until the first call. Read and set under the
  // plugin's lock.
  mutable std::uint64_t generation = 0;

  const Export &export_of(std::size_t slot) const { return exports->functions[slot]; }
  const ResourceNames &names() const { return *exports->names; }
  // This plug for a new roster, without its resolved handles: calls through the
  // roster it is in may be writing them (under the plugin's lock) meanwhile.
  PlugState carried() const {
    return PlugState{.id = id,
                     .key = key,
                     .plugin = plugin,
                     .exports = exports,
                     .funcs = std::make_unique<FuncHandle[]>(exports->functions.size()),
                     .generation = 0};
  }
};

// The plugins of a binding at one moment: immutable once published. A change
// to the binding publishes a new roster (BindingState::publish).
class Roster {
public:
  explicit Roster(std::vector<PlugState> plugs);

  std::vector<PlugState> plugs; // ascending id

  const PlugState *by_key(std::uint32_t key) const noexcept;
  const PlugState *by_id(std::string_view id) const noexcept;

private:
  // key -> index, ascending key; empty when every plug's key is its index
  std::vector<std::pair<std::uint32_t, std::uint32_t>> keys_;
};

// A plugin a change took out of the binding, for the errors of its handles.
struct Gone {
  std::string id;
  std::string why; // "was removed", "was replaced"
  // Its instance, while a release of its handles may still come (drop_wrapped).
  std::weak_ptr<PluginState> plugin;
};

struct BindingState {
  std::string package;
  Binding::Interfaces interfaces;
  Cardinality cardinality;
  // interface -> function -> index into ComponentExports::functions.
  std::map<std::string, std::map<std::string, std::size_t, std::less<>>, std::less<>> slots;
  // Indexed like ComponentExports::functions: the type every plugin's export
  // must have. A deque: fixing one never moves another.
  mutable std::deque<ExpectedType> expected;

  // The resource types of the interfaces, and the handles wrapped for
  // consumers and for the host.
  std::vector<BindingResource> resources;
  mutable HandleTable handles;
  // Whether its plugins run in parallel (Binding::parallel), per function (slot).
  mutable FanOut fan_out;

  BindingState() = default;
  BindingState(const BindingState &) = delete;
  BindingState &operator=(const BindingState &) = delete;
  // Drops every handle still wrapped in its owner, so destructors run.
  ~BindingState();

  // The plugins now; what it refers to stays valid while `section` is open.
  const Roster &roster(const ReadSection &section) const noexcept {
    (void)section;
    return *roster_.load(std::memory_order_seq_cst);
  }
  // The binding's store for handles given to the host (when it has resources
  // and has had plugins); null before.
  HostHandles *host() const noexcept { return host_.load(std::memory_order_acquire); }

  // Changes, by one writer at a time (under `change_mutex`, or in create).
  mutable std::mutex change_mutex;
  // A stable copy of `id`, for PlugState::id.
  const std::string &intern(std::string_view id) const;
  std::uint32_t fresh_key() const noexcept { return next_key_++; }
  void set_host(std::unique_ptr<HostHandles> host) const;
  // Publishes `next` and returns the roster it replaces (null the first time).
  std::unique_ptr<const Roster> publish(std::unique_ptr<const Roster> next) const;
  // Records that the plugin placed as `key` left the binding.
  void gone(std::uint32_t key, Gone why) const;
  std::optional<Gone> gone_of(std::uint32_t key) const;

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

private:
  mutable std::atomic<const Roster *> roster_{nullptr}; // owned
  mutable std::atomic<HostHandles *> host_{nullptr};    // owned by host_owner_
  mutable std::unique_ptr<HostHandles> host_owner_;
  mutable std::deque<std::string> ids_; // interned: never erased, never moved
  mutable std::uint32_t next_key_ = 0;
  mutable std::mutex gone_mutex_;
  mutable std::map<std::uint32_t, Gone> gone_;
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
  const PlugState *owner = nullptr; // the plug that owns the handles, if any handle
};

// Reads the handles in `args` (the arguments of function `slot`); fails for a
// handle that is not one of the binding's live wrapped handles, whose owner
// `roster` no longer has, or when the handles belong to more than one plugin.
Result<ArgumentHandles, DispatchError> read_handles(const BindingState &binding,
                                                    const Roster &roster, std::size_t slot,
                                                    std::span<const Val> args, HandleSide &side);

// One plugin's call: checks the arguments if asked, takes the plugin's lock,
// puts the owner's guest handles in place of wrapped ones, calls, and wraps
// the handles the result holds. Host dispatch and sockets both come through here.
CallResult call(const BindingState &binding, const PlugState &plug, std::string_view interface,
                std::string_view function, std::size_t slot, std::span<const Val> args,
                Arguments arguments, HandleSide &side, ArgumentHandles *handles = nullptr);

// The byte-path shape of a function taking `param` and giving `result`, if both
// are list<u8> or string.
std::optional<BytesShape> bytes_shape(const ValType &param, const ValType &result);

// Where a byte-path call's result goes: `take(data, bytes, size)`, called at
// most once, while Wasmtime lifts the result (before the guest's post-return
// runs, which may free or reuse those bytes), with bytes that live only until
// it returns. The call can still fail after it (a trap in post-return): then
// what it took is the caller's to drop.
struct BytesSink {
  void (*take)(void *data, const std::uint8_t *bytes, std::size_t size);
  void *data;
};

// A byte-path call's result as an owned buffer: a sink that assigns to `out`.
BytesSink into(std::vector<std::uint8_t> &out);

// One plugin's call of a byte-path function: takes the plugin's lock as
// `caller`, applies its per-call limits, and gives the result to `sink`.
// `input` is UTF-8 when the function takes a string (checked by the caller).
Result<std::monostate, DispatchError> call_bytes(const BindingState &binding, const PlugState &plug,
                                                 std::string_view interface,
                                                 std::string_view function, std::size_t slot,
                                                 std::span<const std::uint8_t> input,
                                                 BytesShape shape, Caller caller, BytesSink sink);

// A byte-path call of `target` (Export::bytes) with dynamic values, in the
// caller's lock: the argument's string read in place, or its list of u8
// gathered into one buffer, and the result made one value. None, before any
// call, when `argument` is not of the shape's kind (a string, or a list of u8):
// checked and typed arguments always are, and others take the dynamic call,
// whose error names the mismatch.
std::optional<wasmtime::Result<std::monostate>>
call_bytes_with_values(BytesShape shape, const wasmtime::component::Func &target,
                       wasmtime::Store::Context store, const Val &argument, Val &result);

// Drops a wrapped handle: the wrapper goes, and the guest handle is dropped in
// its owner so the owner's destructor runs.
void drop_wrapped(const BindingState &binding, std::uint32_t rep);
// Drops guest handles in their owner `plugin`, after any call running in it
// (or, from inside a call into it, when that call ends).
void drop_in_owner(PluginState &plugin, std::vector<WrappedHandle> handles);
// Drops in `plug` the guest handles it gave out, whose wrappers stay to say
// that it left the binding: once no call runs in it after a live change.
void release_handles(const BindingState &binding, const PlugState &plug);

// `type` with its handles named by the binding's resources: through the first
// of `names` (plugins' names) that knows a handle's type, else through the
// interface it was read from, for a declared type.
std::string named_type(const BindingState &state, std::string_view interface,
                       const wasmtime::component::FuncType &type,
                       std::span<const ResourceNames *const> names);

// Defines, in `linker`, the socket functions that `consumer` imports from
// `sockets`: each dispatches into its binding and shapes the result as the import
// declares it (see "What a consumer sees through a socket" in docs/ABI.md).
Result<std::monostate> define_sockets(const wasmtime::Engine &engine,
                                      wasmtime::component::Linker &linker,
                                      const wasmtime::component::Component &consumer,
                                      const std::vector<Binding> &sockets);

} // namespace wasm_link::detail
