// The graph manifest (TOML): bindings, plugins, their sockets, limits and
// remaps. Reading it checks everything that can be checked without Wasmtime.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <wasm_link.hh>

namespace wasm_link::tool {

struct BindingSpec {
  std::string package; // `namespace:name[@version]`
  Cardinality cardinality = Cardinality::exactly_one;
  std::vector<std::string> plugins;
  // With `wit`: the package read from there, which gives the interfaces and the
  // signatures every plugin must export. Without it, interfaces come from the
  // implementing plugins' own types.
  std::optional<wit::Package> wit;
};

struct PluginSpec {
  std::filesystem::path component; // resolved against the manifest's folder
  std::vector<std::string> sockets;
  std::optional<std::uint64_t> initial_fuel, fuel_per_call, timeout_ms;
  std::optional<std::int64_t> max_memory_bytes, max_table_elements;
  std::optional<std::int64_t> max_instances, max_tables, max_memories, max_result_bytes;
  std::map<std::string, Remap, std::less<>> remaps;
  // From [plugins.<id>.wasi]; none: no WASI at all. Outputs are discard or
  // inherit here: the command decides where inherited lines go.
  std::optional<WasiGrant> wasi;
};

struct Manifest {
  std::filesystem::path file;
  std::map<std::string, BindingSpec, std::less<>> bindings; // by local name
  std::map<std::string, PluginSpec, std::less<>> plugins;   // by id
  // Plugin ids in an order where every plugin comes after the plugins of the
  // bindings it has as sockets.
  std::vector<std::string> order;
};

// The manifest, or a message naming the file, the key and what was expected.
Result<Manifest, std::string> read_manifest(const std::filesystem::path &file);

} // namespace wasm_link::tool
