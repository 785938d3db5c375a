#include "manifest.hh"

#include "toml_guard.hh"

#include <algorithm>
#include <functional>
#include <toml++/toml.h>

namespace wasm_link::tool {
namespace {

// Reads one table of the manifest, naming keys by their dotted path in errors.
class Reader {
public:
  Reader(const std::filesystem::path &file) : file_(file.string()) {}

  std::string fail(const std::string &key, const std::string &what) const {
    return file_ + ": " + key + ": " + what;
  }

  // Every key of `table` must be one of `known`.
  std::optional<std::string> known_keys(const toml::table &table, const std::string &where,
                                        std::initializer_list<std::string_view> known) const {
    for (auto &&[key, _] : table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end())
        continue;
      std::string list;
      for (auto k : known)
        list += (list.empty() ? "" : ", ") + std::string(k);
      return fail(where.empty() ? std::string(key.str()) : where + "." + std::string(key.str()),
                  "unknown key (expected one of: " + list + ")");
    }
    return std::nullopt;
  }

  // The string at `key`, or nothing when the key is absent.
  Result<std::optional<std::string>, std::string>
  string(const toml::table &table, std::string_view key, const std::string &where) const {
    const toml::node *node = table.get(key);
    if (node == nullptr)
      return std::optional<std::string>();
    if (auto value = node->value<std::string>())
      return std::optional<std::string>(*value);
    return fail(where + "." + std::string(key), "expected a string");
  }

  Result<std::vector<std::string>, std::string>
  strings(const toml::table &table, std::string_view key, const std::string &where) const {
    std::vector<std::string> out;
    const toml::node *node = table.get(key);
    if (node == nullptr)
      return out;
    const toml::array *array = node->as_array();
    if (array == nullptr)
      return fail(where + "." + std::string(key), "expected an array of strings");
    for (auto &&item : *array) {
      auto value = item.value<std::string>();
      if (!value)
        return fail(where + "." + std::string(key), "expected an array of strings");
      out.push_back(*value);
    }
    return out;
  }

  template <typename T>
  Result<std::optional<T>, std::string> number(const toml::table &table, std::string_view key,
                                               const std::string &where, std::int64_t min) const {
    const toml::node *node = table.get(key);
    if (node == nullptr)
      return std::optional<T>();
    auto value = node->value_exact<std::int64_t>();
    if (!value || *value < min)
      return fail(where + "." + std::string(key),
                  "expected an integer of at least " + std::to_string(min));
    return std::optional<T>(static_cast<T>(*value));
  }

  Result<std::optional<bool>, std::string> boolean(const toml::table &table, std::string_view key,
                                                   const std::string &where) const {
    const toml::node *node = table.get(key);
    if (node == nullptr)
      return std::optional<bool>();
    if (auto value = node->value_exact<bool>())
      return std::optional<bool>(*value);
    return fail(where + "." + std::string(key), "expected true or false");
  }

  // A table whose values are all strings, in the file's order.
  Result<std::vector<std::pair<std::string, std::string>>, std::string>
  string_table(const toml::table &table, std::string_view key, const std::string &where) const {
    std::vector<std::pair<std::string, std::string>> out;
    const toml::node *node = table.get(key);
    if (node == nullptr)
      return out;
    const toml::table *pairs = node->as_table();
    if (pairs == nullptr)
      return fail(where + "." + std::string(key), "expected a table of strings");
    for (auto &&[name, value] : *pairs) {
      auto text = value.value_exact<std::string>();
      if (!text)
        return fail(where + "." + std::string(key) + "." + std::string(name.str()),
                    "expected a string");
      out.emplace_back(std::string(name.str()), *text);
    }
    return out;
  }

private:
  std::string file_;
};

Result<WasiOutput, std::string> read_output(const Reader &reader, const toml::table &table,
                                            std::string_view key, const std::string &where) {
  auto mode = reader.string(table, key, where);
  if (!mode)
    return mode.err();
  if (!mode.ok_ref() || *mode.ok_ref() == "discard")
    return WasiOutput::discard();
  if (*mode.ok_ref() == "inherit")
    return WasiOutput::inherit();
  return reader.fail(where + "." + std::string(key),
                     "expected \"discard\" or \"inherit\", found \"" + *mode.ok_ref() + "\"");
}

Result<WasiGrant, std::string> read_wasi(const Reader &reader, const std::filesystem::path &folder,
                                         const std::string &id, const toml::node &node) {
  const std::string where = "plugins." + id + ".wasi";
  const toml::table *table = node.as_table();
  if (table == nullptr)
    return reader.fail(where, "expected a table (an empty one grants an empty sandbox)");
  if (auto bad = reader.known_keys(*table, where,
                                   {"args", "env", "inherit-env", "stdin", "stdout", "stderr",
                                    "network", "name-lookup", "dirs"}))
    return *bad;
  WasiGrant grant;
  grant.name = id;
  auto args = reader.strings(*table, "args", where);
  if (!args)
    return args.err();
  grant.args = args.ok();
  auto env = reader.string_table(*table, "env", where);
  if (!env)
    return env.err();
  grant.env = env.ok();
  auto inherit = reader.strings(*table, "inherit-env", where);
  if (!inherit)
    return inherit.err();
  grant.inherit_env = inherit.ok();
  auto stdin_text = reader.string(*table, "stdin", where);
  if (!stdin_text)
    return stdin_text.err();
  grant.stdin_bytes = stdin_text.ok();
  auto out = read_output(reader, *table, "stdout", where);
  if (!out)
    return out.err();
  grant.stdout_to = out.ok();
  auto err = read_output(reader, *table, "stderr", where);
  if (!err)
    return err.err();
  grant.stderr_to = err.ok();
  auto network = reader.boolean(*table, "network", where);
  if (!network)
    return network.err();
  grant.network = network.ok_ref().value_or(false);
  auto lookup = reader.boolean(*table, "name-lookup", where);
  if (!lookup)
    return lookup.err();
  grant.name_lookup = lookup.ok_ref().value_or(false);
  if (const toml::node *dirs_node = table->get("dirs")) {
    const toml::table *dirs = dirs_node->as_table();
    if (dirs == nullptr)
      return reader.fail(where + ".dirs",
                         "expected a table of guest paths, e.g. \"/data\" = { path = \"data\" }");
    for (auto &&[guest, value] : *dirs) {
      const std::string at = where + ".dirs." + std::string(guest.str());
      const toml::table *dir = value.as_table();
      if (dir == nullptr)
        return reader.fail(at, "expected a table with `path` and `read-only`");
      if (auto bad = reader.known_keys(*dir, at, {"path", "read-only"}))
        return *bad;
      auto path = reader.string(*dir, "path", at);
      if (!path)
        return path.err();
      if (!path.ok_ref())
        return reader.fail(at + ".path",
                           "missing (expected a directory, relative to the manifest)");
      auto read_only = reader.boolean(*dir, "read-only", at);
      if (!read_only)
        return read_only.err();
      std::error_code ec;
      const auto host = std::filesystem::absolute(folder / *path.ok_ref(), ec).lexically_normal();
      if (!std::filesystem::is_directory(host, ec))
        return reader.fail(at + ".path", "no such directory: " + host.string());
      grant.dirs.push_back({host, std::string(guest.str()), read_only.ok_ref().value_or(true)});
    }
  }
  return grant;
}

Result<BindingSpec, std::string> read_binding(const Reader &reader,
                                              const std::filesystem::path &folder,
                                              const std::string &name, const toml::node &node) {
  const std::string where = "bindings." + name;
  if (name.find_first_of("/.") != std::string::npos)
    return reader.fail(where, "a binding's name cannot hold `/` or `.` (calls name "
                              "<binding>/<interface>.<function>)");
  const toml::table *table = node.as_table();
  if (table == nullptr)
    return reader.fail(where, "expected a table");
  if (auto bad = reader.known_keys(*table, where, {"wit", "package", "cardinality", "plugins"}))
    return *bad;
  BindingSpec spec;
  auto wit_path = reader.string(*table, "wit", where);
  if (!wit_path)
    return wit_path.err();
  const std::filesystem::path wit_file =
      wit_path.ok_ref() ? (folder / *wit_path.ok_ref()).lexically_normal() : "";
  if (wit_path.ok_ref()) {
    auto package = wit::parse_path(wit_file);
    if (!package)
      return reader.fail(where + ".wit", package.err().message());
    spec.wit = package.ok();
  }
  auto package = reader.string(*table, "package", where);
  if (!package)
    return package.err();
  if (spec.wit) {
    const std::string declared = wit::to_string(spec.wit->name);
    if (package.ok_ref() && *package.ok_ref() != declared)
      return reader.fail(where + ".package", "\"" + *package.ok_ref() +
                                                 "\" differs from the package of the WIT, `" +
                                                 declared + "` (" + wit_file.string() + ")");
    spec.package = declared;
  } else if (package.ok_ref()) {
    spec.package = *package.ok_ref();
  } else {
    return reader.fail(where + ".package",
                       "missing (expected `namespace:name[@version]`, or `wit` with WIT files)");
  }
  auto cardinality = reader.string(*table, "cardinality", where);
  if (!cardinality)
    return cardinality.err();
  if (const auto &name = cardinality.ok_ref()) {
    auto parsed = parse_cardinality(*name);
    if (!parsed)
      return reader.fail(where + ".cardinality",
                         "expected exactly-one, at-most-one, at-least-one or any, found \"" +
                             *name + "\"");
    spec.cardinality = *parsed;
  }
  auto plugins = reader.strings(*table, "plugins", where);
  if (!plugins)
    return plugins.err();
  spec.plugins = plugins.ok();
  return spec;
}

Result<PluginSpec, std::string> read_plugin(const Reader &reader,
                                            const std::filesystem::path &folder,
                                            const std::string &id, const toml::node &node) {
  const std::string where = "plugins." + id;
  const toml::table *table = node.as_table();
  if (table == nullptr)
    return reader.fail(where, "expected a table");
  if (auto bad =
          reader.known_keys(*table, where, {"component", "sockets", "limits", "remap", "wasi"}))
    return *bad;
  PluginSpec spec;
  auto component = reader.string(*table, "component", where);
  if (!component)
    return component.err();
  if (!component.ok_ref())
    return reader.fail(where + ".component", "missing (expected the path of a .wasm or .wat file)");
  spec.component = folder / *component.ok_ref();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.component, ec))
    return reader.fail(where + ".component", "no such file: " + spec.component.string());
  auto sockets = reader.strings(*table, "sockets", where);
  if (!sockets)
    return sockets.err();
  spec.sockets = sockets.ok();

  if (const toml::node *limits_node = table->get("limits")) {
    const toml::table *limits = limits_node->as_table();
    if (limits == nullptr)
      return reader.fail(where + ".limits", "expected a table");
    const std::string at = where + ".limits";
    if (auto bad = reader.known_keys(*limits, at,
                                     {"initial-fuel", "fuel-per-call", "timeout-ms",
                                      "max-memory-bytes", "max-table-elements", "max-instances",
                                      "max-tables", "max-memories", "max-result-bytes"}))
      return *bad;
    // initial-fuel = 0 is a budget (a plugin whose instantiation runs code
    // fails); timeout-ms = 0 is no timeout, not even the command's default.
    auto initial = reader.number<std::uint64_t>(*limits, "initial-fuel", at, 0);
    auto per_call = reader.number<std::uint64_t>(*limits, "fuel-per-call", at, 1);
    auto timeout = reader.number<std::uint64_t>(*limits, "timeout-ms", at, 0);
    auto memory = reader.number<std::int64_t>(*limits, "max-memory-bytes", at, 0);
    auto table_elements = reader.number<std::int64_t>(*limits, "max-table-elements", at, 0);
    auto instances = reader.number<std::int64_t>(*limits, "max-instances", at, 0);
    auto tables = reader.number<std::int64_t>(*limits, "max-tables", at, 0);
    auto memories = reader.number<std::int64_t>(*limits, "max-memories", at, 0);
    auto result_bytes = reader.number<std::int64_t>(*limits, "max-result-bytes", at, 0);
    for (auto *r : {&initial, &per_call, &timeout})
      if (!*r)
        return r->err();
    for (auto *r : {&memory, &table_elements, &instances, &tables, &memories, &result_bytes})
      if (!*r)
        return r->err();
    spec.initial_fuel = initial.ok();
    spec.fuel_per_call = per_call.ok();
    spec.timeout_ms = timeout.ok();
    spec.max_memory_bytes = memory.ok();
    spec.max_table_elements = table_elements.ok();
    spec.max_instances = instances.ok();
    spec.max_tables = tables.ok();
    spec.max_memories = memories.ok();
    spec.max_result_bytes = result_bytes.ok();
  }

  if (const toml::node *wasi = table->get("wasi")) {
    auto grant = read_wasi(reader, folder, id, *wasi);
    if (!grant)
      return grant.err();
    spec.wasi = grant.ok();
  }

  if (const toml::node *remap_node = table->get("remap")) {
    const toml::table *remaps = remap_node->as_table();
    if (remaps == nullptr)
      return reader.fail(where + ".remap", "expected a table of interfaces");
    for (auto &&[interface, value] : *remaps) {
      const std::string at = where + ".remap." + std::string(interface.str());
      const toml::table *remap = value.as_table();
      if (remap == nullptr)
        return reader.fail(at, "expected a table with `as` and/or `functions`");
      if (auto bad = reader.known_keys(*remap, at, {"as", "functions"}))
        return *bad;
      Remap out;
      auto as = reader.string(*remap, "as", at);
      if (!as)
        return as.err();
      out.as = as.ok_ref().value_or("");
      if (const toml::node *functions_node = remap->get("functions")) {
        const toml::table *functions = functions_node->as_table();
        if (functions == nullptr)
          return reader.fail(at + ".functions", "expected a table of requested = exported names");
        for (auto &&[function, exported] : *functions) {
          auto name = exported.value<std::string>();
          if (!name)
            return reader.fail(at + ".functions." + std::string(function.str()),
                               "expected a string (the exported name)");
          out.functions.emplace(std::string(function.str()), *name);
        }
      }
      spec.remaps.emplace(std::string(interface.str()), std::move(out));
    }
  }
  return spec;
}

// Plugins ordered so that each comes after what its sockets hold; a cycle is an
// error naming it. A depth-first search with a stack of its own: a manifest
// may chain thousands of plugins through their sockets, deeper than the
// call stack goes.
Result<std::vector<std::string>, std::string> order(const Reader &reader, const Manifest &m) {
  std::vector<std::string> out;
  std::map<std::string_view, int, std::less<>> state; // 1: in progress, 2: done
  // The plugins in progress, each with the next of its sockets' plugins to visit.
  struct Visit {
    std::string_view id;
    const std::vector<std::string> &sockets;
    std::size_t socket = 0, dependency = 0;
  };
  std::vector<Visit> path;
  const auto enter = [&](std::string_view id) {
    state[id] = 1;
    path.push_back({id, m.plugins.find(id)->second.sockets});
  };
  for (const auto &[root, _] : m.plugins) {
    if (state[root] == 2)
      continue;
    enter(root);
    while (!path.empty()) {
      Visit &visit = path.back();
      const std::string *next = nullptr;
      while (next == nullptr && visit.socket < visit.sockets.size()) {
        const auto &plugins = m.bindings.find(visit.sockets[visit.socket])->second.plugins;
        if (visit.dependency < plugins.size()) {
          next = &plugins[visit.dependency++];
        } else {
          ++visit.socket;
          visit.dependency = 0;
        }
      }
      if (next == nullptr) {
        state[visit.id] = 2;
        out.emplace_back(visit.id);
        path.pop_back();
        continue;
      }
      const int seen = state[*next];
      if (seen == 1) {
        std::string cycle;
        auto it =
            std::find_if(path.begin(), path.end(), [&](const Visit &v) { return v.id == *next; });
        for (; it != path.end(); ++it)
          cycle += std::string(it->id) + " -> ";
        return reader.fail("plugins." + *next + ".sockets",
                           "the sockets form a cycle: " + cycle + *next);
      }
      if (seen == 0)
        enter(*next);
    }
  }
  return out;
}

} // namespace

Result<Manifest, std::string> read_manifest(const std::filesystem::path &file) {
  Reader reader(file);
  auto bytes = read_regular_file(file, kMaxManifestBytes);
  if (!bytes)
    return file.string() + ": cannot read the manifest: " + bytes.err();
  const std::string_view text(reinterpret_cast<const char *>(bytes.ok_ref().data()),
                              bytes.ok_ref().size());
  if (auto problem = check_toml_text(text))
    return file.string() + ":" + *problem;
  toml::table root;
  try {
    root = toml::parse(ascii_toml(text), file.string());
  } catch (const toml::parse_error &error) {
    return file.string() + ":" + std::to_string(error.source().begin.line) + ":" +
           std::to_string(error.source().begin.column) + ": " + std::string(error.description());
  }
  if (auto bad = reader.known_keys(root, "", {"bindings", "plugins"}))
    return *bad;
  Manifest m;
  m.file = file;
  const auto folder = file.parent_path();
  if (const toml::table *bindings = root["bindings"].as_table())
    for (auto &&[name, node] : *bindings) {
      auto spec = read_binding(reader, folder, std::string(name.str()), node);
      if (!spec)
        return spec.err();
      m.bindings.emplace(std::string(name.str()), spec.ok());
    }
  else if (root.contains("bindings"))
    return reader.fail("bindings", "expected a table of bindings");
  if (const toml::table *plugins = root["plugins"].as_table())
    for (auto &&[id, node] : *plugins) {
      auto spec = read_plugin(reader, folder, std::string(id.str()), node);
      if (!spec)
        return spec.err();
      m.plugins.emplace(std::string(id.str()), spec.ok());
    }
  else if (root.contains("plugins"))
    return reader.fail("plugins", "expected a table of plugins");

  for (const auto &[name, binding] : m.bindings)
    for (const auto &plugin : binding.plugins) {
      if (!m.plugins.contains(plugin))
        return reader.fail("bindings." + name + ".plugins",
                           "no plugin `" + plugin + "` (plugins are the keys under [plugins])");
    }
  for (const auto &[id, plugin] : m.plugins)
    for (const auto &socket : plugin.sockets)
      if (!m.bindings.contains(socket))
        return reader.fail("plugins." + id + ".sockets",
                           "no binding `" + socket + "` (bindings are the keys under [bindings])");
  auto sorted = order(reader, m);
  if (!sorted)
    return sorted.err();
  m.order = sorted.ok();
  return m;
}

} // namespace wasm_link::tool
