// A manifest from anyone, read as `wasm-link` reads it: from a file, through
// the guard (check_toml_text) and then toml++. It gives a manifest or a
// message, and never crashes or hangs. The file lives in a folder of its own,
// so that the paths a manifest names resolve against nothing else but a small
// WIT package in `child/` (that of tests/cli/wit/child, which the seed
// wit_graph.toml names).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

#include "manifest.hh"
#include "toml_guard.hh"

namespace {

const std::filesystem::path &manifest_file() {
  static const std::filesystem::path file = [] {
    std::string folder =
        (std::filesystem::temp_directory_path() / "wasm-link-fuzz-XXXXXX").string();
    if (mkdtemp(folder.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    const std::filesystem::path child = std::filesystem::path(folder) / "child";
    std::filesystem::create_directory(child);
    std::ofstream(child / "root.wit") << "package test:child;\n"
                                         "interface root {\n"
                                         "  use types.{value};\n"
                                         "  get-value: func() -> value;\n"
                                         "  trap: func() -> value;\n"
                                         "}\n";
    std::ofstream(child / "types.wit") << "interface types {\n"
                                          "  type value = u32;\n"
                                          "}\n";
    return std::filesystem::path(folder) / "wasm-link.toml";
  }();
  return file;
}

void remove_folder() {
  std::error_code ignored;
  std::filesystem::remove_all(manifest_file().parent_path(), ignored);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  (void)manifest_file();
  std::atexit(remove_folder);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::filesystem::path &file = manifest_file();
  (void)wasm_link::tool::check_toml_text(
      std::string_view(reinterpret_cast<const char *>(data), size));
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
    if (!out) {
      std::perror("cannot write the manifest");
      std::abort();
    }
  }
  (void)wasm_link::tool::read_manifest(file);
  return 0;
}
