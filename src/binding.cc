#include <wasm_link/binding.hh>

#include "async_call.hh"
#include "binding_state.hh"
#include "shim.h"
#include "unicode.hh"

#include <algorithm>
#include <array>
#include <bit>
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

// A WIT identifier in kebab case: words of lowercase letters and digits, each
// starting with a letter, joined by single hyphens.
bool is_kebab(std::string_view s) {
  if (s.empty())
    return false;
  bool word_start = true;
  for (char c : s) {
    if (c == '-') {
      if (word_start)
        return false;
      word_start = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9' && !word_start)) {
      word_start = false;
    } else {
      return false;
    }
  }
  return !word_start;
}

std::optional<std::string> package_name_problem(std::string_view package) {
  auto at = package.find('@');
  std::string_view name = package.substr(0, at);
  if (at != std::string_view::npos) {
    std::string_view version = package.substr(at + 1);
    if (version.empty() ||
        version.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-+") != std::string_view::npos)
      return "the version after `@` is not a semantic version";
  }
  auto colon = name.find(':');
  if (colon == std::string_view::npos)
    return "it has no `namespace:` prefix";
  if (!is_kebab(name.substr(0, colon)) || !is_kebab(name.substr(colon + 1)))
    return "namespace and name must be kebab-case identifiers";
  return std::nullopt;
}

// The instance name and function name `plug` exports `interface`.`function` as.
std::pair<std::string, std::string> exported_names(const BindingState &binding, const Remap *remap,
                                                   std::string_view interface,
                                                   std::string_view function) {
  std::string path = binding.path(interface);
  std::string name(function);
  if (remap != nullptr) {
    if (!remap->as.empty())
      path = remap->as.find(':') == std::string::npos ? binding.path(remap->as) : remap->as;
    if (auto renamed = remap->functions.find(function); renamed != remap->functions.end())
      name = renamed->second;
  }
  return {std::move(path), std::move(name)};
}

std::optional<std::string> remap_problem(const BindingState &binding, const Plug &plug) {
  for (const auto &[interface, remap] : plug.remaps) {
    auto slot = binding.slots.find(interface);
    if (slot == binding.slots.end())
      return "remaps interface `" + interface + "`, which the binding does not have";
    for (const auto &[function, _] : remap.functions)
      if (!slot->second.contains(function))
        return "remaps function `" + function + "` of `" + binding.path(interface) +
               "`, which the binding does not have";
  }
  return std::nullopt;
}

// `instance` is the type of the instance the plug exports the interface as
// (looked up once per interface by the caller), if it exports one.
Result<Export> resolve(const BindingState &binding, const PlugState &plug, const Remap *remap,
                       const wasmtime::component::ComponentInstanceType *instance,
                       std::string_view interface, std::string_view function) {
  const auto [path, name] = exported_names(binding, remap, interface, function);
  const std::string renamed =
      path == binding.path(interface) && name == function
          ? ""
          : " (remapped from `" + binding.path(interface) + "`.`" + std::string(function) + "`)";
  auto where = [&] { return in_binding(binding, plug.id); };
  const auto &component = plug.plugin->component;
  auto instance_index = component.export_index(nullptr, path);
  if (!instance_index)
    return Error(Error::Kind::link, where() + " does not export instance `" + path + "`" + renamed);
  auto func_index = component.export_index(&*instance_index, name);
  if (!func_index)
    return Error(Error::Kind::link,
                 where() + " does not export function `" + name + "` in `" + path + "`" + renamed);
  // The component's own type, not the instance's: resource types in it are the
  // ones ComponentExports::names knows. It tells a function from other exports
  // without an instance, whose handle the first call resolves (FuncHandle).
  auto declared =
      instance == nullptr ? std::nullopt : instance->export_get(plug.plugin->engine, name);
  if (!declared || !declared->is_component_func())
    return Error(Error::Kind::link,
                 where() + ": export `" + name + "` of `" + path + "` is not a function" + renamed);
  const auto type = declared->component_func();
  Export out{.index = *func_index,
             .metadata = binding.interfaces.find(interface)->second.find(function),
             .type = type,
             .params = {},
             .has_result = type.result().has_value(),
             .wraps_result = false,
             .unwraps_arguments = false,
             .unsupported = std::nullopt,
             .checks = nullptr};
  for (std::size_t i = 0; i < type.param_count(); ++i) {
    auto param = type.param_nth(i);
    out.params.emplace_back(std::string(param->first), std::move(param->second));
  }
  return out;
}

bool is_scalar(const ValType &type) {
  return type.kind() <= WASMTIME_COMPONENT_VALTYPE_CHAR;
}

// Whether `target` takes the scalar path (Export::scalar).
bool scalar_call(const Export &target) {
  const auto result = target.type.result();
  return target.params.size() <= 4 && (!result || is_scalar(*result)) &&
         std::all_of(target.params.begin(), target.params.end(),
                     [](const auto &param) { return is_scalar(param.second); });
}

// What calls of `target` need beyond the call: wrapping, unwrapping, refusal,
// the scalar path. Equivalent exports of other plugins have the same answers.
void classify(Export &target) {
  auto checks = std::make_shared<std::vector<TypeCheck>>();
  for (const auto &[_, type] : target.params)
    checks->emplace_back(type);
  target.checks = std::move(checks);
  const auto result = target.type.result();
  target.wraps_result = result && holds_handles(*result);
  target.scalar = scalar_call(target);
  target.result_kind = result ? result->kind() : 0;
  target.unsupported = result ? unsupported_part(*result) : std::nullopt;
  for (const auto &[_, type] : target.params) {
    target.unwraps_arguments = target.unwraps_arguments || holds_handles(type);
    if (!target.unsupported)
      target.unsupported = unsupported_part(type);
  }
}

} // namespace

namespace {

// Guest handles whose drop was put off (see PluginState::pending_drops). The
// caller holds the plugin's lock.
void drop_pending(PluginState &plugin) {
  if (!plugin.has_pending_drops.load(std::memory_order_acquire))
    return;
  std::vector<wasmtime::component::ResourceAny> pending;
  {
    std::lock_guard lock(plugin.pending_mutex);
    pending.swap(plugin.pending_drops);
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
        WrappedHandle{plug.index, plugin.generation, *resource, slot->get_resource()},
        plugin.limits->max_resource_handles);
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

Result<ArgumentHandles, DispatchError> read_handles(const BindingState &binding, std::size_t slot,
                                                    std::span<const Val> args, HandleSide &side) {
  ArgumentHandles out;
  out.args.assign(args.begin(), args.end());
  if (binding.plugs.empty())
    return out;
  // Every plugin's export is equivalent to the first one's (Binding::create).
  const PlugState &first = binding.plugs.front();
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
          if (out.owner && *out.owner != entry->owner)
            return DispatchError::invalid_resource_handle(
                what() + "the handles belong to different plugins (`" +
                binding.plugs[*out.owner].id + "` and `" + binding.plugs[entry->owner].id + "`)");
          out.owner = entry->owner;
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
bool refused_sync(const wasmtime::Error &error, const FuncHandle &target, PluginState &plugin) {
  const std::string why = error.message();
  if (why == async_store_refusal)
    plugin.async_entry = true;
  else if (why == lifted_async_refusal)
    target.lifted_async = true;
  else
    return false;
  return true;
}

// Whether the call should try Wasmtime's sync entry point first.
bool sync_first(const FuncHandle &target, const PluginState &plugin) {
  return !target.lifted_async && !plugin.async_entry;
}

// A scalar as wasm_link_component_func_call_scalars takes it.
std::uint64_t scalar_bits(const Val &value) {
  const wasmtime_component_val_t &raw = *Val::to_capi(&value);
  auto extended = [](std::int64_t v) { return static_cast<std::uint64_t>(v); };
  switch (raw.kind) {
  case WASMTIME_COMPONENT_BOOL:
    return raw.of.boolean ? 1 : 0;
  case WASMTIME_COMPONENT_S8:
    return extended(raw.of.s8);
  case WASMTIME_COMPONENT_U8:
    return raw.of.u8;
  case WASMTIME_COMPONENT_S16:
    return extended(raw.of.s16);
  case WASMTIME_COMPONENT_U16:
    return raw.of.u16;
  case WASMTIME_COMPONENT_S32:
    return extended(raw.of.s32);
  case WASMTIME_COMPONENT_U32:
    return raw.of.u32;
  case WASMTIME_COMPONENT_S64:
    return extended(raw.of.s64);
  case WASMTIME_COMPONENT_U64:
    return raw.of.u64;
  case WASMTIME_COMPONENT_F32:
    return std::bit_cast<std::uint32_t>(raw.of.f32);
  case WASMTIME_COMPONENT_F64:
    return std::bit_cast<std::uint64_t>(raw.of.f64);
  default: // WASMTIME_COMPONENT_CHAR: the arguments were checked against scalar types
    return raw.of.character;
  }
}

// The shim's 64 bits as a Val of scalar kind `kind`.
Val scalar_value(wasmtime_component_valtype_kind_t kind, std::uint64_t bits) {
  switch (kind) {
  case WASMTIME_COMPONENT_VALTYPE_BOOL:
    return Val(bits != 0);
  case WASMTIME_COMPONENT_VALTYPE_S8:
    return Val(static_cast<std::int8_t>(bits));
  case WASMTIME_COMPONENT_VALTYPE_U8:
    return Val(static_cast<std::uint8_t>(bits));
  case WASMTIME_COMPONENT_VALTYPE_S16:
    return Val(static_cast<std::int16_t>(bits));
  case WASMTIME_COMPONENT_VALTYPE_U16:
    return Val(static_cast<std::uint16_t>(bits));
  case WASMTIME_COMPONENT_VALTYPE_S32:
    return Val(static_cast<std::int32_t>(bits));
  case WASMTIME_COMPONENT_VALTYPE_U32:
    return Val(static_cast<std::uint32_t>(bits));
  case WASMTIME_COMPONENT_VALTYPE_S64:
    return Val(static_cast<std::int64_t>(bits));
  case WASMTIME_COMPONENT_VALTYPE_U64:
    return Val(bits);
  case WASMTIME_COMPONENT_VALTYPE_F32:
    return Val(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
  case WASMTIME_COMPONENT_VALTYPE_F64:
    return Val(std::bit_cast<double>(bits));
  default: // WASMTIME_COMPONENT_VALTYPE_CHAR
    return Val::char_(static_cast<std::uint32_t>(bits));
  }
}

// The scalar path of invoke (Export::scalar): `args` were checked against the
// export's parameter types.
wasmtime::Result<std::monostate> invoke_scalars(const Export &exported, const FuncHandle &target,
                                                wasmtime::Store::Context store,
                                                std::span<const Val> args, std::span<Val> results) {
  std::array<std::uint64_t, 4> bits{};
  for (std::size_t i = 0; i < args.size(); ++i)
    bits[i] = scalar_bits(args[i]);
  std::uint64_t out = 0;
  if (wasmtime_error_t *error = wasm_link_component_func_call_scalars(
          target.func.capi(), store.capi(), bits.data(), args.size(), &out, exported.has_result))
    return wasmtime::Error(error);
  if (exported.has_result)
    results[0] = scalar_value(exported.result_kind, out);
  return std::monostate();
}

// Calls the export, which the caller holds the plugin's lock for. Wasmtime's
// sync call is cheaper and needs no event loop, but refuses, before running
// anything, an export lifted with the `async` option (which the type does not
// tell: an `async func` may be lifted without it, as wasm-link 0.4's are) and
// every export of a store that must be entered asynchronously; each refusal is
// remembered, and the call goes through the async call instead.
wasmtime::Result<std::monostate> invoke(const Export &exported, const FuncHandle &target,
                                        PluginState &plugin, std::span<const Val> args,
                                        std::span<Val> results) {
  wasmtime::Store::Context store = plugin.store.context();
  if (sync_first(target, plugin)) {
    auto called = exported.scalar && args.size() == exported.params.size()
                      ? invoke_scalars(exported, target, store, args, results)
                      : target.func.call(store, wasmtime::Span<const Val>(args.data(), args.size()),
                                         wasmtime::Span<Val>(results.data(), results.size()));
    if (called || !refused_sync(called.err(), target, plugin))
      return called;
  }
  return run_async_entry([&]() -> wasmtime::Result<std::monostate> {
    wasmtime_error_t *error = nullptr;
    run_to_end(wasmtime_component_func_call_async(
        target.func.capi(), store.capi(), Val::to_capi(args.data()), args.size(),
        Val::to_capi(results.data()), results.size(), &error));
    if (error != nullptr)
      return wasmtime::Error(error);
    return std::monostate();
  });
}

// Takes the plugin's lock for a call of function `slot` and readies the
// plugin: its put-off drops done, the function's handle of its current instance.
Result<CallLock, DispatchError> enter(const PlugState &plug, std::string_view function,
                                      std::size_t slot, Caller caller) {
  auto lock = CallLock::acquire(*plug.plugin, caller);
  if (!lock)
    return lock.err();
  PluginState &plugin = *plug.plugin;
  if (!plugin.instance)
    return DispatchError::runtime_exception(
        "the plugin has no instance: its last restart failed; restart it again");
  drop_pending(plugin);
  const FuncHandle &target = plug.funcs[slot];
  if (target.generation != plugin.generation) {
    auto func = plugin.instance->get_func(plugin.store.context(), plug.export_of(slot).index);
    if (!func)
      return DispatchError::invalid_function(std::string(function));
    target.func = *func;
    target.generation = plugin.generation;
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
  auto lock = enter(plug, function, slot, side.caller());
  if (!lock)
    return lock.err();
  PluginState &plugin = *plug.plugin;
  std::span<const Val> call_args = args;
  if (handles != nullptr && !handles->uses.empty()) {
    // Checked under the owner's lock, so that no drop can come in between.
    for (const auto &use : handles->uses) {
      auto entry = binding.handles.find(use.rep);
      if (!entry || entry->owner != plug.index)
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

// Which of list<u8> and string a byte-path function takes and gives.
struct BytesShape {
  bool input_is_string;
  bool output_is_string;
};

// `type` as a byte-path shape: string, or list<u8>.
std::optional<bool> string_or_bytes(const ValType &type) {
  if (type.is_string())
    return true;
  if (type.is_list() && type.list().element().is_u8())
    return false;
  return std::nullopt;
}

std::optional<BytesShape> bytes_shape(const Export &target) {
  const auto result = target.type.result();
  if (target.params.size() != 1 || !result)
    return std::nullopt;
  auto input = string_or_bytes(target.params[0].second);
  auto output = string_or_bytes(*result);
  if (!input || !output)
    return std::nullopt;
  return BytesShape{*input, *output};
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

Result<std::vector<std::uint8_t>, DispatchError>
call_bytes(const BindingState &binding, const PlugState &plug, std::string_view interface,
           std::string_view function, std::size_t slot, std::span<const std::uint8_t> input,
           BytesShape shape) {
  auto lock = enter(plug, function, slot, Caller::host);
  if (!lock)
    return lock.err();
  PluginState &plugin = *plug.plugin;
  limit(binding, plug, interface, function, plug.export_of(slot));
  const FuncHandle &target = plug.funcs[slot];
  auto failed = [&](const wasmtime::Error &error) {
    return DispatchError::runtime_exception(describe_failure(plugin, error.message()));
  };
  if (sync_first(target, plugin)) {
    std::vector<std::uint8_t> out;
    wasmtime_error_t *raw = wasm_link_component_func_call_bytes(
        target.func.capi(), plugin.store.context().capi(), input.data(), input.size(),
        shape.input_is_string, shape.output_is_string, take_bytes, &out);
    if (raw == nullptr)
      return out;
    const wasmtime::Error error(raw);
    if (!refused_sync(error, target, plugin))
      return failed(error);
  }
  auto out = call_bytes_as_values(plug.export_of(slot), target, plugin, input, shape);
  if (!out)
    return failed(out.err());
  return std::move(out.ok_ref());
}

} // namespace

void drop_wrapped(const BindingState &binding, std::uint32_t rep) {
  auto entry = binding.handles.owner_of(rep);
  if (!entry)
    return;
  const PlugState &owner = binding.plugs[entry->owner];
  PluginState &plugin = *owner.plugin;
  auto lock = CallLock::acquire(plugin);
  auto taken = binding.handles.take(rep);
  if (!taken || taken->generation != plugin.generation)
    return; // dropped meanwhile, or its instance is gone with its resources
  if (!lock) {
    // This thread is inside a call into the owner: drop it when that ends.
    plugin.defer_drop(std::move(taken->guest));
    return;
  }
  drop_pending(plugin);
  if (plugin.limits_calls()) {
    const BindingResource &resource = binding.resources[taken->resource];
    const PluginInstance handle = PluginState::handle(owner.plugin);
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
  for (auto &wrapped : handles.take_all()) {
    PluginState &plugin = *plugs[wrapped.owner].plugin;
    auto lock = CallLock::acquire(plugin);
    if (wrapped.generation != plugin.generation)
      continue;
    if (!lock) {
      plugin.defer_drop(std::move(wrapped.guest));
      continue;
    }
    (void)drop_guest(plugin, wrapped.guest);
  }
}

std::optional<std::size_t> BindingState::resource_index(std::string_view interface,
                                                        std::string_view name) const {
  for (std::size_t i = 0; i < resources.size(); ++i)
    if (resources[i].interface == interface && resources[i].name == name)
      return i;
  return std::nullopt;
}

// Which binding resource each resource type of the plug's component stands
// for, read from the instances it exports for the binding's interfaces. The
// first plug's every resource is read, and those the interfaces do not list yet
// are added to the binding; later plugs are asked for the binding's resources
// by name (a resource of theirs the binding lacks fails validation). A type
// exported under two names (a `use` of another interface) is one resource to
// consumers too, so the names share one host type.
static std::shared_ptr<const ResourceNames>
resource_names(BindingState &binding, const PlugState &plug,
               const wasmtime::component::ComponentType &type,
               const std::map<std::string, Remap, std::less<>> &remaps) {
  auto names = std::make_shared<ResourceNames>();
  const auto &engine = plug.plugin->engine;
  const bool first = binding.plugs.empty();
  if (!first && binding.resources.empty())
    return names;
  for (auto &[interface, declared] : binding.interfaces) {
    auto remap = remaps.find(interface);
    const auto path =
        exported_names(binding, remap == remaps.end() ? nullptr : &remap->second, interface, "")
            .first;
    auto item = type.export_get(engine, path);
    if (!item || !item->is_component_instance())
      continue; // resolve() names what is missing
    const auto &instance = item->component_instance();
    if (!first) {
      for (std::size_t r = 0; r < binding.resources.size(); ++r) {
        if (binding.resources[r].interface != interface)
          continue;
        auto entry = instance.export_get(engine, binding.resources[r].name);
        if (entry && entry->is_resource())
          names->add(entry->resource(), r);
      }
      continue;
    }
    // Counted once: Wasmtime reads every export to count them.
    const std::size_t exports = instance.export_count(engine);
    for (std::size_t i = 0; i < exports; ++i) {
      auto [name, entry] = *instance.export_nth(engine, i);
      if (!entry.is_resource())
        continue;
      auto index = binding.resource_index(interface, name);
      if (!index) {
        declared.resource(std::string(name));
        binding.resources.push_back({interface, std::string(name), fresh_host_type()});
        index = binding.resources.size() - 1;
      }
      if (auto same = names->find(entry.resource()))
        binding.resources[*index].host_type = binding.resources[*same].host_type;
      names->add(entry.resource(), *index);
    }
  }
  return names;
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

namespace {

std::optional<Error> interfaces_problem(const std::string &package,
                                        const Binding::Interfaces &interfaces) {
  // A component instance has one namespace for its functions and types: no
  // plugin could export both, nor a socket give them to a consumer.
  for (const auto &[name, interface] : interfaces)
    for (const auto &resource : interface.resources())
      if (interface.find(resource) != nullptr)
        return Error(Error::Kind::binding,
                     "interface `" + name + "` of binding `" + package + "` has a function `" +
                         resource + "` and a resource `" + resource +
                         "`: one instance cannot export two items of one name");
  return std::nullopt;
}

// The plugs in order of id (pointers: a plug is costly to move); an empty or
// repeated id is an error.
Result<std::vector<const Plug *>> sort_plugs(const std::string &package,
                                             const Binding::Plugs &plugins) {
  std::vector<const Plug *> sorted;
  sorted.reserve(plugins.size());
  for (const Plug &plug : plugins)
    sorted.push_back(&plug);
  std::sort(sorted.begin(), sorted.end(),
            [](const Plug *a, const Plug *b) { return a->id < b->id; });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::string &id = sorted[i]->id;
    if (id.empty())
      return Error(Error::Kind::binding, "binding `" + package + "` has a plugin with an empty id");
    if (i > 0 && sorted[i - 1]->id == id)
      return Error(Error::Kind::binding,
                   "binding `" + package + "` has two plugins with id `" + id + "`");
  }
  return sorted;
}

// Numbers the functions of every interface (BindingState::slots), with the
// types the interfaces declare, and gives each resource a host type.
void lay_out(detail::BindingState &state) {
  for (const auto &[name, interface] : state.interfaces) {
    auto &functions = state.slots[name];
    for (const auto &[function, declared] : interface.functions()) {
      functions.emplace(function, state.expected.size());
      detail::ExpectedType &expected = state.expected.emplace_back();
      if (declared.type)
        expected.fix(*declared.type, "as interface `" + name + "` declares it", nullptr);
    }
    for (const auto &resource : interface.resources())
      state.resources.push_back({name, resource, detail::fresh_host_type()});
  }
}

// `type` with its handles named by the binding's resources: through the first
// of `names` (plugins' names) that knows a handle's type, else through the
// interface it was read from, for a declared type.
std::string named_type(const detail::BindingState &state, std::string_view interface,
                       const wasmtime::component::FuncType &type,
                       std::span<const detail::ResourceNames *const> names) {
  const Interface &declared = state.interfaces.find(interface)->second;
  return type_name(
      type, [&](const wasmtime::component::ResourceType &resource) -> std::optional<std::string> {
        for (const detail::ResourceNames *known : names)
          if (known != nullptr)
            if (auto found = known->find(resource))
              return state.resources[*found].name;
        return declared.resource_name(resource);
      });
}

// Checks one export of function `index`, as the component of plugin `id`
// exports it, against the binding's type (which the first plugin fixes when no
// interface declared it), and shares what the first plugin's export found out
// about it.
std::optional<Error> place_export(detail::BindingState &state, const std::string &id,
                                  const std::shared_ptr<const detail::ResourceNames> &names,
                                  std::size_t index, const std::string &interface,
                                  const std::string &function, detail::Export &placed) {
  detail::ExpectedType &expected = state.expected[index];
  if (!expected.type) {
    expected.fix(placed.type, "as plugin `" + id + "` exports it", names);
  } else if (!detail::equivalent(*expected.type, expected.names.get(), expected.handles,
                                 placed.type, names.get())) {
    return Error(
        Error::Kind::link,
        detail::in_binding(state, id) + ": `" + state.path(interface) + "`.`" + function + "` is " +
            named_type(state, interface, placed.type, std::array{names.get()}) + ", expected " +
            named_type(state, interface, *expected.type, std::array{expected.names.get()}) + " " +
            expected.origin);
  }
  if (state.plugs.empty()) {
    detail::classify(placed);
  } else {
    const detail::Export &reference = state.plugs.front().export_of(index);
    placed.wraps_result = reference.wraps_result;
    placed.unwraps_arguments = reference.unwraps_arguments;
    placed.unsupported = reference.unsupported;
    placed.scalar = reference.scalar;
    placed.result_kind = reference.result_kind;
    placed.checks = reference.checks;
  }
  return std::nullopt;
}

// Resolves every function of the binding in the plug's component, with the
// remaps it is placed with, and checks them against the binding.
Result<std::shared_ptr<const detail::ComponentExports>>
resolve_exports(detail::BindingState &state, const detail::PlugState &plug, const Plug &placed) {
  if (auto problem = detail::remap_problem(state, placed))
    return Error(Error::Kind::link, detail::in_binding(state, placed.id) + " " + *problem);
  auto exports = std::make_shared<detail::ComponentExports>();
  const auto component_type = plug.plugin->component.type();
  exports->names = detail::resource_names(state, plug, component_type, placed.remaps);
  exports->functions.reserve(state.expected.size());
  for (const auto &[name, functions] : state.slots) {
    auto remap = placed.remaps.find(name);
    const Remap *interface_remap = remap == placed.remaps.end() ? nullptr : &remap->second;
    const auto instance_item = component_type.export_get(
        plug.plugin->engine, detail::exported_names(state, interface_remap, name, "").first);
    const auto *instance = instance_item && instance_item->is_component_instance()
                               ? &instance_item->component_instance()
                               : nullptr;
    for (const auto &[function, index] : functions) {
      auto resolved = detail::resolve(state, plug, interface_remap, instance, name, function);
      if (!resolved)
        return resolved.err();
      if (auto problem = place_export(state, plug.id, exports->names, index, name, function,
                                      resolved.ok_ref()))
        return *problem;
      exports->functions.push_back(std::move(resolved.ok_ref()));
    }
  }
  return std::shared_ptr<const detail::ComponentExports>(std::move(exports));
}

using Remaps = std::map<std::string, Remap, std::less<>>;

bool same_remaps(const Remaps &a, const Remaps &b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto &x, const auto &y) {
    return x.first == y.first && x.second.as == y.second.as &&
           x.second.functions == y.second.functions;
  });
}

// The exports one Binding::create has resolved, by component and remaps: the
// plugins of one compiled component, placed with the same remaps, export the
// same functions with the same types, whichever instance and store they have.
// A component is known by where its compiled image starts, which its copies
// share; the plugins being placed keep every image alive meanwhile, so no
// address is reused.
class PlacedComponents {
public:
  // Null when no plug of the component with these remaps was placed yet, or
  // when the component has no image to know it by.
  std::shared_ptr<const detail::ComponentExports> find(const void *image,
                                                       const Remaps &remaps) const {
    auto [first, last] = placed_.equal_range(image);
    for (auto it = first; image != nullptr && it != last; ++it)
      if (same_remaps(*it->second.remaps, remaps))
        return it->second.exports;
    return nullptr;
  }
  // `remaps` must outlive this.
  void add(const void *image, const Remaps &remaps,
           std::shared_ptr<const detail::ComponentExports> exports) {
    if (image != nullptr)
      placed_.emplace(image, Placed{&remaps, std::move(exports)});
  }

private:
  struct Placed {
    const Remaps *remaps;
    std::shared_ptr<const detail::ComponentExports> exports;
  };
  std::multimap<const void *, Placed> placed_;
};

// Places one plugin: its component's exports as an earlier plugin of the same
// component and remaps had them resolved, or resolved now. Function handles
// are left for the first calls to resolve (FuncHandle).
Result<detail::PlugState> place(detail::BindingState &state, const Plug &placed,
                                PlacedComponents &components) {
  detail::PlugState plug{.id = placed.id,
                         .index = state.plugs.size(),
                         .plugin = detail::PluginState::share(placed.plugin),
                         .exports = {},
                         .funcs = {}};
  const void *image = wasm_link_component_image_start(plug.plugin->component.capi());
  plug.exports = components.find(image, placed.remaps);
  if (!plug.exports) {
    auto resolved = resolve_exports(state, plug, placed);
    if (!resolved)
      return resolved.err();
    plug.exports = std::move(resolved.ok_ref());
    components.add(image, placed.remaps, plug.exports);
  }
  plug.funcs.resize(plug.exports->functions.size());
  return plug;
}

} // namespace

Result<Binding> Binding::create(std::string package, Interfaces interfaces, Cardinality cardinality,
                                Plugs plugins) {
  if (auto problem = detail::package_name_problem(package))
    return Error(Error::Kind::binding, "binding package name `" + package + "` is invalid: " +
                                           *problem + " (expected `namespace:name[@version]`)");
  if (!admits(cardinality, plugins.size()))
    return Error(Error::Kind::binding, "binding `" + package + "` is " +
                                           std::string(to_string(cardinality)) + " but was given " +
                                           std::to_string(plugins.size()) + " plugins");
  if (auto problem = interfaces_problem(package, interfaces))
    return *problem;
  auto sorted = sort_plugs(package, plugins);
  if (!sorted)
    return sorted.err();

  auto state = std::make_shared<detail::BindingState>();
  state->package = std::move(package);
  state->interfaces = std::move(interfaces);
  state->cardinality = cardinality;
  lay_out(*state);
  state->fan_out.resize(state->expected.size());
  PlacedComponents components;
  state->plugs.reserve(plugins.size());
  for (const Plug *placed : sorted.ok_ref()) {
    auto plug = place(*state, *placed, components);
    if (!plug)
      return plug.err();
    state->plugs.push_back(std::move(plug.ok_ref()));
  }
  if (!state->resources.empty() && !state->plugs.empty()) {
    auto host = detail::HostHandles::create(state->plugs.front().plugin->engine, state->resources);
    if (!host)
      return host.err();
    state->host = host.ok();
  }
  return Binding(std::move(state));
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
  if (index == slot->second.end() || !state_->expected[index->second].type)
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
  for (const auto &plug : state_->plugs)
    names.push_back(plug.exports->names.get());
  return named_type(*state_, interface, *type, names);
}

std::vector<std::string> Binding::plugin_ids() const {
  std::vector<std::string> ids;
  for (const auto &plug : state_->plugs)
    ids.push_back(plug.id);
  return ids;
}

Result<std::monostate, DispatchError>
Binding::drop(const wasmtime::component::ResourceAny &handle) const {
  const detail::BindingState &state = *state_;
  for (std::size_t r = 0; r < state.resources.size() && state.host; ++r) {
    if (!(handle.type() == wasmtime::component::ResourceType(state.resources[r].host_type)))
      continue;
    auto rep = state.host->rep(handle, r, true);
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
  if (state.plugs.empty())
    return results;
  const detail::Export &reference = state.plugs.front().export_of(slot);
  auto shape = detail::bytes_shape(reference);
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
  results.reserve(state.plugs.size());
  for (const auto &plug : state.plugs)
    results.push_back(
        {plug.id, detail::call_bytes(state, plug, interface, function, slot, input, *shape)});
  return results;
}

} // namespace wasm_link
