// `wasm-link call`: one function of one binding, in every plugin of it or in one.
#include "commands.hh"
#include "json.hh"
#include "output.hh"

#include <chrono>
#include <iostream>

namespace wasm_link::tool {
namespace {

// A target: `<binding>/<interface>.<function>` of a manifest, or
// `[<package>/]<interface>.<function>` of a component.
struct Target {
  std::string binding, interface, function;
};

bool is_manifest(const std::string &file) {
  return std::filesystem::path(file).extension() == ".toml";
}

std::optional<Target> manifest_target(const std::string &target) {
  const auto slash = target.find('/');
  if (slash == std::string::npos)
    return std::nullopt;
  const auto dot = target.find('.', slash);
  if (dot == std::string::npos)
    return std::nullopt;
  return Target{target.substr(0, slash), target.substr(slash + 1, dot - slash - 1),
                target.substr(dot + 1)};
}

// The interface (with its package, if given) and the function of a
// component's target; the function may hold dots (`[method]r.f`).
std::optional<Target> component_target(const std::string &target) {
  const auto slash = target.rfind('/');
  const auto dot = target.find('.', slash == std::string::npos ? 0 : slash);
  if (dot == std::string::npos || dot == 0)
    return std::nullopt;
  return Target{"", target.substr(0, dot), target.substr(dot + 1)};
}

// For a string argument written without quotes: how to write it. Only for a
// word short enough to be worth repeating.
std::string quoting_hint(const std::string &word, const ValType &type) {
  if (type.kind() != WASMTIME_COMPONENT_VALTYPE_STRING || word.starts_with('"') || word.size() > 80)
    return "";
  std::string literal = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\')
      literal += '\\';
    literal += c;
  }
  literal += '"';
  if (word.find('\'') == std::string::npos)
    literal = "'" + literal + "'";
  return "; a string is written in double quotes: " + literal + " in the shell";
}

// The arguments as values of the function's parameters.
Result<std::vector<Val>, std::string> parse_arguments(const wasmtime::component::FuncType &type,
                                                      const std::string &function,
                                                      const std::vector<std::string> &args) {
  if (args.size() != type.param_count())
    return "`" + function + "` takes " + arguments(type.param_count()) + " (" + type_name(type) +
           "), " + std::to_string(args.size()) + " given";
  std::vector<Val> values;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto param = type.param_nth(i);
    auto value = parse_wave(args[i], param->second);
    if (!value)
      return "argument " + std::to_string(i + 1) + " (`" + std::string(param->first) + "`, a " +
             type_name(param->second) + "): " + value.err().message() +
             quoting_hint(args[i], param->second);
    values.push_back(value.ok());
  }
  return values;
}

// Only an empty binding with WIT has functions without Wasmtime types: there is
// no plugin to call, so the arguments are only counted.
std::optional<std::string> count_arguments(const wit::Interface &declared,
                                           const std::string &function, std::size_t given) {
  for (const wit::Function *candidate : wit::exported_functions(declared)) {
    const std::size_t count =
        candidate->params.size() + (candidate->kind == wit::Function::Kind::method ? 1 : 0);
    if (candidate->component_name() == function && count != given)
      return "`" + function + "` takes " + arguments(count) + " (" + wit::to_string(*candidate) +
             "), " + std::to_string(given) + " given";
  }
  return std::nullopt;
}

int print_results(const Target &target, const DispatchResults &results, bool as_json) {
  int exit = Exit::ok;
  json::Array documents;
  for (const auto &[id, result] : results) {
    if (!result)
      exit = Exit::call_failed;
    if (as_json) {
      json::Object entry{{"plugin", id}};
      if (!result)
        entry.add("err", json::value(result.err_ref().value()));
      else
        entry.add("ok", result.ok_ref() ? json::value(*result.ok_ref()) : json::Value(nullptr));
      documents.add(entry);
    } else if (!result) {
      std::cout << id << ": err(" << to_string(result.err_ref().value()) << ")\n";
    } else if (result.ok_ref()) {
      std::cout << id << ": ok(" << to_string(*result.ok_ref()) << ")\n";
    } else {
      std::cout << id << ": ok\n";
    }
  }
  if (as_json)
    std::cout << json::Object{{"binding", target.binding},
                              {"interface", target.interface},
                              {"function", target.function},
                              {"results", documents}}
                     .text()
              << "\n";
  return exit;
}

int call_target(const Graph &graph, const Manifest *manifest, const Target &target,
                const std::vector<std::string> &args, const std::string &plugin,
                const Options &options, Timer &timer);

} // namespace

int call(const std::string &file, const std::string &target_text,
         const std::vector<std::string> &args, const std::string &plugin, const Options &options) {
  Timer timer(options.time);
  const bool manifest_file = is_manifest(file);
  auto parsed = manifest_file ? manifest_target(target_text) : component_target(target_text);
  if (!parsed)
    return fail(Exit::usage, manifest_file ? "expected <binding>/<interface>.<function>, found `" +
                                                 target_text + "`"
                                           : "expected <interface>.<function> for a component "
                                             "(a manifest's name ends in .toml), found `" +
                                                 target_text + "`");
  Target target = *parsed;

  std::optional<Manifest> manifest;
  Result<Graph, GraphError> built = GraphError{};
  if (manifest_file) {
    auto read = read_manifest(file);
    if (!read)
      return fail(Exit::usage, read.err());
    manifest = std::move(read.ok_ref());
    timer.lap("read manifest");
    built = build_graph(*manifest, options.load, options.defaults);
  } else {
    built = build_single(file, target.interface, options.load, options.defaults);
  }
  timer.lap("load, compile, link and instantiate");
  if (!built)
    return fail(built.err_ref().exit, built.err_ref().message);
  Graph &graph = keep(std::move(built.ok_ref()));
  if (!manifest_file) {
    target.binding = graph.bindings.begin()->first;
    target.interface = target.interface.substr(target.interface.rfind('/') + 1);
  }
  return call_target(graph, manifest ? &*manifest : nullptr, target, args, plugin, options, timer);
}

int call_in(const Graph &graph, const Manifest &manifest, const std::string &target_text,
            const std::vector<std::string> &args, const std::string &plugin,
            const Options &options) {
  auto target = manifest_target(target_text);
  if (!target)
    return fail(Exit::usage,
                "expected <binding>/<interface>.<function>, found `" + target_text + "`");
  Timer timer(false);
  return call_target(graph, &manifest, *target, args, plugin, options, timer);
}

namespace {

int call_target(const Graph &graph, const Manifest *manifest, const Target &target,
                const std::vector<std::string> &args, const std::string &plugin,
                const Options &options, Timer &timer) {
  auto binding = graph.bindings.find(target.binding);
  if (binding == graph.bindings.end())
    return fail(Exit::usage,
                "unknown binding `" + target.binding + "`" +
                    alternatives(target.binding, keys(graph.bindings), "the manifest has"));
  const auto &interfaces = binding->second.interfaces();
  auto found = interfaces.find(target.interface);
  if (found == interfaces.end())
    return fail(Exit::usage, "binding `" + target.binding + "` has no interface `" +
                                 target.interface + "`" +
                                 alternatives(target.interface, keys(interfaces), "it has"));
  if (found->second.find(target.function) == nullptr)
    return fail(Exit::usage,
                "interface `" + target.interface + "` of binding `" + target.binding +
                    "` has no function `" + target.function + "`" +
                    alternatives(target.function, keys(found->second.functions()), "it has"));
  const auto plugins = binding->second.plugin_ids();
  if (!plugin.empty() && std::find(plugins.begin(), plugins.end(), plugin) == plugins.end())
    return fail(Exit::usage, "binding `" + target.binding + "` has no plugin `" + plugin + "`" +
                                 alternatives(plugin, plugins, "it has"));

  std::vector<Val> values;
  if (const auto *type = binding->second.function_type(target.interface, target.function)) {
    auto parsed_args = parse_arguments(*type, target.function, args);
    if (!parsed_args)
      return fail(Exit::usage, parsed_args.err());
    values = std::move(parsed_args.ok_ref());
  } else if (manifest != nullptr) {
    // A binding with no type yet: an empty one, whose interfaces its WIT gave.
    const auto &spec = manifest->bindings.find(target.binding)->second;
    const wit::Interface *declared =
        spec.wit ? spec.wit->find_interface(target.interface) : nullptr;
    if (declared != nullptr)
      if (auto problem = count_arguments(*declared, target.function, args.size()))
        return fail(Exit::usage, *problem);
  }
  timer.lap("parse arguments");

  auto results =
      plugin.empty()
          ? binding->second.dispatch(target.interface, target.function, values)
          : binding->second.dispatch_to(plugin, target.interface, target.function, values);
  timer.lap("call");
  if (!results)
    return fail(Exit::usage, results.err().message());
  return print_results(target, results.ok_ref(), options.json);
}

} // namespace

} // namespace wasm_link::tool
