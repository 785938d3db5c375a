// WASI grants: what of the outside world a plugin may reach through WASI 0.2.
//
// Nothing by default. A plugin without a grant that imports any `wasi:`
// interface is refused before it is instantiated. A plugin with a grant gets
// its own WASI context in its own store, holding exactly what the grant names;
// an empty grant is a valid sandbox: no arguments, no environment, empty
// stdin, output discarded, no files, no network. Clocks and random numbers are
// always available to a granted plugin (they reveal nothing of the host but
// the time).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wasm_link {

// Where a plugin's stdout or stderr goes.
class WasiOutput {
public:
  enum class Kind {
    discard, // written bytes are dropped (the default)
    inherit, // the host process's own stream
    lines,   // each complete line goes to a callback, without its newline
  };
  // One line a plugin wrote: the grant's `name`, the stream ("stdout" or
  // "stderr") and the text, as the plugin wrote it (not checked for UTF-8).
  // A line longer than WasiGrant::max_line_bytes arrives in pieces of that
  // size; a last line without a newline arrives when the plugin's store goes.
  using LineSink =
      std::function<void(std::string_view name, std::string_view stream, std::string_view line)>;

  static WasiOutput discard() { return WasiOutput(Kind::discard, nullptr); }
  static WasiOutput inherit() { return WasiOutput(Kind::inherit, nullptr); }
  static WasiOutput lines(LineSink sink) { return WasiOutput(Kind::lines, std::move(sink)); }

  Kind kind() const noexcept { return kind_; }
  const LineSink &sink() const noexcept { return sink_; }

private:
  WasiOutput(Kind kind, LineSink sink) : kind_(kind), sink_(std::move(sink)) {}
  Kind kind_;
  LineSink sink_;
};

// A preopened directory: the guest sees `host` at `guest`.
struct WasiDir {
  std::filesystem::path host;
  std::string guest;
  bool read_only = true;
};

// What one plugin may reach through WASI. Give it with Plugin::with_wasi.
struct WasiGrant {
  // Names the plugin in WasiOutput::lines callbacks (wasm-link uses its id).
  std::string name;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env; // explicit pairs
  // Variables taken from the host's environment when the plugin is
  // instantiated (and again on restart), those that are set.
  std::vector<std::string> inherit_env;
  // The plugin's stdin; none is an empty stream.
  std::optional<std::string> stdin_bytes;
  WasiOutput stdout_to = WasiOutput::discard();
  WasiOutput stderr_to = WasiOutput::discard();
  std::vector<WasiDir> dirs;
  bool network = false;     // TCP and UDP to any address the host reaches
  bool name_lookup = false; // DNS through wasi:sockets/ip-name-lookup
  // The longest line a `lines` output keeps before delivering it in pieces: a
  // plugin that never writes a newline cannot grow the host's memory.
  std::size_t max_line_bytes = 64 * 1024;
};

// The WASI version the runtime provides (`wasi:*@0.2.x` imports of any patch
// version are linked to it), as text, e.g. "0.2.12".
std::string_view wasi_version() noexcept;

// One line per part of `grant`, for people: what `wasm-link check` prints.
std::vector<std::string> describe(const WasiGrant &grant);

} // namespace wasm_link
