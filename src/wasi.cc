#include "wasi.hh"

#include "resources.hh"
#include "shim.h"
#include "unicode.hh"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>

namespace wasm_link {
namespace {

// What Wasmtime 48's wasmtime-wasi links for WASI 0.2 (`add_to_linker_sync`),
// at version kProvided; Wasmtime links an import of any 0.2.x to it.
constexpr std::string_view kProvided = "0.2.12";
constexpr std::array<std::string_view, 27> kInterfaces = {
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stderr",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stderr",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:clocks/monotonic-clock",
    "wasi:clocks/wall-clock",
    "wasi:filesystem/preopens",
    "wasi:filesystem/types",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:random/random",
    "wasi:sockets/instance-network",
    "wasi:sockets/ip-name-lookup",
    "wasi:sockets/network",
    "wasi:sockets/tcp",
    "wasi:sockets/tcp-create-socket",
    "wasi:sockets/udp",
    "wasi:sockets/udp-create-socket",
};

// WASI passes arguments and variables as C strings of UTF-8.
bool is_wasi_text(std::string_view s) {
  return s.find('\0') == std::string_view::npos && detail::is_utf8(s);
}

bool already_defined(const wasmtime::Error &error) {
  return error.message().find("defined twice") != std::string::npos;
}

// Splits what a plugin writes into lines for a WasiOutput::lines sink. Owned by
// the plugin's WASI context: `finalize` runs when the store goes. Writes come
// synchronously from the thread of the plugin's call (the shim's output), one
// call at a time.
struct LineSplitter {
  WasiOutput::LineSink sink;
  std::string name;
  std::string_view stream;
  std::size_t max_line;
  std::string partial;

  void deliver() {
    if (!partial.empty() && partial.back() == '\r')
      partial.pop_back();
    sink(name, stream, partial);
    partial.clear();
  }

  void write(const unsigned char *bytes, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) {
      if (bytes[i] == '\n') {
        deliver();
        continue;
      }
      partial.push_back(static_cast<char>(bytes[i]));
      if (partial.size() >= max_line)
        deliver();
    }
  }

  static ptrdiff_t on_write(void *self, const unsigned char *bytes, std::size_t size) {
    // The sink is the embedder's code: nothing it throws may cross into Rust.
    try {
      static_cast<LineSplitter *>(self)->write(bytes, size);
      return static_cast<ptrdiff_t>(size);
    } catch (...) {
      return -5; // EIO: the plugin sees a failed write
    }
  }

  static void finalize(void *self) {
    auto *splitter = static_cast<LineSplitter *>(self);
    try {
      if (!splitter->partial.empty())
        splitter->deliver();
    } catch (...) {
    }
    delete splitter;
  }
};

void route(wasmtime::WasiConfig &config, const WasiGrant &grant, const WasiOutput &output,
           std::string_view stream) {
  switch (output.kind()) {
  case WasiOutput::Kind::discard:
    return; // WASI's default output discards
  case WasiOutput::Kind::inherit:
    if (stream == "stdout")
      config.inherit_stdout();
    else
      config.inherit_stderr();
    return;
  case WasiOutput::Kind::lines: {
    auto splitter = std::make_unique<LineSplitter>(LineSplitter{
        output.sink(), grant.name, stream, std::max<std::size_t>(grant.max_line_bytes, 1), {}});
    wasm_link_wasi_config_set_output(config.capi(), stream == "stdout" ? 1 : 2,
                                     &LineSplitter::on_write, splitter.release(),
                                     &LineSplitter::finalize);
    return;
  }
  }
}

// A trapping function, or a resource of its own, for one export of a WASI
// interface the runtime lacks.
Result<std::monostate, wasmtime::Error> stand_in(wasmtime::component::LinkerInstance &instance,
                                                 const std::string &interface,
                                                 const std::string &member,
                                                 const wasmtime::component::ComponentItem &item) {
  if (item.is_resource())
    return instance.add_resource(member,
                                 wasmtime::component::ResourceType(detail::fresh_host_type()),
                                 [](wasmtime::Store::Context, std::uint32_t) {
                                   return wasmtime::Result<std::monostate>(std::monostate());
                                 });
  if (!item.is_component_func())
    return std::monostate();
  const std::string what = "`" + interface + "`, function `" + member + "`";
  return instance.add_func(member, [what](wasmtime::Store::Context,
                                          const wasmtime::component::FuncType &,
                                          wasmtime::Span<wasmtime::component::Val>,
                                          wasmtime::Span<wasmtime::component::Val>) {
    return wasmtime::Result<std::monostate>(wasmtime::Error(
        "the plugin called " + what +
        ", which the runtime does not provide (WASI it lacks is linked to stand-ins that trap)"));
  });
}

} // namespace

std::string_view wasi_version() noexcept {
  return kProvided;
}

std::vector<std::string> describe(const WasiGrant &grant) {
  auto list = [](const auto &items, auto show) {
    std::string out;
    for (const auto &item : items)
      out += (out.empty() ? "" : ", ") + show(item);
    return out.empty() ? std::string("none") : out;
  };
  auto quoted = [](const std::string &s) { return "\"" + s + "\""; };
  auto output = [](const WasiOutput &o) {
    switch (o.kind()) {
    case WasiOutput::Kind::discard:
      return "discard";
    case WasiOutput::Kind::inherit:
      return "inherit";
    case WasiOutput::Kind::lines:
      return "lines";
    }
    return "";
  };
  return {
      "args: " + list(grant.args, quoted),
      "env: " +
          list(grant.env, [&](const auto &pair) { return pair.first + "=" + quoted(pair.second); }),
      "inherit-env: " + list(grant.inherit_env, [](const std::string &s) { return s; }),
      "stdin: " + (grant.stdin_bytes ? std::to_string(grant.stdin_bytes->size()) + " bytes"
                                     : std::string("empty")),
      std::string("stdout: ") + output(grant.stdout_to),
      std::string("stderr: ") + output(grant.stderr_to),
      "dirs: " + list(grant.dirs,
                      [](const WasiDir &dir) {
                        return dir.guest + " = " + dir.host.string() +
                               (dir.read_only ? " (read-only)" : " (read-write)");
                      }),
      std::string("network: ") + (grant.network ? "on" : "off"),
      std::string("name-lookup: ") + (grant.name_lookup ? "on" : "off"),
  };
}

namespace detail {

Result<WasiImports> wasi_imports(std::vector<std::string> all, const WasiGrant *grant) {
  WasiImports out;
  if (all.empty())
    return out;
  if (grant == nullptr)
    return Error(Error::Kind::link,
                 "it imports WASI (`" + all.front() + "`" +
                     (all.size() > 1 ? " and " + std::to_string(all.size() - 1) + " more" : "") +
                     ") but was granted none: grant it with Plugin::with_wasi(WasiGrant{...}), or "
                     "in a manifest with a [plugins.<id>.wasi] table (an empty table is a sandbox "
                     "that holds nothing)");
  const std::string offered =
      "the runtime provides WASI 0.2 (imports `@0.2.0` to `@" + std::string(kProvided) + "`)";
  for (const std::string &name : all) {
    const auto at = name.find('@');
    if (at == std::string::npos)
      return Error(Error::Kind::link, "it imports `" + name +
                                          "` without a version, which the runtime does not "
                                          "provide: " +
                                          offered);
    if (name.compare(at + 1, 4, "0.2.") != 0)
      return Error(Error::Kind::link, "it imports `" + name + "`, WASI version " +
                                          name.substr(at + 1) +
                                          ", which the runtime does not provide: " + offered);
    const std::string_view interface = std::string_view(name).substr(0, at);
    (std::find(kInterfaces.begin(), kInterfaces.end(), interface) != kInterfaces.end()
         ? out.provided
         : out.stubbed)
        .push_back(name);
  }
  return out;
}

Result<std::monostate> define_wasi(const wasmtime::Engine &engine,
                                   wasmtime::component::Linker &linker,
                                   const wasmtime::component::Component &component,
                                   const WasiImports &imports) {
  if (imports.provided.empty() && imports.stubbed.empty())
    return std::monostate();
  if (auto added = linker.add_wasip2(); !added && !already_defined(added.err()))
    return Error(Error::Kind::link, "cannot define WASI: " + added.err().message());
  // Walked in import order, as Wasmtime checks imports. A resource an earlier
  // import introduced (`headers`, an alias of `fields`; `input-stream`, which
  // `wasi:http/types` uses from `wasi:io/streams`) must not be defined again:
  // Wasmtime takes it as the one already bound.
  const auto type = component.type();
  auto root = linker.root();
  std::vector<wasmtime::component::ResourceType> seen;
  for (std::size_t i = 0; i < type.import_count(engine); ++i) {
    auto [name_view, item] = *type.import_nth(engine, i);
    const std::string name(name_view);
    if (!item.is_component_instance())
      continue;
    const bool stub =
        std::find(imports.stubbed.begin(), imports.stubbed.end(), name) != imports.stubbed.end();
    const auto &imported = item.component_instance();
    std::optional<wasmtime::component::LinkerInstance> instance;
    if (stub) {
      auto added = root.add_instance(name); // the one defined already, if any
      if (!added)
        return Error(Error::Kind::link,
                     "cannot define a stand-in for `" + name + "`: " + added.err().message());
      instance.emplace(std::move(added.ok()));
    }
    for (std::size_t n = 0; n < imported.export_count(engine); ++n) {
      auto [member, export_item] = *imported.export_nth(engine, n);
      if (export_item.is_resource()) {
        const auto resource = export_item.resource();
        if (std::find(seen.begin(), seen.end(), resource) != seen.end())
          continue;
        seen.push_back(resource);
      }
      if (!instance)
        continue;
      auto added = stand_in(*instance, name, std::string(member), export_item);
      // Defined already: by an earlier plugin of this linker, or the embedder.
      if (!added && !already_defined(added.err()))
        return Error(Error::Kind::link, "cannot define a stand-in for `" + name + "`, `" +
                                            std::string(member) + "`: " + added.err().message());
    }
  }
  return std::monostate();
}

Result<std::monostate> give_wasi(wasmtime::Store::Context store, const WasiGrant &grant) {
  auto fail = [&](const std::string &why) {
    return Error(Error::Kind::instantiate, "cannot grant WASI: " + why);
  };
  wasmtime::WasiConfig config;
  for (const std::string &arg : grant.args)
    if (!is_wasi_text(arg))
      return fail("argument \"" + arg + "\" is not UTF-8 text without NUL");
  config.argv(grant.args);
  auto env = grant.env;
  for (const std::string &name : grant.inherit_env)
    if (const char *value = std::getenv(name.c_str()))
      env.emplace_back(name, value);
  for (const auto &[name, value] : env)
    if (name.empty() || name.find('=') != std::string::npos || !is_wasi_text(name) ||
        !is_wasi_text(value))
      return fail("environment variable `" + name +
                  "`: a name must be non-empty without `=`, and name and value UTF-8 text "
                  "without NUL");
  config.env(env);
  if (grant.stdin_bytes) {
    wasm_byte_vec_t bytes;
    wasm_byte_vec_new(&bytes, grant.stdin_bytes->size(), grant.stdin_bytes->data());
    wasi_config_set_stdin_bytes(config.capi(), &bytes); // takes the bytes
    wasm_byte_vec_delete(&bytes);
  }
  route(config, grant, grant.stdout_to, "stdout");
  route(config, grant, grant.stderr_to, "stderr");
  for (const WasiDir &dir : grant.dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir.host, ec))
      return fail("directory `" + dir.host.string() + "` (for `" + dir.guest +
                  "`) does not exist or is not a directory");
    if (!config.preopen_dir(dir.host.string(), dir.guest, !dir.read_only))
      return fail("cannot open directory `" + dir.host.string() + "` for `" + dir.guest + "`");
  }
  wasm_link_wasi_config_allow_network(config.capi(), grant.network);
  config.allow_ip_name_lookup(grant.name_lookup);
  auto given = store.set_wasi(std::move(config));
  if (!given)
    return fail(given.err().message());
  return std::monostate();
}

} // namespace detail
} // namespace wasm_link
