#include "compile_cache.hh"

#include "sha256.hh"
#include "shim.h"
#include <wasm_link/files.hh>

#include <wasmtime.h> // WASMTIME_VERSION

#include <atomic>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace wasm_link::detail {
namespace {

// An entry: kMagic, the key (32 bytes), the payload's SHA-256 (32 bytes), the
// payload's size (8 bytes, little-endian), the payload (Wasmtime's serialized
// component).
constexpr std::string_view kMagic = "wasm-link compiled component 1\n";
constexpr std::size_t kHeader = kMagic.size() + 32 + 32 + 8;
constexpr std::uint64_t kMaxEntry = std::uint64_t(2) << 30;

std::array<std::uint8_t, 32> key_of(const wasmtime::Engine &engine,
                                    std::span<const std::uint8_t> source) {
  const std::uint64_t settings = wasm_link_engine_precompile_hash(engine.capi());
  std::uint8_t settings_bytes[8];
  for (int i = 0; i < 8; ++i)
    settings_bytes[i] = static_cast<std::uint8_t>(settings >> (8 * i));
  return Sha256()
      .update(kMagic)
      .update(std::string_view(WASMTIME_VERSION))
      .update(std::span(settings_bytes, 8))
      .update(source)
      .finish();
}

} // namespace

std::optional<CompileCache> CompileCache::open(const std::filesystem::path &folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec)
    return std::nullopt;
  struct stat info {};
  if (::stat(folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    return std::nullopt;
  // Whoever can write here can run code in every process that loads from here.
  if (info.st_uid != ::geteuid() || (info.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return std::nullopt;
  return CompileCache(folder);
}

std::filesystem::path CompileCache::entry(const wasmtime::Engine &engine,
                                          std::span<const std::uint8_t> source) const {
  return folder_ / (to_hex(key_of(engine, source)) + ".cwasm");
}

std::optional<wasmtime::component::Component>
CompileCache::find(wasmtime::Engine &engine, std::span<const std::uint8_t> source) const {
  const auto key = key_of(engine, source);
  auto bytes = read_regular_file(folder_ / (to_hex(key) + ".cwasm"), kMaxEntry);
  if (!bytes || bytes.ok_ref().size() < kHeader)
    return std::nullopt;
  const std::uint8_t *p = bytes.ok_ref().data();
  if (std::memcmp(p, kMagic.data(), kMagic.size()) != 0 ||
      std::memcmp(p + kMagic.size(), key.data(), 32) != 0)
    return std::nullopt;
  std::uint64_t size = 0;
  for (int i = 0; i < 8; ++i)
    size |= std::uint64_t(p[kMagic.size() + 64 + i]) << (8 * i);
  if (size != bytes.ok_ref().size() - kHeader)
    return std::nullopt;
  std::span<std::uint8_t> payload(bytes.ok_ref().data() + kHeader, size);
  const auto sum = Sha256().update(payload).finish();
  if (std::memcmp(p + kMagic.size() + 32, sum.data(), 32) != 0)
    return std::nullopt;
  // Wasmtime checks again that the code is of its version and settings.
  auto component = wasmtime::component::Component::deserialize(
      engine, wasmtime::Span<uint8_t>(payload.data(), payload.size()));
  if (!component)
    return std::nullopt;
  return component.ok();
}

void CompileCache::keep(wasmtime::Engine &engine, std::span<const std::uint8_t> source,
                        const wasmtime::component::Component &component) const {
  auto serialized = component.serialize();
  if (!serialized)
    return;
  const auto &payload = serialized.ok_ref();
  const auto key = key_of(engine, source);
  const auto sum = Sha256().update(payload).finish();
  std::uint8_t size[8];
  for (int i = 0; i < 8; ++i)
    size[i] = static_cast<std::uint8_t>(std::uint64_t(payload.size()) >> (8 * i));
  // Written aside and renamed into place, so that a reader sees a whole entry
  // or none, and two writers of one entry do not mix.
  static std::atomic<unsigned> counter{0};
  const auto final = folder_ / (to_hex(key) + ".cwasm");
  const auto temporary = folder_ / (to_hex(key) + "." + std::to_string(::getpid()) + "." +
                                    std::to_string(counter.fetch_add(1)) + ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(kMagic.data(), static_cast<std::streamsize>(kMagic.size()));
    out.write(reinterpret_cast<const char *>(key.data()), 32);
    out.write(reinterpret_cast<const char *>(sum.data()), 32);
    out.write(reinterpret_cast<const char *>(size), 8);
    out.write(reinterpret_cast<const char *>(payload.data()),
              static_cast<std::streamsize>(payload.size()));
    if (!out.flush()) {
      std::error_code ec;
      std::filesystem::remove(temporary, ec);
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, final, ec);
  if (ec)
    std::filesystem::remove(temporary, ec);
}

} // namespace wasm_link::detail
