// A manifest made real: its engine, every plugin instantiated and linked, every
// binding built.
#pragma once

#include "manifest.hh"

namespace wasm_link::tool {

struct Graph {
  wasmtime::Engine engine;
  std::map<std::string, Binding, std::less<>> bindings; // by local name
  std::map<std::string, PluginInstance, std::less<>> plugins;
  // Plugins whose components use component-model async; when there are any,
  // the engine has Wasmtime's concurrency support (concurrent_config).
  std::set<std::string, std::less<>> async_plugins;
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

// What the command gives a plugin whose manifest sets no limit of that kind
// (see `wasm-link --help`); 0 turns a default off.
struct DefaultLimits {
  std::uint64_t timeout_ms = 10'000;
  std::int64_t max_memory_bytes = std::int64_t(512) << 20;
  std::int64_t max_result_bytes = std::int64_t(64) << 20;
};

// Whether the component file needs Wasmtime's concurrency support (its engine
// then gets it); false for a file that cannot be read (loading it says why).
bool uses_async(const std::filesystem::path &component, const LoadOptions &load);

// Plugin `id` of `graph`, made from `component` with its spec's limits and
// WASI grant, and linked to its sockets (bindings the graph has).
// `manifest` names the file in errors.
Result<PluginInstance, GraphError> link_plugin(Graph &graph, const std::string &manifest,
                                               const std::string &id, const PluginSpec &spec,
                                               const wasmtime::component::Component &component,
                                               const DefaultLimits &defaults);

Result<Graph, GraphError> build_graph(const Manifest &manifest, const LoadOptions &load,
                                      const DefaultLimits &defaults);

// The graph of one component without a manifest, for `call <component>
// <interface>.<function>`: the component as the one plugin (its id the file's
// stem, no sockets, no WASI, the default limits) of an exactly-one binding named
// after the package it exports `interface` from. `interface` may name its
// package (`ns:pkg/name`), and must when two packages export one name.
Result<Graph, GraphError> build_single(const std::filesystem::path &component,
                                       std::string_view interface, const LoadOptions &load,
                                       const DefaultLimits &defaults);

} // namespace wasm_link::tool
