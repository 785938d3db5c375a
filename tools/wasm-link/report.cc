// `wasm-link check`, `graph` and `inspect`: what a graph or a component is made
// of, as text or (check, inspect) as JSON.
#include "commands.hh"
#include "json.hh"
#include "output.hh"

#include <iostream>

namespace wasm_link::tool {
namespace {

// A binding function's signature: from the plugins' types, else from the WIT.
std::string signature(const Binding &binding, const BindingSpec &spec, const std::string &interface,
                      const std::string &function) {
  if (auto known = binding.signature(interface, function))
    return *known;
  if (spec.wit)
    if (const wit::Interface *declared = spec.wit->find_interface(interface))
      for (const wit::Function *candidate : wit::exported_functions(*declared))
        if (candidate->component_name() == function)
          return wit::to_string(*candidate);
  return "(no type: no plugin and no WIT)";
}

void print_check(const Manifest &m, const Graph &graph) {
  std::cout << "manifest " << m.file.string() << ": ok\n";
  std::cout << "plugins (" << m.plugins.size() << "):\n";
  for (const auto &[id, plugin] : m.plugins) {
    std::cout << "  " << id << ": " << plugin.component.filename().string();
    if (!plugin.sockets.empty()) {
      std::cout << ", sockets:";
      for (const auto &socket : plugin.sockets)
        std::cout << " " << socket;
    }
    std::cout << (graph.async_plugins.contains(id) ? ", async" : "") << "\n";
    if (!plugin.wasi) {
      std::cout << "    wasi: none\n";
      continue;
    }
    std::cout << "    wasi " << wasi_version() << ":\n";
    for (const std::string &line : describe(*plugin.wasi))
      std::cout << "      " << line << "\n";
  }
  std::cout << "bindings (" << m.bindings.size() << "):\n";
  for (const auto &[name, spec] : m.bindings) {
    const Binding &binding = graph.bindings.find(name)->second;
    std::cout << "  " << name << ": " << spec.package << ", " << to_string(spec.cardinality)
              << ", plugins:";
    for (const auto &id : binding.plugin_ids())
      std::cout << " " << id;
    if (spec.plugins.empty())
      std::cout << " (none)";
    std::cout << ", interfaces:";
    for (const auto &[interface, _] : binding.interfaces())
      std::cout << " " << interface;
    std::cout << "\n";
    for (const auto &[interface, declared] : binding.interfaces())
      for (const auto &[function, _] : declared.functions())
        std::cout << "    " << interface << "." << function << ": "
                  << signature(binding, spec, interface, function) << "\n";
  }
}

void print_check_json(const Manifest &m, const Graph &graph) {
  json::Array plugins;
  for (const auto &[id, plugin] : m.plugins) {
    json::Array sockets, grants;
    for (const auto &socket : plugin.sockets)
      sockets.add(socket);
    json::Value wasi = nullptr;
    if (plugin.wasi) {
      for (const std::string &line : describe(*plugin.wasi))
        grants.add(line);
      wasi = json::Object{{"version", wasi_version()}, {"grants", grants}};
    }
    plugins.add(json::Object{{"id", id},
                             {"component", plugin.component.filename().string()},
                             {"sockets", sockets},
                             {"async", graph.async_plugins.contains(id)},
                             {"wasi", wasi}});
  }
  json::Array bindings;
  for (const auto &[name, spec] : m.bindings) {
    const Binding &binding = graph.bindings.find(name)->second;
    json::Array ids, interfaces;
    for (const auto &id : binding.plugin_ids())
      ids.add(id);
    for (const auto &[interface, declared] : binding.interfaces()) {
      json::Array functions;
      for (const auto &[function, _] : declared.functions())
        functions.add(json::Object{{"name", function},
                                   {"type", signature(binding, spec, interface, function)}});
      interfaces.add(json::Object{{"name", interface}, {"functions", functions}});
    }
    bindings.add(json::Object{{"name", name},
                              {"package", spec.package},
                              {"cardinality", to_string(spec.cardinality)},
                              {"plugins", ids},
                              {"interfaces", interfaces}});
  }
  std::cout << json::Object{{"manifest", m.file.string()},
                            {"plugins", plugins},
                            {"bindings", bindings}}
                   .text()
            << "\n";
}

// DOT identifiers: quoted, with quotes and backslashes escaped and newlines as
// DOT's `\n`.
std::string dot_id(const std::string &name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

// The names a component gives its resource types: each instance's resources,
// imported or exported, and its own top-level ones.
ResourceNamer resource_names(const wasmtime::Engine &engine,
                             const wasmtime::component::ComponentType &type) {
  auto known =
      std::make_shared<std::vector<std::pair<wasmtime::component::ResourceType, std::string>>>();
  auto add = [&](std::string_view name, const wasmtime::component::ComponentItem &item) {
    if (item.is_resource())
      known->emplace_back(item.resource(), std::string(name));
    if (!item.is_component_instance())
      return;
    const auto &instance = item.component_instance();
    for (std::size_t i = 0; i < instance.export_count(engine); ++i) {
      auto [member, member_item] = *instance.export_nth(engine, i);
      if (member_item.is_resource())
        known->emplace_back(member_item.resource(), std::string(member));
    }
  };
  for (std::size_t i = 0; i < type.import_count(engine); ++i) {
    auto [name, item] = *type.import_nth(engine, i);
    add(name, item);
  }
  for (std::size_t i = 0; i < type.export_count(engine); ++i) {
    auto [name, item] = *type.export_nth(engine, i);
    add(name, item);
  }
  return [known](const wasmtime::component::ResourceType &resource) -> std::optional<std::string> {
    for (const auto &[candidate, name] : *known)
      if (candidate == resource)
        return name;
    return std::nullopt;
  };
}

std::string_view item_kind(const wasmtime::component::ComponentItem &item) {
  if (item.is_component_instance())
    return "instance";
  if (item.is_component_func())
    return "func";
  if (item.is_resource())
    return "resource";
  if (item.is_type())
    return "type";
  if (item.is_module())
    return "module";
  if (item.is_component())
    return "component";
  return "core func";
}

// One import or export of a component, as WIT-like text.
void describe_text(const wasmtime::Engine &engine, const ResourceNamer &names,
                   std::string_view direction, std::string_view name,
                   const wasmtime::component::ComponentItem &item) {
  if (item.is_component_func()) {
    std::cout << direction << " " << name << ": " << type_name(item.component_func(), names)
              << ";\n";
    return;
  }
  if (!item.is_component_instance()) {
    std::cout << direction << " " << name << ";\n";
    return;
  }
  std::cout << direction << " " << name << " {\n";
  const auto &instance = item.component_instance();
  for (std::size_t i = 0; i < instance.export_count(engine); ++i) {
    auto [member, member_item] = *instance.export_nth(engine, i);
    if (member_item.is_component_func())
      std::cout << "  " << member << ": " << type_name(member_item.component_func(), names)
                << ";\n";
    else if (member_item.is_resource())
      std::cout << "  resource " << member << ";\n";
    else if (member_item.is_type())
      std::cout << "  type " << member << " = " << type_name(member_item.type(), names) << ";\n";
  }
  std::cout << "}\n";
}

json::Object describe_json(const wasmtime::Engine &engine, const ResourceNamer &names,
                           std::string_view name, const wasmtime::component::ComponentItem &item) {
  json::Object out{{"name", name}, {"kind", item_kind(item)}};
  if (item.is_component_func())
    out.add("type", type_name(item.component_func(), names));
  if (!item.is_component_instance())
    return out;
  json::Array functions, resources, types;
  const auto &instance = item.component_instance();
  for (std::size_t i = 0; i < instance.export_count(engine); ++i) {
    auto [member, member_item] = *instance.export_nth(engine, i);
    if (member_item.is_component_func())
      functions.add(
          json::Object{{"name", member}, {"type", type_name(member_item.component_func(), names)}});
    else if (member_item.is_resource())
      resources.add(member);
    else if (member_item.is_type())
      types.add(json::Object{{"name", member}, {"type", type_name(member_item.type(), names)}});
  }
  return out.add("functions", functions).add("resources", resources).add("types", types);
}

} // namespace

int check(const std::string &file, const Options &options) {
  auto manifest = read_manifest(file);
  if (!manifest)
    return fail(Exit::usage, manifest.err());
  Timer timer(options.time);
  auto built = build_graph(manifest.ok_ref(), options.load, options.defaults);
  timer.lap("load, compile, link and instantiate");
  if (!built)
    return fail(built.err_ref().exit, built.err_ref().message);
  const Graph &graph = keep(std::move(built.ok_ref()));
  if (options.json)
    print_check_json(manifest.ok_ref(), graph);
  else
    print_check(manifest.ok_ref(), graph);
  return Exit::ok;
}

int graph(const std::string &file) {
  auto manifest = read_manifest(file);
  if (!manifest)
    return fail(Exit::usage, manifest.err());
  const Manifest &m = manifest.ok_ref();
  std::cout << "digraph wasm_link {\n  rankdir=BT;\n";
  for (const auto &[id, plugin] : m.plugins)
    std::cout << "  " << dot_id("plugin:" + id) << " [shape=box, label=" << dot_id(id) << "];\n";
  for (const auto &[name, binding] : m.bindings)
    std::cout << "  " << dot_id("binding:" + name)
              << " [shape=ellipse, label=" << dot_id(name + "\n" + binding.package) << "];\n";
  for (const auto &[name, binding] : m.bindings)
    for (const auto &id : binding.plugins)
      std::cout << "  " << dot_id("plugin:" + id) << " -> " << dot_id("binding:" + name)
                << " [label="
                << dot_id("plugs (" + std::string(to_string(binding.cardinality)) + ")") << "];\n";
  for (const auto &[id, plugin] : m.plugins)
    for (const auto &socket : plugin.sockets)
      std::cout << "  " << dot_id("binding:" + socket) << " -> " << dot_id("plugin:" + id)
                << " [style=dashed, label="
                << dot_id("socket (" +
                          std::string(to_string(m.bindings.find(socket)->second.cardinality)) + ")")
                << "];\n";
  std::cout << "}\n";
  return Exit::ok;
}

int inspect(const std::string &file, const Options &options) {
  wasmtime::Engine engine(uses_async(file, options.load) ? concurrent_config() : default_config());
  auto component = load_component(engine, file, options.load);
  if (!component)
    return fail(Exit::load, component.err().message());
  const auto type = component.ok_ref().type();
  const ResourceNamer names = resource_names(engine, type);
  json::Array imports, exports;
  for (std::size_t i = 0; i < type.import_count(engine); ++i) {
    auto [name, item] = *type.import_nth(engine, i);
    if (options.json)
      imports.add(describe_json(engine, names, name, item));
    else
      describe_text(engine, names, "import", name, item);
  }
  for (std::size_t i = 0; i < type.export_count(engine); ++i) {
    auto [name, item] = *type.export_nth(engine, i);
    if (options.json)
      exports.add(describe_json(engine, names, name, item));
    else
      describe_text(engine, names, "export", name, item);
  }
  if (options.json)
    std::cout
        << json::Object{{"component", file}, {"imports", imports}, {"exports", exports}}.text()
        << "\n";
  return Exit::ok;
}

} // namespace wasm_link::tool
