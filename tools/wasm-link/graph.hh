// A manifest made real: its engine, every plugin instantiated and linked, every
// binding built.
#pragma once

#include "manifest.hh"

namespace wasm_link::tool {

struct Graph {
  wasmtime::Engine engine;
  std::map<std::string, Binding, std::less<>> bindings; // by local name
  std::map<std::string, PluginInstance, std::less<>> plugins;
};

// Exit codes of the command (see `wasm-link --help`).
enum Exit { ok = 0, call_failed = 1, usage = 2, load = 3 };

struct GraphError {
  Exit exit;
  std::string message;
};

// Where a plugin's granted stdout and stderr go: each line to the command's
// stderr, prefixed `[<plugin id>] `, so that stdout holds only results.
void print_plugin_line(std::string_view id, std::string_view stream, std::string_view line);

Result<Graph, GraphError> build_graph(const Manifest &manifest, const LoadOptions &load);

} // namespace wasm_link::tool
