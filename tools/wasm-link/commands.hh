// The subcommands of `wasm-link`, each a function of its arguments that prints
// its output and returns its exit code (see graph.hh's Exit).
#pragma once

#include "graph.hh"

#include <string>
#include <vector>

namespace wasm_link::tool {

// What every subcommand may be given besides its own arguments.
struct Options {
  bool time = false; // --time: where time went, to stderr
  bool json = false; // --json: one JSON document on stdout (docs/JSON.md)
  LoadOptions load;
  DefaultLimits defaults;
};

// `call <manifest> <binding>/<interface>.<function> [ARG...]`, or
// `call <component> <interface>.<function> [ARG...]` with an implicit
// exactly-one binding of that one component. `plugin`: call only that plugin.
int call(const std::string &file, const std::string &target, const std::vector<std::string> &args,
         const std::string &plugin, const Options &options);
// `call` in a graph built already: `target` is `<binding>/<interface>.<function>`.
int call_in(const Graph &graph, const Manifest &manifest, const std::string &target,
            const std::vector<std::string> &args, const std::string &plugin,
            const Options &options);
// `shell <manifest>`: the graph loaded once, changed and called by commands read
// from stdin (see shell.cc); `watch`: reload plugins whose component file changes.
int shell(const std::string &file, bool watch, const Options &options);
int check(const std::string &file, const Options &options);
int graph(const std::string &file);
int inspect(const std::string &file, const Options &options);

// The graph of this run. Never destroyed: main ends the process with
// std::_Exit once the results are out.
Graph &keep(Graph graph);

} // namespace wasm_link::tool
