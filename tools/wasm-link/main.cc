// The `wasm-link` command: assemble a plugin graph from a manifest and run it.
#include "graph.hh"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>
#include <wasmtime.h> // WASMTIME_VERSION

namespace wasm_link::tool {
namespace {

constexpr const char *exit_codes = R"(Exit codes:
  0  every plugin answered ok (check, inspect, graph: done)
  1  some plugin answered err (call)
  2  usage or manifest error (unknown binding, interface or function, arguments
     that do not parse or fit, a manifest key that is wrong)
  3  a component could not be loaded, compiled, linked or instantiated)";

// Each subcommand's own exit codes, for its --help.
constexpr const char *call_exit_codes = R"(Exit codes:
  0  every plugin answered ok
  1  some plugin answered err
  2  usage or manifest error (unknown binding, interface or function, arguments
     that do not parse or fit, a manifest key that is wrong)
  3  a component could not be loaded, compiled, linked or instantiated)";
constexpr const char *check_exit_codes = R"(Exit codes:
  0  the graph loads, links and instantiates
  2  usage or manifest error (a manifest key that is wrong)
  3  a component could not be loaded, compiled, linked or instantiated)";
constexpr const char *graph_exit_codes = R"(Exit codes:
  0  the graph was printed
  2  usage or manifest error (a manifest key that is wrong))";
constexpr const char *inspect_exit_codes = R"(Exit codes:
  0  the component was described
  2  usage error
  3  the component could not be read or compiled)";

class Timer {
public:
  explicit Timer(bool on) : on_(on) {}
  void lap(std::string_view what) {
    auto now = std::chrono::steady_clock::now();
    if (on_)
      std::cerr << "time: " << what << " "
                << std::chrono::duration<double, std::milli>(now - last_).count() << " ms\n";
    last_ = now;
  }

private:
  bool on_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// The graph of this run. Never destroyed: main ends the process with
// std::_Exit once the results are out (see there).
Graph &keep(Graph graph) {
  static std::optional<Graph> kept;
  kept.emplace(std::move(graph));
  return *kept;
}

// Edits (insertions, deletions, substitutions) between `a` and `b`.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// `; did you mean `x`? (<what>: a, b, c)` for an unknown `name` among the keys
// of `known`: the nearest names, within a third of the name's length.
template <typename Map>
std::string alternatives(std::string_view name, const Map &known, std::string_view what) {
  std::string all, near;
  std::size_t best = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto &[key, _] : known) {
    all += (all.empty() ? "" : ", ") + std::string(key);
    const std::size_t d = distance(name, key);
    if (d < best) {
      best = d;
      near = "`" + std::string(key) + "`";
    } else if (d == best && !near.empty()) {
      near += " or `" + std::string(key) + "`";
    }
  }
  return (near.empty() ? "" : "; did you mean " + near + "?") + " (" + std::string(what) + ": " +
         (all.empty() ? "none" : all) + ")";
}

std::string arguments(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " argument" : " arguments");
}

int fail(Exit exit, const std::string &message) {
  std::cerr << "wasm-link: " << message << "\n";
  return exit;
}

// The dispatch-error case as a WAVE value, e.g. `invalid-function("f")`.
std::string case_wave(const DispatchError &error) {
  return to_string(Val(wasmtime::component::Variant(
      error.case_name(),
      error.has_payload() ? std::optional<Val>(Val::string(error.payload())) : std::nullopt)));
}

int call(const std::string &file, const std::string &target, const std::vector<std::string> &args,
         bool time, const LoadOptions &load, const DefaultLimits &defaults) {
  Timer timer(time);
  const auto slash = target.find('/');
  const auto dot = target.find('.', slash == std::string::npos ? 0 : slash);
  if (slash == std::string::npos || dot == std::string::npos)
    return fail(Exit::usage, "expected <binding>/<interface>.<function>, found `" + target + "`");
  const std::string binding_name = target.substr(0, slash);
  const std::string interface = target.substr(slash + 1, dot - slash - 1);
  const std::string function = target.substr(dot + 1);

  auto manifest = read_manifest(file);
  if (!manifest)
    return fail(Exit::usage, manifest.err());
  timer.lap("read manifest");
  auto built = build_graph(manifest.ok_ref(), load, defaults);
  timer.lap("load, compile, link and instantiate");
  if (!built)
    return fail(built.err_ref().exit, built.err_ref().message);
  Graph &graph = keep(std::move(built.ok_ref()));
  auto binding = graph.bindings.find(binding_name);
  if (binding == graph.bindings.end())
    return fail(Exit::usage, "unknown binding `" + binding_name + "`" +
                                 alternatives(binding_name, graph.bindings, "the manifest has"));
  const auto &interfaces = binding->second.interfaces();
  auto found = interfaces.find(interface);
  if (found == interfaces.end())
    return fail(Exit::usage, "binding `" + binding_name + "` has no interface `" + interface + "`" +
                                 alternatives(interface, interfaces, "it has"));
  const Function *meta = found->second.find(function);
  if (meta == nullptr)
    return fail(Exit::usage, "interface `" + interface + "` of binding `" + binding_name +
                                 "` has no function `" + function + "`" +
                                 alternatives(function, found->second.functions(), "it has"));

  std::vector<Val> values;
  if (const auto *known = binding->second.function_type(interface, function)) {
    const auto &type = *known;
    if (args.size() != type.param_count())
      return fail(Exit::usage, "`" + function + "` takes " + arguments(type.param_count()) + " (" +
                                   type_name(type) + "), " + std::to_string(args.size()) +
                                   " given");
    for (std::size_t i = 0; i < args.size(); ++i) {
      auto param = type.param_nth(i);
      auto value = parse_wave(args[i], param->second);
      if (!value)
        return fail(Exit::usage, "argument " + std::to_string(i + 1) + " (`" +
                                     std::string(param->first) + "`, a " +
                                     type_name(param->second) + "): " + value.err());
      values.push_back(value.ok());
    }
  } else {
    // Only an empty binding with WIT has functions without Wasmtime types:
    // there is no plugin to call, so the arguments are only counted.
    const wit::Interface *declared =
        manifest.ok_ref().bindings.find(binding_name)->second.wit->find_interface(interface);
    for (const wit::Function *candidate : wit::exported_functions(*declared)) {
      const std::size_t count =
          candidate->params.size() + (candidate->kind == wit::Function::Kind::method ? 1 : 0);
      if (candidate->component_name() == function && count != args.size())
        return fail(Exit::usage, "`" + function + "` takes " + arguments(count) + " (" +
                                     wit::to_string(*candidate) + "), " +
                                     std::to_string(args.size()) + " given");
    }
  }
  timer.lap("parse arguments");

  auto results = binding->second.dispatch(interface, function, values);
  timer.lap("call");
  if (!results)
    return fail(Exit::usage, results.err().message());
  int exit = Exit::ok;
  for (const auto &[id, result] : results.ok_ref()) {
    if (!result) {
      std::cout << id << ": err(" << case_wave(result.err_ref()) << ")\n";
      exit = Exit::call_failed;
    } else if (result.ok_ref()) {
      std::cout << id << ": ok(" << to_string(*result.ok_ref()) << ")\n";
    } else {
      std::cout << id << ": ok\n";
    }
  }
  return exit;
}

int check(const std::string &file, bool time, const LoadOptions &load,
          const DefaultLimits &defaults) {
  Timer timer(time);
  auto manifest = read_manifest(file);
  if (!manifest)
    return fail(Exit::usage, manifest.err());
  auto built = build_graph(manifest.ok_ref(), load, defaults);
  timer.lap("load, compile, link and instantiate");
  if (!built)
    return fail(built.err_ref().exit, built.err_ref().message);
  Graph &graph = keep(std::move(built.ok_ref()));
  const Manifest &m = manifest.ok_ref();
  std::cout << "manifest " << file << ": ok\n";
  std::cout << "plugins (" << m.plugins.size() << "):\n";
  for (const auto &[id, plugin] : m.plugins) {
    std::cout << "  " << id << ": " << plugin.component.filename().string();
    if (!plugin.sockets.empty()) {
      std::cout << ", sockets:";
      for (const auto &socket : plugin.sockets)
        std::cout << " " << socket;
    }
    std::cout << "\n";
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
  }
  return Exit::ok;
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

// One import or export of a component, as WIT-like text.
void describe(const wasmtime::Engine &engine, std::string_view direction, std::string_view name,
              const wasmtime::component::ComponentItem &item) {
  if (item.is_component_func()) {
    std::cout << direction << " " << name << ": " << type_name(item.component_func()) << ";\n";
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
      std::cout << "  " << member << ": " << type_name(member_item.component_func()) << ";\n";
    else if (member_item.is_resource())
      std::cout << "  resource " << member << ";\n";
    else if (member_item.is_type())
      std::cout << "  type " << member << " = " << type_name(member_item.type()) << ";\n";
  }
  std::cout << "}\n";
}

int inspect(const std::string &file, const LoadOptions &load) {
  wasmtime::Engine engine(default_config());
  auto component = load_component(engine, file, load);
  if (!component)
    return fail(Exit::load, component.err().message());
  const auto type = component.ok_ref().type();
  for (std::size_t i = 0; i < type.import_count(engine); ++i) {
    auto [name, item] = *type.import_nth(engine, i);
    describe(engine, "import", name, item);
  }
  for (std::size_t i = 0; i < type.export_count(engine); ++i) {
    auto [name, item] = *type.export_nth(engine, i);
    describe(engine, "export", name, item);
  }
  return Exit::ok;
}

// The WAVE arguments of `call`: every word after its target, as given.
// CLI11 would split a bracketed word (`[1, 2]`) into several and take `-inf`
// for an option, so they are taken out before it parses. Words that start with
// `--` are still options (with the value of those that take one) unless they
// come after a `--`.
std::vector<std::string> take_call_arguments(std::vector<std::string> &words) {
  static const std::set<std::string, std::less<>> with_value = {"--cache-dir", "--timeout-ms",
                                                                "--max-memory-bytes"};
  std::vector<std::string> kept, arguments;
  std::size_t positionals = 0; // after `call`: the manifest, the target
  bool in_call = false, verbatim = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string &word = words[i];
    const bool option = !verbatim && word.rfind("--", 0) == 0 && word != "--";
    if (in_call && positionals == 2 && !option) {
      if (word == "--" && !verbatim)
        verbatim = true;
      else
        arguments.push_back(word);
      continue;
    }
    kept.push_back(word);
    if (option) {
      if (with_value.contains(word) && i + 1 < words.size())
        kept.push_back(words[++i]);
      continue;
    }
    if (in_call)
      ++positionals;
    else if (word == "call")
      in_call = true;
    else if (word.rfind("-", 0) != 0)
      break; // another subcommand: nothing to take
  }
  if (in_call && positionals == 2)
    words = kept;
  return arguments;
}

} // namespace
} // namespace wasm_link::tool

int main(int argc, char **argv) {
  using namespace wasm_link::tool;
  std::vector<std::string> words(argv + 1, argv + argc);
  std::vector<std::string> args = take_call_arguments(words);

  CLI::App app{"wasm-link: assemble WebAssembly plugin graphs from a manifest and run them"};
  app.footer(exit_codes);
  app.set_version_flag("-V,--version", "wasm-link " WASM_LINK_VERSION " (Wasmtime " WASMTIME_VERSION
                                       ", WASI " +
                                           std::string(wasm_link::wasi_version()) + ")");
  app.require_subcommand(1);
  app.fallthrough(); // global options after the subcommand too (set before adding them)
  bool time = false;
  app.add_flag("--time", time, "print how long loading, linking and the call took (to stderr)");
  wasm_link::LoadOptions loading;
  bool no_cache = false;
  std::string cache_dir;
  app.add_flag("--no-cache", no_cache,
               "compile every component afresh; do not read or write the compile cache");
  app.add_option("--cache-dir", cache_dir,
                 "the compile cache's folder (default: $WASM_LINK_CACHE_DIR/components, else "
                 "$XDG_CACHE_HOME/wasm-link/components, else ~/.cache/wasm-link/components)");
  app.add_flag("--allow-precompiled", loading.allow_precompiled,
               "accept precompiled components (.cwasm, native code): only from sources you "
               "trust as programs");
  DefaultLimits defaults;
  app.add_option("--timeout-ms", defaults.timeout_ms,
                 "wall-clock limit for each call and each instantiation of a plugin whose "
                 "manifest sets no timeout-ms (0: none)")
      ->capture_default_str();
  app.add_option("--max-memory-bytes", defaults.max_memory_bytes,
                 "cap on all the memories of a plugin whose manifest sets no max-memory-bytes (0: "
                 "none)")
      ->capture_default_str();
  app.add_option("--max-result-bytes", defaults.max_result_bytes,
                 "cap on the strings and lists one call may copy out of a plugin whose manifest "
                 "sets no max-result-bytes (0: Wasmtime's 128 MiB)")
      ->capture_default_str();

  std::string manifest, target;
  auto *call_cmd = app.add_subcommand(
      "call", "load and link the graph, call a function in every plugin of a binding, print one "
              "line per plugin: `<id>: ok(<value>)`, `<id>: ok` or `<id>: err(<dispatch-error>)`");
  call_cmd->add_option("manifest", manifest, "the graph's manifest (TOML)")->required();
  call_cmd->add_option("target", target, "<binding>/<interface>.<function>")->required();
  call_cmd->add_option("args", args,
                       "arguments in WAVE, each one word as given, e.g. 42 '\"hi\"' '[1, 2]' "
                       "-inf (after a `--`, words starting with `--` too)");
  call_cmd->footer(call_exit_codes);

  std::string check_manifest;
  auto *check_cmd = app.add_subcommand(
      "check", "load, link and validate the graph without calling anything; print a summary");
  check_cmd->add_option("manifest", check_manifest, "the graph's manifest (TOML)")->required();
  check_cmd->footer(check_exit_codes);

  std::string graph_manifest;
  auto *graph_cmd = app.add_subcommand(
      "graph", "print the graph in Graphviz DOT: plugins (boxes), bindings (ellipses), plug and "
               "socket edges labelled with cardinality");
  graph_cmd->add_option("manifest", graph_manifest, "the graph's manifest (TOML)")->required();
  graph_cmd->footer(graph_exit_codes);

  std::string component;
  auto *inspect_cmd = app.add_subcommand(
      "inspect", "print a component's imports and exports as WIT-like text, for plugin authors");
  inspect_cmd->add_option("component", component, "a component (.wasm or .wat)")->required();
  inspect_cmd->footer(inspect_exit_codes);

  std::reverse(words.begin(), words.end()); // CLI11 takes them last first
  try {
    app.parse(words);
  } catch (const CLI::ParseError &error) {
    const int code = app.exit(error);
    return code == 0 ? Exit::ok : Exit::usage;
  }
  if (!cache_dir.empty())
    loading.cache = cache_dir;
  if (no_cache)
    loading.cache.reset();
  int exit = Exit::ok;
  if (*call_cmd)
    exit = call(manifest, target, args, time, loading, defaults);
  else if (*graph_cmd)
    exit = graph(graph_manifest);
  else if (*inspect_cmd)
    exit = inspect(component, loading);
  else
    exit = check(check_manifest, time, loading, defaults);
  // The graph is torn down by the process's end, not by destructors: a plugin's
  // destructor that never returns cannot keep the printed results from their
  // reader, nor the command from ending.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(exit);
}
