// The compile cache: components compiled once and kept on disk, so that the
// next load deserializes them instead of compiling (a JavaScript or Python
// component takes about 20 s of CPU to compile).
//
// An entry is found by a key over the Wasmtime version, the engine's
// compilation settings and the source's bytes (SHA-256), and carries a SHA-256
// of the compiled code it holds. An entry that is absent, truncated, corrupt,
// of another key or refused by Wasmtime is compiled again and replaced; the
// folder is used only when it belongs to this user and nobody else may write
// it, since what it holds is native code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

class CompileCache {
public:
  // None when `folder` cannot be made or is not safe to use.
  static std::optional<CompileCache> open(const std::filesystem::path &folder);

  std::optional<wasmtime::component::Component> find(wasmtime::Engine &engine,
                                                     std::span<const std::uint8_t> source) const;
  // Best effort: a cache that cannot be written is only slower.
  void keep(wasmtime::Engine &engine, std::span<const std::uint8_t> source,
            const wasmtime::component::Component &component) const;

  // Where the entry for `source` lives (for tests that damage it).
  std::filesystem::path entry(const wasmtime::Engine &engine,
                              std::span<const std::uint8_t> source) const;

private:
  explicit CompileCache(std::filesystem::path folder) : folder_(std::move(folder)) {}
  std::filesystem::path folder_;
};

} // namespace wasm_link::detail
