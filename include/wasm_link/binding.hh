// Bindings: a WIT package's interfaces and the plugins that implement them, held
// with a cardinality; and host dispatch into them.
#pragma once

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <wasm_link/cardinality.hh>
#include <wasm_link/dispatch_error.hh>
#include <wasm_link/error.hh>
#include <wasm_link/executor.hh>
#include <wasm_link/interface.hh>
#include <wasm_link/plugin.hh>
#include <wasm_link/value.hh>

namespace wasm_link {

namespace detail {
struct BindingState;
std::shared_ptr<const BindingState> share(const Binding &binding);
} // namespace detail

// What one plugin's call gave: its value (none for a function without a result)
// or the error.
using CallResult = Result<std::optional<Val>, DispatchError>;

struct PluginResult {
  std::string id;
  CallResult result;
};

// The outcome of a dispatch: one result per plugin of the binding, in ascending
// id order.
class DispatchResults {
public:
  using const_iterator = std::vector<PluginResult>::const_iterator;

  explicit DispatchResults(std::vector<PluginResult> results) : results_(std::move(results)) {}

  const_iterator begin() const noexcept { return results_.begin(); }
  const_iterator end() const noexcept { return results_.end(); }
  std::size_t size() const noexcept { return results_.size(); }
  bool empty() const noexcept { return results_.empty(); }
  const PluginResult &operator[](std::size_t i) const { return results_[i]; }
  // The result of plugin `id`, or null when the binding has no such plugin.
  const CallResult *find(std::string_view id) const noexcept;

private:
  std::vector<PluginResult> results_;
};

// One plugin's outcome of Binding::dispatch_bytes: its id (the binding's own
// string, valid while the binding lives) and its result's bytes.
struct BytesResult {
  std::string_view id;
  Result<std::vector<std::uint8_t>, DispatchError> result;
};

// One plugin's outcome of a PreparedCall: its id (the binding's own string,
// valid while the binding lives) and its result.
struct Outcome {
  std::string_view id;
  CallResult result;
};

// The outcomes of one PreparedCall, one per plugin in ascending id order. One
// outcome (a binding of one plugin, or a call to one) is held without a heap
// allocation.
class Outcomes {
public:
  const Outcome *begin() const noexcept { return data(); }
  const Outcome *end() const noexcept { return data() + size(); }
  // Mutable, to move results out.
  Outcome *begin() noexcept { return const_cast<Outcome *>(data()); }
  Outcome *end() noexcept { return begin() + size(); }
  std::size_t size() const noexcept { return one_ ? 1 : many_.size(); }
  bool empty() const noexcept { return size() == 0; }
  const Outcome &operator[](std::size_t i) const { return data()[i]; }
  // The outcome of plugin `id`, or null when the call did not go to it.
  const CallResult *find(std::string_view id) const noexcept;

  Outcomes() = default;
  // Any number of outcomes; ascending ids.
  explicit Outcomes(std::vector<Outcome> many) : many_(std::move(many)) {}
  explicit Outcomes(Outcome one) : one_(std::move(one)) {}

private:
  const Outcome *data() const noexcept { return one_ ? &*one_ : many_.data(); }

  std::optional<Outcome> one_;
  std::vector<Outcome> many_;
};

class PreparedCall;

// How one plugin exports an interface of the binding under other names.
struct Remap {
  // The instance the plugin exports instead of `<package>/<interface>`: an
  // interface name of the binding's package (`legacy-root`) or a whole instance
  // name (`old:pkg/root@1.0.0`). Empty: the interface's own name.
  std::string as;
  // Function names of the interface -> the names the plugin exports them under.
  std::map<std::string, std::string, std::less<>> functions;
};

// A plugin placed in a binding: its id there and, for interfaces it exports
// under other names, their remaps (interface name -> remap).
struct Plug {
  std::string id;
  PluginInstance plugin;
  std::map<std::string, Remap, std::less<>> remaps = {};
};

// When the plugins of one dispatch run in parallel (Binding::parallel).
struct ParallelOptions {
  // A dispatch goes parallel when the plugins' calls of its function took at
  // least this long together the last time it was dispatched into them all
  // (from the host or through a socket); cheaper calls stay on the calling
  // thread, where handing them out would cost more than it saves. Zero: always.
  std::chrono::nanoseconds min_cost = std::chrono::microseconds(100);
};

// A binding: a package's interfaces and the plugins that implement them, with
// a cardinality. A handle: copies refer to the same binding, which lives while
// any handle, or a consumer linked to it through a socket, holds it. Its
// methods are const because they leave the handle as it is; they do change
// the plugins behind it (a dispatch runs them, drop() runs a destructor), as
// calls through a const std::shared_ptr may.
class Binding {
public:
  using Interfaces = std::map<std::string, Interface, std::less<>>;
  using Plugs = std::vector<Plug>;

  // `package` is a WIT package name, `namespace:name` with an optional
  // `@version`. Each plugin exports, for every interface `I`, an instance
  // `<package>/<I>`. Fails when the plugin count does not fit `cardinality`, an
  // id repeats or is empty, a plugin lacks an export the interfaces name (after
  // its remaps) or exports it with another type than the interface declares or
  // the first plugin exports, or a remap names what the binding does not have.
  // Exports and remaps are resolved here, once.
  static Result<Binding> create(std::string package, Interfaces interfaces, Cardinality cardinality,
                                Plugs plugins);

  // Live changes to the binding's plugins, while other threads dispatch into it
  // and its consumers call it through their sockets. Each change is checked as
  // create() checks its plugins (an empty or repeated id; exports, remaps and
  // types against the interfaces and the types the binding's plugins fixed;
  // the cardinality after the change) and is refused as a whole with the same
  // errors, leaving the binding as it was. Every dispatch and socket call sees
  // the plugins before or after a change, never a mix; consumers see it on
  // their next call, without being relinked. A call already running in a
  // plugin that left finishes, and its result is delivered. Handles that plugin
  // gave out fail their next use with `invalid-resource-handle`, naming it and
  // why; dropping them succeeds; and its resources behind them are dropped (their
  // destructors run) once no call that could reach it runs. Changes to one
  // binding take turns; a graph that never changes pays nothing for them.
  //
  // Adds `plug` (which must fit the cardinality: not to an exactly-one binding).
  Result<std::monostate> add(Plug plug) const;
  // Removes the plugin with id `id` (not from an exactly-one binding).
  Result<std::monostate> remove(std::string_view id) const;
  // Puts `plug` in the place of the binding's plugin of the same id: a new
  // build of it, another component, or another instance of the same one.
  Result<std::monostate> replace(Plug plug) const;

  const std::string &package() const noexcept;
  Cardinality cardinality() const noexcept;
  const Interfaces &interfaces() const noexcept;
  // Ids of the binding's plugins now, ascending.
  std::vector<std::string> plugin_ids() const;
  // The type every plugin exports `interface`.`function` with: the interface's
  // declared one, else the first plugin's. Null for a function the binding does
  // not have, or when neither fixed it (an empty binding whose interfaces were
  // written by hand or read from WIT).
  const wasmtime::component::FuncType *function_type(std::string_view interface,
                                                     std::string_view function) const;
  // That type as WIT-like text, with handles named by the binding's resources
  // ("func(self: borrow<counter>) -> u32"); nothing where function_type is null.
  std::optional<std::string> signature(std::string_view interface, std::string_view function) const;

  // `interface`.`function` resolved once, to be called many times without
  // looking up its names again (see PreparedCall); an unknown interface or
  // function is the error dispatch would give.
  Result<PreparedCall, DispatchError> prepare(std::string_view interface,
                                              std::string_view function) const;

  // Calls `interface`.`function` in every plugin of the binding: prepare() and
  // PreparedCall::operator() in one, with each plugin's id copied into its
  // result. An unknown interface or function fails the whole dispatch; everything else (arguments
  // that do not fit, a trap, a busy plugin) is an error of that plugin's result,
  // except for a function whose parameters can hold handles: its arguments are
  // checked once, before the call is routed to the handles' owner, so arguments
  // that do not fit fail the whole dispatch (`invalid-argument-list`).
  // Safe to call from several threads; a plugin runs one call at a time.
  //
  // Resource handles in results are wrapped: the host gets handles of the
  // binding's own, which it passes back in arguments and gives to drop(). A
  // method (`[method]R.f`) goes only to the plugin that made its `self`, as
  // does any call whose arguments hold handles; a handle that is unknown,
  // dropped or from another binding fails the whole dispatch with
  // `invalid-resource-handle` and reaches no plugin.
  //
  // A function of dispatch_bytes' shape takes its typed call here too: the
  // argument's string (or list of u8) is read from its Val, and the result is
  // made one Val, without Wasmtime's dynamic lift and lower of a value per byte.
  Result<DispatchResults, DispatchError>
  dispatch(std::string_view interface, std::string_view function, std::span<const Val> args) const;
  // As dispatch, to the plugin with id `plugin` alone: its one result, or none
  // when the binding has no such plugin (see plugin_ids). A method whose `self`
  // another plugin made is that plugin's invalid-resource-handle.
  Result<DispatchResults, DispatchError> dispatch_to(std::string_view plugin,
                                                     std::string_view interface,
                                                     std::string_view function,
                                                     std::span<const Val> args) const;

  // Dispatches as above on one of `executor`'s workers: returns at once, and the
  // future gets the dispatch's outcome. The arguments are copied, and the
  // binding lives until the dispatch ends. When the executor refuses the
  // dispatch (it is shut down) or shuts down (or is destroyed) before the
  // dispatch started, the future holds `executor-unavailable`, which no other
  // dispatch gives. Do not wait for the future inside a host function
  // that a plugin of this dispatch called: the dispatch waits for that plugin.
  std::future<Result<DispatchResults, DispatchError>>
  dispatch_async(Executor &executor, std::string_view interface, std::string_view function,
                 std::span<const Val> args) const;
  std::future<Result<DispatchResults, DispatchError>>
  dispatch_to_async(Executor &executor, std::string_view plugin, std::string_view interface,
                    std::string_view function, std::span<const Val> args) const;

  // Lets the plugins of one dispatch into this binding (from the host, and
  // through the sockets of its consumers) run on several threads at once: the
  // dispatching one and `executor`'s workers, when their calls are worth it
  // (`options`). Results keep ascending id order; a slow or failing plugin
  // delays or fails only its own entry. A call with handles in its arguments
  // goes to one plugin and is not parallel. Branches that reach one plugin
  // through sockets take turns in it. But while a plugin runs in one branch,
  // another branch of the same dispatch that calls it through a host function
  // of yours gets `lock-rejected` rather than waiting, as waiting could
  // deadlock; so does one instance placed under two ids of a binding dispatched
  // from the host when its two entries happen to run at once. With an executor that is shut down,
  // dispatches run one plugin after another again, as they do without one (null, the default). The
  // switch is the binding's: for every handle and every consumer linked to it.
  void parallel(std::shared_ptr<Executor> executor, ParallelOptions options = {}) const;

  // As dispatch, for a function of type `func(list<u8>) -> list<u8>`, or with
  // `string` for the parameter or the result: `input` goes into each plugin's
  // memory and the result comes out of it as whole buffers, not as a Val per
  // byte (a string's bytes are UTF-8, checked before the call). One result per
  // plugin, in ascending id order. A function of another type fails the whole
  // dispatch (`invalid-argument-list`, naming its type). Plugins that only
  // Wasmtime's async call can enter take the Val path, with the same results.
  Result<std::vector<BytesResult>, DispatchError>
  dispatch_bytes(std::string_view interface, std::string_view function,
                 std::span<const std::uint8_t> input) const;

  // Drops a handle dispatch gave the host: the plugin that made the resource
  // drops it, so its destructor runs.
  Result<std::monostate, DispatchError> drop(const wasmtime::component::ResourceAny &handle) const;

  // How many handles the binding holds wrapped for consumers and the host.
  std::size_t live_handles() const;

private:
  friend std::shared_ptr<const detail::BindingState> detail::share(const Binding &);
  explicit Binding(std::shared_ptr<const detail::BindingState> state) : state_(std::move(state)) {}

  std::shared_ptr<const detail::BindingState> state_;
};

// A function of a binding, resolved once by Binding::prepare: calling it does
// what Binding::dispatch does (the same checks, routing, locks, limits and
// errors) without looking up the interface and function by name, and gives
// Outcomes, which name each plugin by the binding's own id string instead of a
// copy. Holds the binding alive. Safe to call from several threads.
class PreparedCall {
public:
  // Calls the function in every plugin of the binding.
  Result<Outcomes, DispatchError> operator()(std::span<const Val> args) const;
  // Calls it in the plugin with id `plugin` alone: its one outcome, or none
  // when the binding has no such plugin (as Binding::dispatch_to).
  Result<Outcomes, DispatchError> to(std::string_view plugin, std::span<const Val> args) const;

  std::string_view interface() const noexcept { return interface_; }
  std::string_view function() const noexcept { return function_; }

private:
  friend class Binding;
  PreparedCall(std::shared_ptr<const detail::BindingState> state, std::size_t slot,
               std::string_view interface, std::string_view function)
      : state_(std::move(state)), slot_(slot), interface_(interface), function_(function) {}
  Result<Outcomes, DispatchError> call(std::span<const Val> args,
                                       const std::string_view *only) const;

  std::shared_ptr<const detail::BindingState> state_;
  std::size_t slot_;
  // The binding's own strings.
  std::string_view interface_;
  std::string_view function_;
};

} // namespace wasm_link
