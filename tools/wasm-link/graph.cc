#include "graph.hh"

#include "output.hh"
#include <wasm_link/files.hh>

#include <iostream>
#include <mutex>

namespace wasm_link::tool {
namespace {

// The interfaces of `package` that `component` exports (after `remaps`), read
// from its own types, keyed by the binding's interface names.
Result<Binding::Interfaces> interfaces_of(const wasmtime::Engine &engine,
                                          const wasmtime::component::Component &component,
                                          const std::string &package,
                                          const std::map<std::string, Remap, std::less<>> &remaps) {
  const auto at = package.find('@');
  const std::string prefix = package.substr(0, at) + "/";
  const std::string suffix = at == std::string::npos ? "" : package.substr(at);
  Binding::Interfaces out;
  const auto type = component.type();
  for (std::size_t i = 0; i < type.export_count(engine); ++i) {
    const std::string name(type.export_nth(engine, i)->first);
    if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string interface =
        name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (remaps.contains(interface) && !remaps.find(interface)->second.as.empty())
      continue; // exported under another name: read below
    auto read = Interface::from_component(engine, component, name);
    if (!read)
      return read.err();
    out.emplace(interface, read.ok());
  }
  for (const auto &[interface, remap] : remaps) {
    const std::string exported = remap.as.empty() ? prefix + interface + suffix
                                 : remap.as.find(':') == std::string::npos
                                     ? prefix + remap.as + suffix
                                     : remap.as;
    auto read = Interface::from_component(engine, component, exported);
    if (!read)
      return read.err();
    // Back to the binding's function names.
    Interface::Functions functions = read.ok_ref().functions();
    for (const auto &[requested, name] : remap.functions) {
      auto node = functions.extract(name);
      if (!node.empty()) {
        node.key() = requested;
        functions.insert(std::move(node));
      }
    }
    out.insert_or_assign(interface, Interface(std::move(functions), read.ok_ref().resources()));
  }
  return out;
}

// The interfaces of a binding with WIT, once every plugin is found to export
// each of their functions as the WIT declares it. Function types stay empty:
// Binding::create takes them from the first plugin's instance, whose resource
// types are the ones its calls carry.
Result<Binding::Interfaces, std::string> interfaces_from_wit(
    const wasmtime::Engine &engine, const Manifest &m, const BindingSpec &spec,
    const std::map<std::string, wasmtime::component::Component, std::less<>> &components) {
  Binding::Interfaces out;
  for (const wit::Interface &interface : spec.wit->interfaces)
    out.emplace(interface.name, wit::binding_interface(interface));
  for (const std::string &id : spec.plugins) {
    auto exported = interfaces_of(engine, components.find(id)->second, spec.package,
                                  m.plugins.find(id)->second.remaps);
    if (!exported)
      return "plugin `" + id + "`: " + exported.err().message();
    for (const wit::Interface &interface : spec.wit->interfaces) {
      const auto functions = wit::exported_functions(interface);
      if (functions.empty())
        continue; // types only: nothing to export
      auto found = exported.ok_ref().find(interface.name);
      if (found == exported.ok_ref().end())
        return "plugin `" + id + "` does not export interface `" + interface.name +
               "`, which the WIT declares (" + wit::to_string(interface.location) + ")";
      for (const wit::Function *function : functions) {
        const std::string name = function->component_name();
        const std::string where = "`" + interface.name + "`.`" + name + "`";
        const std::string at = " (" + wit::to_string(function->location) + ")";
        const Function *export_ = found->second.find(name);
        if (export_ == nullptr)
          return "plugin `" + id + "` does not export " + where + ", which the WIT declares" + at;
        if (!wit::matches(*function, *export_->type))
          return "plugin `" + id + "`: " + where + " is " + type_name(*export_->type) +
                 ", but the WIT declares " + wit::to_string(*function) + at;
      }
    }
  }
  return out;
}

Limits limits_of(const PluginSpec &spec, const DefaultLimits &defaults) {
  Limits limits;
  limits.initial_fuel = spec.initial_fuel;
  if (spec.fuel_per_call)
    limits.fuel_per_call = [fuel = *spec.fuel_per_call](const CallSite &) {
      return std::optional<std::uint64_t>(fuel);
    };
  if (auto timeout = spec.timeout_ms.value_or(defaults.timeout_ms))
    limits.timeout = std::chrono::milliseconds(timeout);
  limits.max_memory_bytes = spec.max_memory_bytes;
  if (!limits.max_memory_bytes && defaults.max_memory_bytes > 0)
    limits.max_memory_bytes = defaults.max_memory_bytes;
  limits.max_table_elements = spec.max_table_elements;
  limits.max_instances = spec.max_instances;
  limits.max_tables = spec.max_tables;
  limits.max_memories = spec.max_memories;
  if (auto bytes = spec.max_result_bytes.value_or(defaults.max_result_bytes); bytes > 0)
    limits.max_result_bytes = static_cast<std::size_t>(bytes);
  return limits;
}

// A manifest's "inherit" means the command's stderr, line by line.
WasiGrant grant_of(const WasiGrant &declared) {
  WasiGrant grant = declared;
  for (WasiOutput *output : {&grant.stdout_to, &grant.stderr_to})
    if (output->kind() == WasiOutput::Kind::inherit)
      *output = WasiOutput::lines(print_plugin_line);
  return grant;
}

} // namespace

void print_plugin_line(std::string_view id, std::string_view, std::string_view line) {
  // A plugin's text reaches a terminal: control characters (escape sequences
  // among them) are shown, not sent.
  std::string out = "[" + std::string(id) + "] ";
  for (unsigned char c : line) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      static constexpr char digits[] = "0123456789abcdef";
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '\n';
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::cerr << out << std::flush;
}

Result<PluginInstance, GraphError> link_plugin(Graph &graph, const std::string &manifest,
                                               const std::string &id, const PluginSpec &spec,
                                               const wasmtime::component::Component &component,
                                               const DefaultLimits &defaults) {
  std::vector<Binding> sockets;
  for (const auto &socket : spec.sockets)
    sockets.push_back(graph.bindings.find(socket)->second);
  auto plugin = Plugin(component);
  plugin.with_limits(limits_of(spec, defaults));
  if (spec.wasi)
    plugin.with_wasi(grant_of(*spec.wasi));
  auto instance =
      std::move(plugin).link(graph.engine, wasmtime::component::Linker(graph.engine), sockets);
  if (!instance) {
    const Error &error = instance.err_ref();
    if (error.kind() == Error::Kind::config)
      return GraphError{Exit::usage, manifest + ": plugins." + id + ".limits: " + error.message()};
    return GraphError{Exit::load, "plugin `" + id + "`: " + error.message()};
  }
  return instance.ok();
}

bool uses_async(const std::filesystem::path &component, const LoadOptions &load) {
  auto bytes = read_regular_file(component, load.max_file_bytes);
  return bytes && needs_concurrency(bytes.ok_ref());
}

namespace {

// A graph with nothing in it yet, with an engine that has concurrency support,
// fuel metering and epochs only where some plugin needs them: each costs every
// call into every plugin of the engine.
Graph empty_graph(const Manifest &m, const DefaultLimits &defaults, const LoadOptions &load) {
  std::set<std::string, std::less<>> async_plugins;
  for (const auto &[id, plugin] : m.plugins)
    if (uses_async(plugin.component, load))
      async_plugins.insert(id);
  wasmtime::Config config = async_plugins.empty() ? default_config() : concurrent_config();
  bool fuel = false, epochs = false;
  for (const auto &[_, plugin] : m.plugins) {
    fuel = fuel || plugin.initial_fuel || plugin.fuel_per_call;
    epochs = epochs || plugin.timeout_ms.value_or(defaults.timeout_ms) > 0;
  }
  config.consume_fuel(fuel);
  config.epoch_interruption(epochs);
  return Graph{wasmtime::Engine(std::move(config)), {}, {}, std::move(async_plugins)};
}

// Builds a manifest's graph: plugins in socket order, each binding once its
// plugins are instantiated.
class GraphBuilder {
public:
  GraphBuilder(const Manifest &m, const DefaultLimits &defaults, const LoadOptions &load)
      : m_(m), defaults_(defaults), file_(m.file.string()), graph_(empty_graph(m, defaults, load)) {
  }

  Result<Graph, GraphError> build(const LoadOptions &load) {
    for (const auto &[id, plugin] : m_.plugins) {
      auto component = load_component(graph_.engine, plugin.component, load);
      if (!component)
        return GraphError{Exit::load, "plugin `" + id + "`: " + component.err().message()};
      components_.emplace(id, component.ok());
    }
    for (const auto &id : m_.order)
      if (auto failed = plugin(id))
        return *failed;
    for (const auto &[name, _] : m_.bindings)
      if (auto failed = binding(name))
        return *failed;
    return std::move(graph_);
  }

private:
  // What only the components can tell (an export missing or of another type)
  // still names the manifest's key that asked for it.
  GraphError component_error(const std::string &key, const std::string &what) const {
    return GraphError{Exit::load, file_ + ": " + key + ": " + what};
  }

  // The binding's interfaces: from its WIT, else from its first plugin's types.
  Result<Binding::Interfaces, GraphError> interfaces(const std::string &name,
                                                     const BindingSpec &spec) const {
    const std::string key = "bindings." + name + ".plugins";
    if (spec.wit) {
      auto read = interfaces_from_wit(graph_.engine, m_, spec, components_);
      if (!read)
        return component_error(key, read.err());
      return read.ok();
    }
    if (spec.plugins.empty())
      return Binding::Interfaces{};
    const std::string &first = spec.plugins.front();
    auto read = interfaces_of(graph_.engine, components_.find(first)->second, spec.package,
                              m_.plugins.find(first)->second.remaps);
    if (!read)
      return component_error(key, "plugin `" + first + "`: " + read.err().message());
    if (read.ok_ref().empty())
      return component_error(key, "plugin `" + first + "` exports no interface of `" +
                                      spec.package + "` (it exports no instance named `" +
                                      spec.package.substr(0, spec.package.find('@')) + "/...`)");
    return read.ok();
  }

  std::optional<GraphError> binding(const std::string &name) {
    if (graph_.bindings.contains(name))
      return std::nullopt;
    const BindingSpec &spec = m_.bindings.find(name)->second;
    auto read = interfaces(name, spec);
    if (!read)
      return read.err();
    Binding::Plugs plugs;
    for (const auto &id : spec.plugins)
      plugs.push_back({id, graph_.plugins.find(id)->second, m_.plugins.find(id)->second.remaps});
    auto made =
        Binding::create(spec.package, std::move(read.ok_ref()), spec.cardinality, std::move(plugs));
    if (!made)
      return component_error("bindings." + name, made.err().message());
    graph_.bindings.emplace(name, made.ok());
    return std::nullopt;
  }

  std::optional<GraphError> plugin(const std::string &id) {
    const PluginSpec &spec = m_.plugins.find(id)->second;
    for (const auto &socket : spec.sockets)
      if (auto failed = binding(socket))
        return failed;
    auto instance = link_plugin(graph_, file_, id, spec, components_.find(id)->second, defaults_);
    if (!instance)
      return instance.err();
    graph_.plugins.emplace(id, instance.ok());
    return std::nullopt;
  }

  const Manifest &m_;
  const DefaultLimits &defaults_;
  const std::string file_;
  Graph graph_;
  std::map<std::string, wasmtime::component::Component, std::less<>> components_;
};

} // namespace

Result<Graph, GraphError> build_graph(const Manifest &m, const LoadOptions &load,
                                      const DefaultLimits &defaults) {
  return GraphBuilder(m, defaults, load).build(load);
}

} // namespace wasm_link::tool

namespace wasm_link::tool {
namespace {

// `ns:pkg/name[@version]` -> (`ns:pkg`, `name`, `@version` or empty); nothing
// for an export that is no interface of a package.
struct ExportedInterface {
  std::string export_name, package, interface, version;
};
std::optional<ExportedInterface> exported_interface(std::string_view name) {
  const auto slash = name.find('/');
  if (slash == std::string_view::npos || name.substr(0, slash).find(':') == std::string_view::npos)
    return std::nullopt;
  const auto at = name.find('@', slash);
  const auto end = at == std::string_view::npos ? name.size() : at;
  return ExportedInterface{std::string(name), std::string(name.substr(0, slash)),
                           std::string(name.substr(slash + 1, end - slash - 1)),
                           std::string(name.substr(end))};
}

} // namespace

Result<Graph, GraphError> build_single(const std::filesystem::path &file,
                                       std::string_view interface, const LoadOptions &load,
                                       const DefaultLimits &defaults) {
  const bool concurrent = uses_async(file, load);
  wasmtime::Config config = concurrent ? concurrent_config() : default_config();
  config.epoch_interruption(defaults.timeout_ms > 0);
  Graph graph{wasmtime::Engine(std::move(config)), {}, {}, {}};
  auto component = load_component(graph.engine, file, load);
  if (!component)
    return GraphError{Exit::load, component.err().message()};

  // `interface` alone, or qualified by its package (`ns:pkg/name`).
  const auto slash = interface.rfind('/');
  const std::string_view package =
      slash == std::string_view::npos ? "" : interface.substr(0, slash);
  const std::string_view name = interface.substr(slash == std::string_view::npos ? 0 : slash + 1);
  std::vector<ExportedInterface> found;
  std::vector<std::string> exported;
  const auto type = component.ok_ref().type();
  for (std::size_t i = 0; i < type.export_count(graph.engine); ++i) {
    auto [export_name, item] = *type.export_nth(graph.engine, i);
    auto candidate = exported_interface(export_name);
    if (!candidate || !item.is_component_instance())
      continue;
    exported.push_back(
        package.empty() ? candidate->interface : candidate->package + "/" + candidate->interface);
    if (candidate->interface == name && (package.empty() || candidate->package == package))
      found.push_back(std::move(*candidate));
  }
  const std::string what = "`" + file.string() + "`";
  if (found.empty())
    return GraphError{Exit::usage, what + " exports no interface `" + std::string(interface) + "`" +
                                       alternatives(interface, exported, "it exports")};
  if (found.size() > 1)
    return GraphError{Exit::usage, what + " exports `" + std::string(name) + "` from `" +
                                       found[0].export_name + "` and `" + found[1].export_name +
                                       "`: name the package, as in `" + found[0].package + "/" +
                                       found[0].interface + ".<function>`"};
  const ExportedInterface &chosen = found.front();

  auto read = Interface::from_component(graph.engine, component.ok_ref(), chosen.export_name);
  if (!read)
    return GraphError{Exit::load, read.err().message()};
  const std::string id = file.stem().string();
  auto plugin = Plugin(component.ok()).with_limits(limits_of(PluginSpec{}, defaults));
  auto instance =
      std::move(plugin).link(graph.engine, wasmtime::component::Linker(graph.engine), {});
  if (!instance)
    return GraphError{Exit::load, "plugin `" + id + "`: " + instance.err().message()};
  auto binding = Binding::create(chosen.package + chosen.version, {{chosen.interface, read.ok()}},
                                 Cardinality::exactly_one, {Plug{id, instance.ok(), {}}});
  if (!binding)
    return GraphError{Exit::load, binding.err().message()};
  graph.plugins.emplace(id, instance.ok());
  if (concurrent)
    graph.async_plugins.insert(id);
  graph.bindings.emplace(chosen.package, binding.ok());
  return graph;
}

} // namespace wasm_link::tool
