// The `wasm-link` command: assemble a plugin graph from a manifest and run it.
#include "commands.hh"
#include "output.hh"

#include <CLI/CLI.hpp>
#include <algorithm>
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
  3  a component could not be loaded, compiled, linked or instantiated, or does
     not export what the manifest or its WIT asks for)";

// Each subcommand's own exit codes, for its --help.
constexpr const char *call_exit_codes = R"(Exit codes:
  0  every plugin answered ok
  1  some plugin answered err
  2  usage or manifest error (unknown binding, interface or function, arguments
     that do not parse or fit, a manifest key that is wrong)
  3  a component could not be loaded, compiled, linked or instantiated, or does
     not export what the manifest or its WIT asks for)";
constexpr const char *check_exit_codes = R"(Exit codes:
  0  the graph loads, links and instantiates
  2  usage or manifest error (a manifest key that is wrong)
  3  a component could not be loaded, compiled, linked or instantiated, or does
     not export what the manifest or its WIT asks for)";
constexpr const char *graph_exit_codes = R"(Exit codes:
  0  the graph was printed
  2  usage or manifest error (a manifest key that is wrong))";
constexpr const char *shell_exit_codes = R"(Exit codes:
  0  the input ended, or `quit` (a command that fails says why on stderr and the
     shell goes on)
  2  usage or manifest error
  3  a component of the manifest could not be loaded, compiled, linked or
     instantiated)";
constexpr const char *inspect_exit_codes = R"(Exit codes:
  0  the component was described
  2  usage error
  3  the component could not be read or compiled)";

} // namespace

Graph &keep(Graph graph) {
  static std::optional<Graph> kept;
  kept.emplace(std::move(graph));
  return *kept;
}

namespace {

// The WAVE arguments of `call`: every word after its target, as given.
// CLI11 would split a bracketed word (`[1, 2]`) into several and take `-inf`
// for an option, so they are taken out before it parses. Words that start with
// `--` are still options (with the value of those that take one) unless they
// come after a `--`.
std::vector<std::string> take_call_arguments(std::vector<std::string> &words) {
  static const std::set<std::string, std::less<>> with_value = {
      "--cache-dir", "--timeout-ms", "--max-memory-bytes", "--max-result-bytes", "--plugin"};
  std::vector<std::string> kept, arguments;
  std::size_t positionals = 0; // after `call`: the manifest or component, the target
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

  CLI::App app{"wasm-link: assemble WebAssembly plugin graphs from a manifest and run them",
               "wasm-link"};
  app.footer(exit_codes);
  app.set_version_flag("-V,--version", "wasm-link " WASM_LINK_VERSION " (Wasmtime " WASMTIME_VERSION
                                       ", WASI " +
                                           std::string(wasm_link::wasi_version()) + ")");
  app.require_subcommand(1);
  app.fallthrough(); // global options after the subcommand too (set before adding them)
  Options options;
  app.add_flag("--time", options.time,
               "print how long loading, linking and the call took (to stderr)");
  bool no_cache = false;
  std::string cache_dir;
  app.add_flag("--no-cache", no_cache,
               "compile every component afresh; do not read or write the compile cache");
  app.add_option("--cache-dir", cache_dir,
                 "the compile cache's folder (default: $WASM_LINK_CACHE_DIR/components, else "
                 "$XDG_CACHE_HOME/wasm-link/components, else ~/.cache/wasm-link/components)");
  app.add_flag("--allow-precompiled", options.load.allow_precompiled,
               "accept precompiled components (.cwasm, native code): only from sources you "
               "trust as programs");
  app.add_option("--timeout-ms", options.defaults.timeout_ms,
                 "wall-clock limit for each call and each instantiation of a plugin whose "
                 "manifest sets no timeout-ms (0: none)")
      ->capture_default_str();
  app.add_option("--max-memory-bytes", options.defaults.max_memory_bytes,
                 "cap on all the memories of a plugin whose manifest sets no max-memory-bytes (0: "
                 "none)")
      ->capture_default_str();
  app.add_option("--max-result-bytes", options.defaults.max_result_bytes,
                 "cap on the strings and lists one call may copy out of a plugin whose manifest "
                 "sets no max-result-bytes (0: Wasmtime's 128 MiB)")
      ->capture_default_str();

  const char *json_help = "print one JSON document on stdout (docs/JSON.md), failures too";
  std::string manifest, target, plugin;
  auto *call_cmd = app.add_subcommand(
      "call", "load and link the graph, call a function in every plugin of a binding, print one "
              "line per plugin: `<id>: ok(<value>)`, `<id>: ok` or `<id>: err(<dispatch-error>)`");
  call_cmd
      ->add_option("manifest", manifest,
                   "the graph's manifest (.toml), or one component (.wasm, .wat) to call "
                   "without a manifest")
      ->required();
  call_cmd
      ->add_option("target", target,
                   "<binding>/<interface>.<function> of a manifest; [<package>/]<interface>."
                   "<function> of a component")
      ->required();
  call_cmd->add_option("args", args,
                       "arguments in WAVE, each one word as given, e.g. 42 '\"hi\"' '[1, 2]' "
                       "-inf (after a `--`, words starting with `--` too)");
  call_cmd->add_option("--plugin", plugin, "call only the plugin with this id");
  call_cmd->add_flag("--json", options.json, json_help);
  call_cmd->footer(call_exit_codes);

  std::string check_manifest;
  auto *check_cmd = app.add_subcommand(
      "check", "load, link and validate the graph without calling anything; print a summary: "
               "plugins, their WASI grants, bindings and their functions' signatures");
  check_cmd->add_option("manifest", check_manifest, "the graph's manifest (TOML)")->required();
  check_cmd->add_flag("--json", options.json, json_help);
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
  inspect_cmd->add_flag("--json", options.json, json_help);
  inspect_cmd->footer(inspect_exit_codes);

  std::string shell_manifest;
  bool watch = false;
  auto *shell_cmd = app.add_subcommand(
      "shell", "load the graph once, then read commands from stdin, one per line: call, "
               "reload, remove, add, graph, help, quit (`help` in the shell says more); "
               "plugins can be swapped while the graph runs");
  shell_cmd->add_option("manifest", shell_manifest, "the graph's manifest (TOML)")->required();
  shell_cmd->add_flag("--watch", watch,
                      "reload a plugin by itself when its component file changes, and say so");
  shell_cmd->footer(shell_exit_codes);

  std::reverse(words.begin(), words.end()); // CLI11 takes them last first
  try {
    app.parse(words);
  } catch (const CLI::ParseError &error) {
    const int code = app.exit(error);
    return code == 0 ? Exit::ok : Exit::usage;
  }
  if (!cache_dir.empty())
    options.load.cache = cache_dir;
  if (no_cache)
    options.load.cache.reset();
  set_json(options.json);
  int exit = Exit::ok;
  if (*call_cmd)
    exit = call(manifest, target, args, plugin, options);
  else if (*graph_cmd)
    exit = graph(graph_manifest);
  else if (*inspect_cmd)
    exit = inspect(component, options);
  else if (*shell_cmd)
    exit = shell(shell_manifest, watch, options);
  else
    exit = check(check_manifest, options);
  // The graph is torn down by the process's end, not by destructors: a plugin's
  // destructor that never returns cannot keep the printed results from their
  // reader, nor the command from ending.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(exit);
}
