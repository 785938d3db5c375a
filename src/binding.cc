#include <wasm_link/binding.hh>

#include "binding_state.hh"

#include <algorithm>
#include <set>

namespace wasm_link {
namespace detail {

std::string BindingState::path(std::string_view interface) const {
  auto at = package.find('@');
  if (at == std::string::npos)
    return package + "/" + std::string(interface);
  return package.substr(0, at) + "/" + std::string(interface) + package.substr(at);
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

Result<Export> resolve(const BindingState &binding, const PlugState &plug, const Remap *remap,
                       std::string_view interface, std::string_view function) {
  const auto [path, name] = exported_names(binding, remap, interface, function);
  const std::string renamed =
      path == binding.path(interface) && name == function
          ? ""
          : " (remapped from `" + binding.path(interface) + "`.`" + std::string(function) + "`)";
  auto where = [&] { return "plugin `" + plug.id + "` in binding `" + binding.package + "`"; };
  const auto &component = plug.plugin->component;
  auto instance_index = component.export_index(nullptr, path);
  if (!instance_index)
    return Error(Error::Kind::link, where() + " does not export instance `" + path + "`" + renamed);
  auto func_index = component.export_index(&*instance_index, name);
  if (!func_index)
    return Error(Error::Kind::link,
                 where() + " does not export function `" + name + "` in `" + path + "`" + renamed);
  std::lock_guard lock(plug.plugin->mutex);
  auto context = plug.plugin->store.context();
  auto func = plug.plugin->instance->get_func(context, *func_index);
  if (!func)
    return Error(Error::Kind::link,
                 where() + ": export `" + name + "` of `" + path + "` is not a function" + renamed);
  auto type = func->type(context);
  Export out{*func_index,
             *func,
             plug.plugin->generation,
             binding.interfaces.find(interface)->second.find(function),
             type,
             {},
             type.result().has_value()};
  for (std::size_t i = 0; i < type.param_count(); ++i) {
    auto param = type.param_nth(i);
    out.params.emplace_back(std::string(param->first), std::move(param->second));
  }
  return out;
}

} // namespace

CallResult call(const BindingState &binding, const PlugState &plug, std::string_view interface,
                std::string_view function, const Export &target, std::span<const Val> args,
                Arguments arguments) {
  auto where = [&] {
    return "plugin `" + plug.id + "`, `" + binding.path(interface) + "`.`" + std::string(function) +
           "`";
  };
  if (args.size() != target.params.size())
    return DispatchError::invalid_argument_list(
        where() + " takes " + std::to_string(target.params.size()) + " arguments, " +
        std::to_string(args.size()) + " given");
  for (std::size_t i = 0; arguments == Arguments::checked && i < args.size(); ++i) {
    if (auto why = type_mismatch(args[i], target.params[i].second))
      return DispatchError::invalid_argument_list(where() + ": argument " + std::to_string(i) +
                                                  " `" + target.params[i].first + "`: " + *why);
  }
  auto lock = CallLock::acquire(*plug.plugin);
  if (!lock)
    return lock.err();
  PluginState &plugin = *plug.plugin;
  if (!plugin.instance)
    return DispatchError::runtime_exception(
        "the plugin has no instance: its last restart failed; restart it again");
  if (target.generation != plugin.generation) {
    auto func = plugin.instance->get_func(plugin.store.context(), target.index);
    if (!func)
      return DispatchError::invalid_function(std::string(function));
    target.func = *func;
    target.generation = plugin.generation;
  }
  if (plug.plugin->limits.fuel_per_call || plug.plugin->limits.epoch_deadline ||
      plug.plugin->limits.timeout) {
    const PluginInstance handle = PluginState::handle(plug.plugin);
    const std::string path = binding.path(interface);
    apply_limits_before_call(*plug.plugin, CallSite{handle, path, function, *target.metadata});
  }
  Val result(false);
  auto called = target.func.call(plug.plugin->store.context(),
                                 wasmtime::Span<const Val>(args.data(), args.size()),
                                 wasmtime::Span<Val>(&result, target.has_result ? 1 : 0));
  if (!called)
    return DispatchError::runtime_exception(describe_failure(*plug.plugin, called.err().message()));
  if (!target.has_result)
    return std::optional<Val>();
  return std::optional<Val>(std::move(result));
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

Result<Binding> Binding::create(std::string package, Interfaces interfaces, Cardinality cardinality,
                                Plugs plugins) {
  if (auto problem = detail::package_name_problem(package))
    return Error(Error::Kind::binding, "binding package name `" + package + "` is invalid: " +
                                           *problem + " (expected `namespace:name[@version]`)");
  if (!admits(cardinality, plugins.size()))
    return Error(Error::Kind::binding, "binding `" + package + "` is " +
                                           std::string(to_string(cardinality)) + " but was given " +
                                           std::to_string(plugins.size()) + " plugins");

  auto state = std::make_shared<detail::BindingState>();
  state->package = std::move(package);
  state->interfaces = std::move(interfaces);
  state->cardinality = cardinality;

  std::size_t count = 0;
  for (const auto &[name, interface] : state->interfaces) {
    auto &functions = state->slots[name];
    for (const auto &[function, declared] : interface.functions()) {
      functions.emplace(function, count++);
      state->types.push_back(declared.type);
      state->type_origins.push_back(declared.type ? "as interface `" + name + "` declares it" : "");
    }
  }

  std::sort(plugins.begin(), plugins.end(),
            [](const Plug &a, const Plug &b) { return a.id < b.id; });
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    const std::string &id = plugins[i].id;
    if (id.empty())
      return Error(Error::Kind::binding,
                   "binding `" + state->package + "` has a plugin with an empty id");
    if (i > 0 && plugins[i - 1].id == id)
      return Error(Error::Kind::binding,
                   "binding `" + state->package + "` has two plugins with id `" + id + "`");
  }

  for (const Plug &placed : plugins) {
    if (auto problem = detail::remap_problem(*state, placed))
      return Error(Error::Kind::link,
                   "plugin `" + placed.id + "` in binding `" + state->package + "` " + *problem);
    detail::PlugState plug{placed.id, detail::PluginState::share(placed.plugin), {}};
    plug.exports.reserve(count);
    for (const auto &[name, functions] : state->slots) {
      auto remap = placed.remaps.find(name);
      const Remap *interface_remap = remap == placed.remaps.end() ? nullptr : &remap->second;
      for (const auto &[function, _] : functions) {
        auto resolved = detail::resolve(*state, plug, interface_remap, name, function);
        if (!resolved)
          return resolved.err();
        const std::size_t index = plug.exports.size();
        auto &expected = state->types[index];
        const auto &found = resolved.ok_ref().type;
        if (!expected) {
          expected = found;
          state->type_origins[index] = "as plugin `" + plug.id + "` exports it";
        } else if (!same_signature(*expected, found)) {
          return Error(Error::Kind::link,
                       "plugin `" + plug.id + "` in binding `" + state->package + "`: `" +
                           state->path(name) + "`.`" + function + "` is " + type_name(found) +
                           ", expected " + type_name(*expected) + " " + state->type_origins[index]);
        }
        plug.exports.push_back(resolved.ok());
      }
    }
    state->plugs.push_back(std::move(plug));
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
  if (index == slot->second.end() || !state_->types[index->second])
    return nullptr;
  return &*state_->types[index->second];
}

std::vector<std::string> Binding::plugin_ids() const {
  std::vector<std::string> ids;
  for (const auto &plug : state_->plugs)
    ids.push_back(plug.id);
  return ids;
}

Result<DispatchResults, DispatchError> Binding::dispatch(std::string_view interface,
                                                         std::string_view function,
                                                         std::span<const Val> args) const {
  const detail::BindingState &state = *state_;
  auto slot = state.slots.find(interface);
  if (slot == state.slots.end())
    return DispatchError::invalid_interface_path(state.path(interface));
  auto index = slot->second.find(function);
  if (index == slot->second.end())
    return DispatchError::invalid_function(std::string(function));

  std::vector<PluginResult> results;
  results.reserve(state.plugs.size());
  for (const auto &plug : state.plugs)
    results.push_back(
        {plug.id, detail::call(state, plug, interface, function, plug.exports[index->second], args,
                               detail::Arguments::checked)});
  return DispatchResults(std::move(results));
}

} // namespace wasm_link
