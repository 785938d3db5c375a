#include <wasm_link/binding.hh>

#include "async_call.hh"
#include "binding_state.hh"
#include "shim.h"
#include "unicode.hh"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

namespace wasm_link {
namespace detail {

Result<BindingState::Slot, DispatchError> BindingState::slot_of(std::string_view interface,
                                                                std::string_view function) const {
  auto functions = slots.find(interface);
  if (functions == slots.end())
    return DispatchError::invalid_interface_path(path(interface));
  auto index = functions->second.find(function);
  if (index == functions->second.end())
    return DispatchError::invalid_function(std::string(function));
  return Slot{index->second, functions->first, index->first};
}

std::string BindingState::path(std::string_view interface) const {
  auto at = package.find('@');
  if (at == std::string::npos)
    return package + "/" + std::string(interface);
  return package.substr(0, at) + "/" + std::string(interface) + package.substr(at);
}

std::string in_binding(const BindingState &binding, std::string_view plugin) {
  return "plugin `" + std::string(plugin) + "` in binding `" + binding.package + "`";
}

namespace {

// Guest handles whose drop was put off (see PluginState::pending_drops). The
// caller holds the plugin's lock.
void drop_pending(PluginState &plugin) {
  if (!plugin.has_pending_drops.load(std::memory_order_acquire))
    return;
  std::vector<wasmtime::component::ResourceAny> pending;
  {
    std::lock_guard lock(plugin.pending_mutex);
    pending.swap(*plugin.pending_drops);
    plugin.has_pending_drops.store(false, std::memory_order_release);
  }
  for (const auto &handle : pending)
    (void)drop_guest(plugin, handle);
}

// The handles a call is given to own, until their owner receives them. The
// caller gave them away by making the call, so a call refused before that must
// not keep them wrapped, where nobody could drop them: they are dropped as if
// the caller had dropped them (in the owner, if its instance still has them),
// once the owner's lock is let go. Declared before the call's CallLock.
class GivenHandles {
public:
  GivenHandles(const BindingState &binding, const ArgumentHandles *handles)
      : binding_(binding), handles_(handles) {}
  GivenHandles(const GivenHandles &) = delete;
  GivenHandles &operator=(const GivenHandles &) = delete;
  ~GivenHandles() {
    if (handles_ != nullptr)
      for (const auto &use : handles_->uses)
        if (use.own)
          drop_wrapped(binding_, use.rep);
  }
  void received() noexcept { handles_ = nullptr; }

private:
  const BindingState &binding_;
  const ArgumentHandles *handles_;
};

std::string where_of(const BindingState &binding, const PlugState &plug, std::string_view interface,
                     std::string_view function) {
  return "plugin `" + plug.id + "`, `" + binding.path(interface) + "`.`" + std::string(function) +
         "`";
}

// Wraps every handle in `result`, the plug's call result: each goes into the
// binding's table, and the side gets a host handle for it in its place. On
// failure every handle of the result is dropped in the plug. The caller holds
// the plug's lock.
std::optional<DispatchError> wrap_result(const BindingState &binding, const PlugState &plug,
                                         const Export &target, Val &result, HandleSide &side) {
  PluginState &plugin = *plug.plugin;
  std::vector<std::pair<Val *, std::optional<std::size_t>>> found;
  visit_handles(result, *target.type.result(),
                [&](Val &slot, const ValType &type) -> std::optional<DispatchError> {
                  found.emplace_back(&slot, type.kind() == WASMTIME_COMPONENT_VALTYPE_OWN
                                                ? plug.names().find(type.own())
                                                : std::nullopt);
                  return std::nullopt;
                });
  std::optional<DispatchError> error;
  std::vector<std::uint32_t> reps;
  for (const auto &[slot, resource] : found) {
    if (!resource) {
      error = DispatchError::resource_handle_conversion_failed(
          "plugin `" + plug.id + "` returned a handle of a resource the binding does not have");
      break;
    }
    auto rep = binding.handles.insert(
        WrappedHandle{plug.key, plugin.generation, *resource, slot->get_resource()},
        plugin.limits().max_resource_handles);
    if (!rep) {
      const DispatchError &e = rep.err_ref();
      error = e.kind() == DispatchError::Kind::resource_table_full
                  ? DispatchError::resource_table_full("plugin `" + plug.id + "`: " + e.detail())
                  : e;
      break;
    }
    reps.push_back(rep.ok());
  }
  for (std::size_t i = 0; !error && i < reps.size(); ++i) {
    auto issued = side.issue(reps[i], *found[i].second);
    if (!issued) {
      error = issued.err();
      break;
    }
    *found[i].first = issued.ok();
  }
  if (!error)
    return std::nullopt;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (i < reps.size()) {
      if (auto wrapped = binding.handles.take(reps[i]))
        (void)drop_guest(plugin, wrapped->guest);
    } else {
      (void)drop_guest(plugin, found[i].first->get_resource());
    }
  }
  return error;
}

} // namespace

static std::optional<DispatchError>
check_arguments(const BindingState &binding, const PlugState &plug, std::string_view interface,
                std::string_view function, const Export &target, std::span<const Val> args,
                Arguments arguments) {
  if (args.size() != target.params.size())
    return DispatchError::invalid_argument_list(where_of(binding, plug, interface, function) +
                                                " takes " + std::to_string(target.params.size()) +
                                                " arguments, " + std::to_string(args.size()) +
                                                " given");
  for (std::size_t i = 0; arguments == Arguments::checked && i < args.size(); ++i) {
    if (auto why = (*target.checks)[i].mismatch(args[i]))
      return DispatchError::invalid_argument_list(where_of(binding, plug, interface, function) +
                                                  ": argument " + std::to_string(i) + " `" +
                                                  target.params[i].first + "`: " + *why);
  }
  return std::nullopt;
}

Result<ArgumentHandles, DispatchError> read_handles(const BindingState &binding,
                                                    const Roster &roster, std::size_t slot,
                                                    std::span<const Val> args, HandleSide &side) {
  ArgumentHandles out;
  out.args.assign(args.begin(), args.end());
  if (roster.plugs.empty())
    return out;
  // Every plugin's export is equivalent to the first one's (Binding::create).
  const PlugState &first = roster.plugs.front();
  const Export &reference = first.export_of(slot);
  for (std::size_t i = 0; i < reference.params.size() && i < out.args.size(); ++i) {
    // Not a structured binding: clang before 16 cannot capture one in the lambda below.
    const std::string &name = reference.params[i].first;
    const ValType &type = reference.params[i].second;
    if (!holds_handles(type))
      continue;
    auto problem = visit_handles(
        out.args[i], type,
        [&](Val &value, const ValType &position) -> std::optional<DispatchError> {
          const bool own = position.kind() == WASMTIME_COMPONENT_VALTYPE_OWN;
          auto resource = first.names().find(own ? position.own() : position.borrow());
          if (!resource)
            return DispatchError::resource_handle_conversion_failed(
                "argument " + std::to_string(i) + " `" + name +
                "` is a handle of a resource the binding does not have");
          const BindingResource &r = binding.resources[*resource];
          auto what = [&] { return "argument " + std::to_string(i) + " `" + name + "`: "; };
          auto rep = side.rep(value.get_resource(), *resource, own);
          if (!rep)
            return DispatchError::invalid_resource_handle(what() + rep.err().detail());
          auto entry = binding.handles.owner_of(rep.ok());
          if (!entry || entry->resource != *resource)
            return DispatchError::invalid_resource_handle(what() + "no live `" + r.interface +
                                                          "`.`" + r.name + "` handle of binding `" +
                                                          binding.package + "` has it");
          const PlugState *owner = roster.by_key(entry->owner);
          if (owner == nullptr) {
            auto gone = binding.gone_of(entry->owner);
            return DispatchError::invalid_resource_handle(
                what() + "the handle belongs to plugin `" + (gone ? gone->id : "?") + "`, which " +
                (gone ? gone->why : "left the binding") + " since it gave out the handle");
          }
          if (out.owner != nullptr && out.owner != owner)
            return DispatchError::invalid_resource_handle(
                what() + "the handles belong to different plugins (`" + out.owner->id + "` and `" +
                owner->id + "`)");
          out.owner = owner;
          out.uses.push_back({&value, rep.ok(), own});
          return std::nullopt;
        });
    if (problem)
      return *problem;
  }
  return out;
}

// What Wasmtime's sync call says, before running anything, of an export lifted
// with the `async` option.
constexpr std::string_view lifted_async_refusal =
    "cannot synchronously call an async-lifted export; use `call_async` or `call_concurrent` "
    "instead";

// Whether `error`, from one of Wasmtime's sync entry points, is its refusal of
// an export lifted with the `async` option or of a store that must be entered
// asynchronously, which comes before anything runs. The refusal is remembered:
// the export's or the plugin's later calls take the async call at once.
bool refused_sync(const wasmtime::Error &error, const Export &target, PluginState &plugin) {
  const std::string why = error.message();
  if (why == async_store_refusal)
    plugin.async_entry = true;
  else if (why == lifted_async_refusal)
    target.lifted_async.set();
  else
    return false;
  return true;
}

// Whether the call should try Wasmtime's sync entry point first.
bool sync_first(const Export &target, const PluginState &plugin) {
  return !target.lifted_async.get() && !plugin.async_entry;
}

namespace {

// The value `take_value` makes of a byte-path result: a string, or a list of u8.
struct ValueSink {
  Val *out;
  bool is_string;
};

void take_value(void *data, const std::uint8_t *bytes, std::size_t size) {
  const auto &sink = *static_cast<const ValueSink *>(data);
  if (sink.is_string) {
    *sink.out = Val::string(std::string_view(reinterpret_cast<const char *>(bytes), size));
    return;
  }
  // Made in place: no vector of values to copy into the list.
  wasmtime_component_vallist_t list;
  wasmtime_component_vallist_new_uninit(&list, size);
  for (std::size_t i = 0; i < size; ++i) {
    list.data[i].kind = WASMTIME_COMPONENT_U8;
    list.data[i].of.u8 = bytes[i];
  }
  *sink.out = wasmtime::component::List(std::move(list));
}

} // namespace

std::optional<wasmtime::Result<std::monostate>>
call_bytes_with_values(BytesShape shape, const wasmtime::component::Func &target,
                       wasmtime::Store::Context store, const Val &argument, Val &result) {
  std::string_view input;
  std::vector<std::uint8_t> gathered;
  if (shape.input_is_string) {
    if (!argument.is_string())
      return std::nullopt;
    input = argument.get_string();
  } else {
    if (!argument.is_list())
      return std::nullopt;
    const auto &list = argument.get_list();
    gathered.reserve(list.size());
    for (const Val &element : list) {
      if (!element.is_u8())
        return std::nullopt;
      gathered.push_back(element.get_u8());
    }
    input = std::string_view(reinterpret_cast<const char *>(gathered.data()), gathered.size());
  }
  ValueSink sink{&result, shape.output_is_string};
  if (wasmtime_error_t *error = wasm_link_component_func_call_bytes(
          target.capi(), store.capi(), reinterpret_cast<const std::uint8_t *>(input.data()),
          input.size(), shape.input_is_string, shape.output_is_string, take_value, &sink))
    return wasmtime::Result<std::monostate>(wasmtime::Error(error));
  return wasmtime::Result<std::monostate>(std::monostate());
}

// Calls the export, which the caller holds the plugin's lock for. Wasmtime's
// sync call is cheaper and needs no event loop, but refuses, before running
// anything, an export lifted with the `async` option (which the type does not
// tell: an `async func` may be lifted without it, as wasm-link 0.4's are) and
// every export of a store that must be entered asynchronously; each refusal is
// remembered, and the call goes through the async call instead.
wasmtime::Result<std::monostate> invoke(const Export &exported, const FuncHandle &handle,
                                        PluginState &plugin, std::span<const Val> args,
                                        std::span<Val> results) {
  wasmtime::Store::Context store = plugin.store.context();
  const wasmtime::component::Func target = handle.in(plugin);
  if (sync_first(exported, plugin)) {
    auto called = [&]() -> wasmtime::Result<std::monostate> {
      if (exported.flat && args.size() == exported.params.size())
        return call_flat(*exported.flat, target, store, args, results);
      if (exported.bytes && args.size() == 1 && results.size() == 1)
        if (auto by_bytes =
                call_bytes_with_values(*exported.bytes, target, store, args[0], results[0]))
          return std::move(*by_bytes);
      return target.call(store, wasmtime::Span<const Val>(args.data(), args.size()),
                         wasmtime::Span<Val>(results.data(), results.size()));
    }();
    if (called || !refused_sync(called.err(), exported, plugin))
      return called;
  }
  return run_async_entry([&]() -> wasmtime::Result<std::monostate> {
    wasmtime_error_t *error = nullptr;
    run_to_end(wasmtime_component_func_call_async(
        target.capi(), store.capi(), Val::to_capi(args.data()), args.size(),
        Val::to_capi(results.data()), results.size(), &error));
    if (error != nullptr)
      return wasmtime::Error(error);
    return std::monostate();
  });
}

// Takes the plugin's lock for a call of `function` and readies the plugin: its
// put-off drops done, its functions' handles of its current instance.
Result<CallLock, DispatchError> enter(const PlugState &plug, std::string_view function,
                                      Caller caller) {
  auto lock = CallLock::acquire(*plug.plugin, caller);
  if (!lock)
    return lock.err();
  PluginState &plugin = *plug.plugin;
  if (!plugin.has_instance())
    return DispatchError::runtime_exception(
        "the plugin has no instance: its last restart failed; restart it again");
  drop_pending(plugin);
  if (plug.generation != plugin.generation) {
    // Each export was found in the component when the plugin was placed.
    for (std::size_t i = 0; i < plug.exports->functions.size(); ++i) {
      auto func = plugin.instance.get_func(plugin.store.context(), plug.export_of(i).index);
      if (!func)
        return DispatchError::invalid_function(std::string(function));
      plug.funcs[i].set(*func);
    }
    plug.generation = plugin.generation;
  }
  return lock;
}

// The plugin's per-call budgets, just before the call.
void limit(const BindingState &binding, const PlugState &plug, std::string_view interface,
           std::string_view function, const Export &target) {
  PluginState &plugin = *plug.plugin;
  if (!plugin.limits_calls())
    return;
  const PluginInstance handle = PluginState::handle(plug.plugin);
  const std::string path = binding.path(interface);
  apply_limits_before_call(plugin, CallSite{handle, path, function, *target.metadata});
}

CallResult call(const BindingState &binding, const PlugState &plug, std::string_view interface,
                std::string_view function, std::size_t slot, std::span<const Val> args,
                Arguments arguments, HandleSide &side, ArgumentHandles *handles) {
  auto where = [&] { return where_of(binding, plug, interface, function); };
  const Export &target = plug.export_of(slot);
  GivenHandles given(binding, handles);
  if (target.unsupported)
    return DispatchError::unsupported_type(*target.unsupported);
  if (auto problem = check_arguments(binding, plug, interface, function, target, args, arguments))
    return *problem;
  auto lock = enter(plug, function, side.caller());
  if (!lock)
    return lock.err();
  PluginState &plugin = *plug.plugin;
  std::span<const Val> call_args = args;
  if (handles != nullptr && !handles->uses.empty()) {
    // Checked under the owner's lock, so that no drop can come in between.
    for (const auto &use : handles->uses) {
      auto entry = binding.handles.find(use.rep);
      if (!entry || entry->owner != plug.key)
        return DispatchError::invalid_resource_handle(where() + ": the handle was dropped");
      if (entry->generation != plugin.generation)
        return DispatchError::invalid_resource_handle(
            where() + ": the plugin was restarted since it gave out the handle");
      *use.slot = Val(entry->guest);
    }
    call_args = handles->args;
  }
  limit(binding, plug, interface, function, target);
  Val result(false);
  given.received();
  auto called = invoke(target, plug.funcs[slot], plugin, call_args,
                       std::span<Val>(&result, target.has_result ? 1 : 0));
  if (handles != nullptr)
    for (const auto &use : handles->uses)
      if (use.own)
        binding.handles.take(use.rep); // the owner has its handle back
  if (!called)
    return DispatchError::runtime_exception(describe_failure(plugin, called.err().message()));
  if (!target.has_result)
    return std::optional<Val>();
  if (target.wraps_result)
    if (auto error = wrap_result(binding, plug, target, result, side))
      return *error;
  return std::optional<Val>(std::move(result));
}

namespace {

// `type` as a byte-path shape: true for string, false for list<u8>.
std::optional<bool> string_or_bytes(const ValType &type) {
  if (type.is_string())
    return true;
  if (type.is_list() && type.list().element().is_u8())
    return false;
  return std::nullopt;
}

void take_bytes(void *out, const std::uint8_t *bytes, std::size_t size) {
  static_cast<std::vector<std::uint8_t> *>(out)->assign(bytes, bytes + size);
}

// The Val path of a byte-path call, for a plugin that only Wasmtime's async
// call enters.
wasmtime::Result<std::vector<std::uint8_t>>
call_bytes_as_values(const Export &exported, const FuncHandle &target, PluginState &plugin,
                     std::span<const std::uint8_t> input, BytesShape shape) {
  Val argument(false);
  if (shape.input_is_string) {
    argument =
        Val::string(std::string_view(reinterpret_cast<const char *>(input.data()), input.size()));
  } else {
    std::vector<Val> bytes;
    bytes.reserve(input.size());
    for (std::uint8_t byte : input)
      bytes.emplace_back(byte);
    argument = wasmtime::component::List(std::move(bytes));
  }
  Val result(false);
  auto called = invoke(exported, target, plugin, std::span(&argument, 1), std::span(&result, 1));
  if (!called)
    return called.err();
  std::vector<std::uint8_t> out;
  if (shape.output_is_string) {
    const std::string_view text = result.get_string();
    out.assign(text.begin(), text.end());
  } else {
    for (const Val &byte : result.get_list())
      out.push_back(byte.get_u8());
  }
  return out;
}

} // namespace

std::optional<BytesShape> bytes_shape(const ValType &param, const ValType &result) {
  auto input = string_or_bytes(param);
  auto output = string_or_bytes(result);
  if (!input || !output)
    return std::nullopt;
  return BytesShape{*input, *output};
}

BytesSink into(std::vector<std::uint8_t> &out) {
  return {take_bytes, &out};
}

Result<std::monostate, DispatchError> call_bytes(const BindingState &binding, const PlugState &plug,
                                                 std::string_view interface,
                                                 std::string_view function, std::size_t slot,
                                                 std::span<const std::uint8_t> input,
                                                 BytesShape shape, Caller caller, BytesSink sink) {
  auto lock = enter(plug, function, caller);
  if (!lock)
    return lock.err();
  PluginState &plugin = *plug.plugin;
  limit(binding, plug, interface, function, plug.export_of(slot));
  const FuncHandle &target = plug.funcs[slot];
  auto failed = [&](const wasmtime::Error &error) {
    return DispatchError::runtime_exception(describe_failure(plugin, error.message()));
  };
  if (sync_first(plug.export_of(slot), plugin)) {
    wasmtime_error_t *raw = wasm_link_component_func_call_bytes(
        target.in(plugin).capi(), plugin.store.context().capi(), input.data(), input.size(),
        shape.input_is_string, shape.output_is_string, sink.take, sink.data);
    if (raw == nullptr)
      return std::monostate();
    const wasmtime::Error error(raw);
    if (!refused_sync(error, plug.export_of(slot), plugin))
      return failed(error);
  }
  auto out = call_bytes_as_values(plug.export_of(slot), target, plugin, input, shape);
  if (!out)
    return failed(out.err());
  sink.take(sink.data, out.ok_ref().data(), out.ok_ref().size());
  return std::monostate();
}

void drop_in_owner(PluginState &plugin, std::vector<WrappedHandle> handles) {
  if (handles.empty())
    return;
  auto lock = CallLock::acquire(plugin);
  for (auto &wrapped : handles) {
    if (wrapped.generation != plugin.generation)
      continue; // its instance is gone with its resources
    if (!lock) {
      // This thread is inside a call into the owner: drop it when that ends.
      plugin.defer_drop(std::move(wrapped.guest));
      continue;
    }
    (void)drop_guest(plugin, wrapped.guest);
  }
}

void release_handles(const BindingState &binding, const PlugState &plug) {
  drop_in_owner(*plug.plugin, binding.handles.release_owner(plug.key));
}

void drop_wrapped(const BindingState &binding, std::uint32_t rep) {
  auto entry = binding.handles.owner_of(rep);
  if (!entry)
    return;
  const ReadSection section;
  const PlugState *owner = binding.roster(section).by_key(entry->owner);
  if (owner == nullptr) {
    // The owner left the binding. Its guest handle goes with the wrapper,
    // unless its release (release_handles) dropped it already.
    auto gone = binding.gone_of(entry->owner);
    auto plugin = gone ? gone->plugin.lock() : nullptr;
    auto taken = binding.handles.take(rep);
    if (taken && !taken->released && plugin)
      drop_in_owner(*plugin, {std::move(*taken)});
    return;
  }
  PluginState &plugin = *owner->plugin;
  auto lock = CallLock::acquire(plugin);
  auto taken = binding.handles.take(rep);
  if (!taken || taken->released || taken->generation != plugin.generation)
    return; // dropped meanwhile, or its instance is gone with its resources
  if (!lock) {
    // This thread is inside a call into the owner: drop it when that ends.
    plugin.defer_drop(std::move(taken->guest));
    return;
  }
  drop_pending(plugin);
  if (plugin.limits_calls()) {
    const BindingResource &resource = binding.resources[taken->resource];
    const PluginInstance handle = PluginState::handle(owner->plugin);
    const std::string path = binding.path(resource.interface);
    const std::string function = "[resource-drop]" + resource.name;
    const Function metadata{FunctionKind::method, ReturnKind::none, resource.name, std::nullopt};
    apply_limits_before_call(plugin, CallSite{handle, path, function, metadata});
  }
  // A destructor that traps leaves the owner unusable until restarted; its next
  // call reports that. The consumer's drop itself succeeds.
  (void)drop_guest(plugin, taken->guest);
}

BindingState::~BindingState() {
  // No section is open on this binding: whoever could open one holds it.
  const Roster *last = roster_.load(std::memory_order_acquire);
  for (auto &wrapped : handles.take_all()) {
    if (wrapped.released)
      continue;
    const PlugState *owner = last != nullptr ? last->by_key(wrapped.owner) : nullptr;
    std::shared_ptr<PluginState> plugin = owner != nullptr ? owner->plugin : nullptr;
    if (!plugin)
      if (auto gone = gone_of(wrapped.owner))
        plugin = gone->plugin.lock();
    if (plugin)
      drop_in_owner(*plugin, {std::move(wrapped)});
  }
  delete last;
}

Roster::Roster(std::vector<PlugState> placed) : plugs(std::move(placed)) {
  // Keys follow ids in a binding that never changed: by_key needs no index.
  bool follow = true;
  for (std::size_t i = 0; follow && i < plugs.size(); ++i)
    follow = plugs[i].key == i;
  if (follow)
    return;
  keys_.reserve(plugs.size());
  for (std::size_t i = 0; i < plugs.size(); ++i)
    keys_.emplace_back(plugs[i].key, static_cast<std::uint32_t>(i));
  std::sort(keys_.begin(), keys_.end());
}

const PlugState *Roster::by_key(std::uint32_t key) const noexcept {
  if (key < plugs.size() && plugs[key].key == key)
    return &plugs[key];
  auto it = std::lower_bound(keys_.begin(), keys_.end(), std::pair(key, std::uint32_t{0}));
  return it != keys_.end() && it->first == key ? &plugs[it->second] : nullptr;
}

const PlugState *Roster::by_id(std::string_view id) const noexcept {
  auto it =
      std::lower_bound(plugs.begin(), plugs.end(), id,
                       [](const PlugState &plug, std::string_view id) { return plug.id < id; });
  return it != plugs.end() && it->id == id ? &*it : nullptr;
}

const std::string &BindingState::intern(std::string_view id) const {
  // In create (no roster yet) every id is new. A change reuses a copy the
  // binding has: the leaving plugin's (a replacement), or one that left before.
  if (const Roster *current = roster_.load(std::memory_order_acquire)) {
    if (const PlugState *plug = current->by_id(id))
      return plug->id;
    for (const std::string &kept : ids_)
      if (kept == id)
        return kept;
  }
  return ids_.emplace_back(id);
}

void BindingState::set_host(std::unique_ptr<HostHandles> host) const {
  host_owner_ = std::move(host);
  host_.store(host_owner_.get(), std::memory_order_release);
}

std::unique_ptr<const Roster> BindingState::publish(std::unique_ptr<const Roster> next) const {
  return std::unique_ptr<const Roster>(roster_.exchange(next.release(), std::memory_order_seq_cst));
}

void BindingState::gone(std::uint32_t key, Gone why) const {
  std::lock_guard lock(gone_mutex_);
  gone_.insert_or_assign(key, std::move(why));
}

std::optional<Gone> BindingState::gone_of(std::uint32_t key) const {
  std::lock_guard lock(gone_mutex_);
  auto it = gone_.find(key);
  if (it == gone_.end())
    return std::nullopt;
  return it->second;
}

std::shared_ptr<const BindingState> share(const Binding &binding) {
  return binding.state_;
}
} // namespace detail

const CallResult *DispatchResults::find(std::string_view id) const noexcept {
  auto it = std::lower_bound(results_.begin(), results_.end(), id,
                             [](const PluginResult &r, std::string_view id) { return r.id < id; });
  return it != results_.end() && it->id == id ? &it->result : nullptr;
}

const std::string &Binding::package() const noexcept {
  return state_->package;
}
Cardinality Binding::cardinality() const noexcept {
  return state_->cardinality;
}
const Binding::Interfaces &Binding::interfaces() const noexcept {
  return state_->interfaces;
}

const wasmtime::component::FuncType *Binding::function_type(std::string_view interface,
                                                            std::string_view function) const {
  auto slot = state_->slots.find(interface);
  if (slot == state_->slots.end())
    return nullptr;
  auto index = slot->second.find(function);
  if (index == slot->second.end() || !state_->expected[index->second].fixed())
    return nullptr;
  return &*state_->expected[index->second].type;
}

std::optional<std::string> Binding::signature(std::string_view interface,
                                              std::string_view function) const {
  const auto *type = function_type(interface, function);
  if (type == nullptr)
    return std::nullopt;
  // The names of the plugin that fixed the type, then any plugin's (a declared
  // type read from a plugin's component), then the declaring interface's.
  const auto &slot = state_->slots.find(interface)->second;
  std::vector<const detail::ResourceNames *> names{
      state_->expected[slot.find(function)->second].names.get()};
  const detail::ReadSection section;
  for (const auto &plug : state_->roster(section).plugs)
    names.push_back(plug.exports->names.get());
  return detail::named_type(*state_, interface, *type, names);
}

std::vector<std::string> Binding::plugin_ids() const {
  std::vector<std::string> ids;
  const detail::ReadSection section;
  for (const auto &plug : state_->roster(section).plugs)
    ids.push_back(plug.id);
  return ids;
}

Result<std::monostate, DispatchError>
Binding::drop(const wasmtime::component::ResourceAny &handle) const {
  const detail::BindingState &state = *state_;
  detail::HostHandles *host = state.host();
  for (std::size_t r = 0; r < state.resources.size() && host != nullptr; ++r) {
    if (!(handle.type() == wasmtime::component::ResourceType(state.resources[r].host_type)))
      continue;
    auto rep = host->rep(handle, r, true);
    if (!rep)
      return rep.err();
    if (!state.handles.owner_of(rep.ok()))
      return DispatchError::invalid_resource_handle("the handle was already dropped");
    detail::drop_wrapped(state, rep.ok());
    return std::monostate();
  }
  return DispatchError::invalid_resource_handle("the handle is not one binding `" + state.package +
                                                "` gave out");
}

std::size_t Binding::live_handles() const {
  return state_->handles.size();
}

Result<std::vector<BytesResult>, DispatchError>
Binding::dispatch_bytes(std::string_view interface, std::string_view function,
                        std::span<const std::uint8_t> input) const {
  const detail::BindingState &state = *state_;
  auto found = state.slot_of(interface, function);
  if (!found)
    return found.err();
  const std::size_t slot = found.ok().index;
  std::vector<BytesResult> results;
  const detail::ReadSection section;
  const auto &plugs = state.roster(section).plugs;
  if (plugs.empty())
    return results;
  const detail::Export &reference = plugs.front().export_of(slot);
  const auto &shape = reference.bytes;
  auto what = [&] { return "`" + state.path(interface) + "`.`" + std::string(function) + "`"; };
  if (!shape)
    return DispatchError::invalid_argument_list(
        what() + " is " + type_name(reference.type) +
        ", not func(list<u8> or string) -> list<u8> or string");
  // Checked once here for every plugin's call (the shim relies on it).
  if (shape->input_is_string && !detail::is_utf8(std::string_view(
                                    reinterpret_cast<const char *>(input.data()), input.size())))
    return DispatchError::invalid_argument_list(
        what() + ": argument 0 `" + reference.params[0].first + "`: a string must be UTF-8");
  results.reserve(plugs.size());
  for (const auto &plug : plugs) {
    std::vector<std::uint8_t> out;
    auto called = detail::call_bytes(state, plug, interface, function, slot, input, *shape,
                                     detail::Caller::host, detail::into(out));
    results.push_back(
        {plug.id,
         called ? Result<std::vector<std::uint8_t>, DispatchError>(std::move(out))
                : Result<std::vector<std::uint8_t>, DispatchError>(std::move(called.err_ref()))});
  }
  return results;
}

} // namespace wasm_link
