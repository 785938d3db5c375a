// Placing plugins in a binding, when it is created and when a live change adds
// or replaces one: each plugin's exports resolved (once per component) and
// checked against the binding's interfaces, remaps, types and cardinality.
#include <wasm_link/binding.hh>

#include "binding_state.hh"
#include "shim.h"
#include "type_cache.hh"

#include <algorithm>
#include <array>

namespace wasm_link {
namespace detail {

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

// Function `interface`.`function` of the binding, which the plug exports as
// `name` in the instance `path` (after its remaps). `instance` is the type of
// that instance (looked up once per interface by the caller), if the plug
// exports one; `engine` is the plug's.
Result<Export> resolve(const BindingState &binding, const PlugState &plug,
                       const wasmtime::Engine &engine,
                       const wasmtime::component::ComponentInstanceType *instance,
                       std::string_view interface, std::string_view function,
                       const std::string &path, const std::string &name) {
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
  auto declared = instance == nullptr ? std::nullopt : instance->export_get(engine, name);
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
             .flat = nullptr,
             .bytes = std::nullopt,
             .unsupported = std::nullopt,
             .checks = nullptr,
             .lifted_async = {}};
  for (std::size_t i = 0; i < type.param_count(); ++i) {
    auto param = type.param_nth(i);
    out.params.emplace_back(std::string(param->first), std::move(param->second));
  }
  return out;
}

// What calls of `target` need beyond the call: wrapping, unwrapping, refusal,
// the flat path. The answers depend on its type only.
void classify(Export &target) {
  auto checks = std::make_shared<std::vector<TypeCheck>>();
  for (const auto &[_, type] : target.params)
    checks->emplace_back(type);
  target.checks = std::move(checks);
  const auto result = target.type.result();
  target.wraps_result = result && holds_handles(*result);
  target.flat = flat_call(target.type);
  if (target.params.size() == 1 && result)
    target.bytes = bytes_shape(target.params[0].second, *result);
  target.unsupported = result ? unsupported_part(*result) : std::nullopt;
  for (const auto &[_, type] : target.params) {
    target.unwraps_arguments = target.unwraps_arguments || holds_handles(type);
    if (!target.unsupported)
      target.unsupported = unsupported_part(type);
  }
}

} // namespace

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
// `adding` is the binding being created, for its first plug; null for later
// plugs, and for a live change's, as consumers may have linked to the
// binding's resources. `type` is the plug's component's, `engine` its engine.
static std::shared_ptr<const ResourceNames>
resource_names(const BindingState &binding, BindingState *adding, const wasmtime::Engine &engine,
               const wasmtime::component::ComponentType &type,
               const std::map<std::string, Remap, std::less<>> &remaps) {
  auto names = std::make_shared<ResourceNames>();
  const bool first = adding != nullptr;
  if (!first && binding.resources.empty())
    return names;
  for (const auto &[interface, _] : binding.interfaces) {
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
        adding->interfaces.find(interface)->second.resource(std::string(name));
        adding->resources.push_back({interface, std::string(name), fresh_host_type()});
        index = adding->resources.size() - 1;
      }
      if (auto same = names->find(entry.resource()))
        adding->resources[*index].host_type = adding->resources[*same].host_type;
      names->add(entry.resource(), *index);
    }
  }
  return names;
}

} // namespace detail

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

} // namespace

namespace detail {

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

} // namespace detail

namespace {

using Remaps = std::map<std::string, Remap, std::less<>>;

bool same_remaps(const Remaps &a, const Remaps &b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto &x, const auto &y) {
    return x.first == y.first && x.second.as == y.second.as &&
           x.second.functions == y.second.functions;
  });
}

// The exports one Placement has resolved, by component and remaps: the
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

// Places plugs in a binding: all of them when it is created, or the one a live
// change adds. Nothing of the binding changes until commit(), so a refused
// change leaves it as it was.
class Placement {
public:
  // `creating`: the binding being created, whose first plug may add resources
  // to it; null for a change.
  Placement(const detail::BindingState &state, detail::BindingState *creating)
      : state_(state), creating_(creating) {}

  // The plug, its exports as an earlier plug of the same component and remaps
  // had them resolved, or resolved now. Function handles are left for the
  // first calls to resolve (FuncHandle).
  Result<detail::PlugState> place(const Plug &placed, std::uint32_t key);
  // Fixes in the binding the types the placed plugs fixed.
  void commit();

private:
  // The type function `index` must have: fixed by a plug placed here, or by
  // the binding; null while neither fixed it.
  const detail::ExpectedType *expected(std::size_t index) const {
    if (auto staged = staged_.find(index); staged != staged_.end())
      return &staged->second;
    const detail::ExpectedType &own = state_.expected[index];
    return own.fixed() ? &own : nullptr;
  }
  std::optional<Error> check_export(const std::string &id,
                                    const std::shared_ptr<const detail::ResourceNames> &names,
                                    std::size_t index, const std::string &interface,
                                    const std::string &function, const detail::Export &placed);
  Result<std::shared_ptr<const detail::ComponentExports>> resolve_exports(const detail::PlugState &,
                                                                          const Plug &);

  const detail::BindingState &state_;
  detail::BindingState *creating_;
  bool placed_any_ = false;
  std::map<std::size_t, detail::ExpectedType> staged_;
  PlacedComponents components_;
};

// Checks one export of function `index`, as the component of plugin `id`
// exports it, against the binding's type (which the first plugin fixes when no
// interface declared it), and says what is wrong about it.
std::optional<Error>
Placement::check_export(const std::string &id,
                        const std::shared_ptr<const detail::ResourceNames> &names,
                        std::size_t index, const std::string &interface,
                        const std::string &function, const detail::Export &placed) {
  if (const detail::ExpectedType *fixed = expected(index); fixed == nullptr) {
    staged_[index].fix(placed.type, "as plugin `" + id + "` exports it", names);
  } else if (!detail::equivalent(*fixed->type, fixed->names.get(), fixed->handles, placed.type,
                                 names.get())) {
    return Error(
        Error::Kind::link,
        detail::in_binding(state_, id) + ": `" + state_.path(interface) + "`.`" + function +
            "` is " + detail::named_type(state_, interface, placed.type, std::array{names.get()}) +
            ", expected " +
            detail::named_type(state_, interface, *fixed->type, std::array{fixed->names.get()}) +
            " " + fixed->origin);
  }
  return std::nullopt;
}

// Resolves every function of the binding in the plug's component, with the
// remaps it is placed with, and checks them against the binding. A function
// the type cache knows is not resolved again.
Result<std::shared_ptr<const detail::ComponentExports>>
Placement::resolve_exports(const detail::PlugState &plug, const Plug &placed) {
  if (auto problem = detail::remap_problem(state_, placed))
    return Error(Error::Kind::link, detail::in_binding(state_, placed.id) + " " + *problem);
  auto exports = std::make_shared<detail::ComponentExports>();
  const auto &component = plug.plugin->component;
  const auto component_type = component.type();
  const auto engine = plug.plugin->engine(); // one handle for all the lookups below
  detail::TypeCache &cache = detail::TypeCache::shared();
  exports->names = detail::resource_names(state_, placed_any_ ? nullptr : creating_, engine,
                                          component_type, placed.remaps);
  exports->functions.reserve(state_.expected.size());
  for (const auto &[name, functions] : state_.slots) {
    auto remap = placed.remaps.find(name);
    const Remap *interface_remap = remap == placed.remaps.end() ? nullptr : &remap->second;
    // The instance's type, looked up when a function is not in the cache.
    std::optional<std::optional<wasmtime::component::ComponentItem>> instance_item;
    for (const auto &[function, index] : functions) {
      const auto [path, export_name] =
          detail::exported_names(state_, interface_remap, name, function);
      auto known = cache.function(component, path, export_name);
      if (!known) {
        if (!instance_item)
          instance_item = component_type.export_get(engine, path);
        const auto *instance = *instance_item && (*instance_item)->is_component_instance()
                                   ? &(*instance_item)->component_instance()
                                   : nullptr;
        auto resolved =
            detail::resolve(state_, plug, engine, instance, name, function, path, export_name);
        if (!resolved)
          return resolved.err();
        detail::classify(resolved.ok_ref());
        cache.remember(component, path, export_name, resolved.ok_ref());
        known = std::move(resolved.ok_ref());
      }
      known->metadata = state_.interfaces.find(name)->second.find(function);
      if (auto problem = check_export(plug.id, exports->names, index, name, function, *known))
        return *problem;
      exports->functions.push_back(std::move(*known));
    }
  }
  return std::shared_ptr<const detail::ComponentExports>(std::move(exports));
}

Result<detail::PlugState> Placement::place(const Plug &placed, std::uint32_t key) {
  detail::PlugState plug{.id = state_.intern(placed.id),
                         .key = key,
                         .plugin = detail::PluginState::share(placed.plugin),
                         .exports = {},
                         .funcs = {}};
  const void *image = wasm_link_component_image_start(plug.plugin->component.capi());
  plug.exports = components_.find(image, placed.remaps);
  if (!plug.exports) {
    auto resolved = resolve_exports(plug, placed);
    if (!resolved)
      return resolved.err();
    plug.exports = std::move(resolved.ok_ref());
    components_.add(image, placed.remaps, plug.exports);
  }
  placed_any_ = true;
  plug.funcs = std::make_unique<detail::FuncHandle[]>(plug.exports->functions.size());
  return plug;
}

void Placement::commit() {
  for (const auto &[index, fixed] : staged_)
    state_.expected[index].fix(*fixed.type, fixed.origin, fixed.names);
  staged_.clear();
}

// The binding's store for the host's handles, made once it has resources and a
// plugin whose engine can make it.
std::optional<Error> ready_host(const detail::BindingState &state, const wasmtime::Engine &engine) {
  if (state.resources.empty() || state.host() != nullptr)
    return std::nullopt;
  auto host = detail::HostHandles::create(engine, state.resources);
  if (!host)
    return host.err();
  state.set_host(std::move(host.ok_ref()));
  return std::nullopt;
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
  Placement placement(*state, state.get());
  std::vector<detail::PlugState> plugs;
  plugs.reserve(plugins.size());
  for (const Plug *placed : sorted.ok_ref()) {
    auto plug = placement.place(*placed, state->fresh_key());
    if (!plug)
      return plug.err();
    plugs.push_back(std::move(plug.ok_ref()));
  }
  placement.commit();
  if (!plugs.empty())
    if (auto problem = ready_host(*state, plugs.front().plugin->engine()))
      return *problem;
  state->publish(std::make_unique<const detail::Roster>(std::move(plugs)));
  return Binding(std::move(state));
}

// Live changes ---------------------------------------------------------------

namespace {

enum class Change { add, remove, replace };

// Makes one change to the binding's plugins: checks it as Binding::create
// would, publishes the roster after it, and retires the one before, whose
// plug that left has its handles released once no call runs in the roster.
Result<std::monostate> change(const std::shared_ptr<const detail::BindingState> &binding,
                              Change kind, const Plug *incoming, std::string_view id) {
  const detail::BindingState &state = *binding;
  // Opened before the lock and closed after it: closing it may release the
  // roster this change retires, which runs destructors in its plugin.
  const detail::ReadSection section;
  std::lock_guard lock(state.change_mutex);
  const detail::Roster &now = state.roster(section);
  const std::string named = "binding `" + state.package + "`";
  if (incoming != nullptr && id.empty())
    return Error(Error::Kind::binding, named + " cannot take a plugin with an empty id");
  const detail::PlugState *leaving = now.by_id(id);
  if (kind == Change::add && leaving != nullptr)
    return Error(Error::Kind::binding,
                 named + " already has a plugin with id `" + std::string(id) + "`");
  if (kind != Change::add && leaving == nullptr)
    return Error(Error::Kind::binding, named + " has no plugin `" + std::string(id) + "`");
  std::size_t count = now.plugs.size();
  if (kind == Change::add)
    ++count;
  else if (kind == Change::remove)
    --count;
  if (!admits(state.cardinality, count))
    return Error(Error::Kind::binding,
                 named + " is " + std::string(to_string(state.cardinality)) + ": " +
                     (kind == Change::add ? "adding" : "removing") + " plugin `" + std::string(id) +
                     "` would leave it with " + std::to_string(count) + " plugins");

  std::optional<detail::PlugState> arriving;
  if (incoming != nullptr) {
    Placement placement(state, nullptr);
    auto placed = placement.place(*incoming, state.fresh_key());
    if (!placed)
      return placed.err();
    if (auto problem = ready_host(state, placed.ok_ref().plugin->engine()))
      return *problem;
    placement.commit();
    arriving.emplace(std::move(placed.ok_ref()));
  }

  std::vector<detail::PlugState> plugs;
  plugs.reserve(count);
  for (const detail::PlugState &plug : now.plugs) {
    if (arriving && arriving->id < plug.id && (plugs.empty() || plugs.back().id < arriving->id))
      plugs.push_back(std::move(*arriving));
    if (&plug != leaving)
      plugs.push_back(plug.carried());
  }
  if (arriving && (plugs.empty() || plugs.back().id < arriving->id))
    plugs.push_back(std::move(*arriving));

  // Recorded first: a reader of the new roster may meet the leaving plug's handles.
  std::optional<std::uint32_t> left;
  if (leaving != nullptr) {
    left = leaving->key;
    state.gone(leaving->key, {leaving->id, kind == Change::remove ? "was removed" : "was replaced",
                              leaving->plugin});
  }
  // Readers may hold the roster before, and calls run in its plugins: it goes
  // once they are done, and with it, the handles of the plug that left.
  auto before = std::shared_ptr<const detail::Roster>(
      state.publish(std::make_unique<const detail::Roster>(std::move(plugs))));
  detail::retire([binding, before, left] {
    if (left)
      detail::release_handles(*binding, *before->by_key(*left));
  });
  return std::monostate();
}

} // namespace

Result<std::monostate> Binding::add(Plug plug) const {
  return change(state_, Change::add, &plug, plug.id);
}

Result<std::monostate> Binding::remove(std::string_view id) const {
  return change(state_, Change::remove, nullptr, id);
}

Result<std::monostate> Binding::replace(Plug plug) const {
  return change(state_, Change::replace, &plug, plug.id);
}

} // namespace wasm_link
