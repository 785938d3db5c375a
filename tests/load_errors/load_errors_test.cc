// A component that cannot be read or compiled is a load error naming the file
// and, where Wasmtime found the problem, Wasmtime's message.
#include "support.hh"

#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

Result<wasmtime::component::Component> load_fixture(const std::string &relative) {
  auto engine = make_engine();
  return load_component(engine, fixture(relative));
}

TEST(LoadErrors, MissingFileNamesTheFile) {
  expect_error(load_fixture("load_errors/absent.wasm"), Error::Kind::load,
               "cannot read component `" + fixture("load_errors/absent.wasm").string() +
                   "`: No such file or directory");
}

TEST(LoadErrors, DirectoryIsNotAComponent) {
  expect_error(load_fixture("load_errors"), Error::Kind::load,
               "cannot read component `" + fixture("load_errors").string() +
                   "`: it is a directory");
}

// Wasmtime's text is pinned: it is deterministic for the Wasmtime this build
// pins, and it is what the reader acts on (the line and column, the caret).
TEST(LoadErrors, BadTextNamesTheFileAndWasmtimesMessage) {
  expect_error(load_fixture("load_errors/bad_syntax.wat"), Error::Kind::load,
               "cannot compile component `" + fixture("load_errors/bad_syntax.wat").string() +
                   "`: expected a i32\n"
                   "     --> " +
                   fixture("load_errors/bad_syntax.wat").string() +
                   ":2:60\n"
                   "      |\n"
                   "    2 |   (core module $m (func (export \"f\") (result i32) i32.const))\n"
                   "      |                                                            ^");
}

TEST(LoadErrors, TruncatedBinaryNamesTheFileAndWasmtimesMessage) {
  expect_error(load_fixture("load_errors/truncated.wasm"), Error::Kind::load,
               "cannot compile component `" + fixture("load_errors/truncated.wasm").string() +
                   "`: failed to parse WebAssembly module\n\nCaused by:\n"
                   "    malformed section id (at offset 0x8)");
}

TEST(LoadErrors, CoreModuleIsNotAComponent) {
  expect_error(load_fixture("load_errors/core_module.wat"), Error::Kind::load,
               "cannot compile component `" + fixture("load_errors/core_module.wat").string() +
                   "`: failed to parse WebAssembly module\n\nCaused by:\n"
                   "    attempted to parse a wasm module with a component parser");
}

// Only regular files are read: a device, a FIFO or a file in /proc that cannot
// be read is an error, never a hang, an endless read or an exception.
Result<wasmtime::component::Component> load_path(const std::filesystem::path &path,
                                                 LoadOptions options = {}) {
  auto engine = make_engine();
  options.cache.reset();
  return load_component(engine, path, options);
}

TEST(LoadErrors, DevicesAreNotComponents) {
  expect_error(load_path("/dev/zero"), Error::Kind::load,
               "cannot read component `/dev/zero`: it is not a regular file");
  expect_error(load_path("/dev/null"), Error::Kind::load,
               "cannot read component `/dev/null`: it is not a regular file");
}

TEST(LoadErrors, AFifoIsRefusedWithoutWaitingForAWriter) {
  const auto fifo =
      std::filesystem::temp_directory_path() / ("wasm-link-fifo-" + std::to_string(::getpid()));
  std::filesystem::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_error(load_path(fifo), Error::Kind::load,
               "cannot read component `" + fifo.string() + "`: it is not a regular file");
  std::filesystem::remove(fifo);
}

TEST(LoadErrors, AnUnreadableFileIsAReadError) {
  expect_error(load_path("/proc/self/mem"), Error::Kind::load,
               "cannot read component `/proc/self/mem`: read error: Input/output error");
}

TEST(LoadErrors, AFileOverTheCapIsNotRead) {
  LoadOptions options;
  options.max_file_bytes = 10;
  const auto file = fixture("load_errors/core_module.wat");
  expect_error(load_path(file, options), Error::Kind::load,
               "cannot read component `" + file.string() +
                   "`: it is larger than the limit of 10 bytes (" +
                   std::to_string(std::filesystem::file_size(file)) + " bytes)");
}

TEST(LoadErrors, AFileThatIsNotWebAssemblyIsNotEchoed) {
  expect_error(load_path("/proc/self/environ"), Error::Kind::load,
               "cannot read component `/proc/self/environ`: it is neither a WebAssembly "
               "component nor WebAssembly text");
  const auto text =
      std::filesystem::temp_directory_path() / ("wasm-link-secret-" + std::to_string(::getpid()));
  std::ofstream(text) << "PASSWORD=hunter2\n(component)";
  expect_error(load_path(text), Error::Kind::load,
               "cannot read component `" + text.string() +
                   "`: it is neither a WebAssembly component nor WebAssembly text");
  std::filesystem::remove(text);
}

TEST(LoadErrors, TextAfterCommentsIsStillText) {
  auto engine = make_engine();
  const auto file = std::filesystem::temp_directory_path() /
                    ("wasm-link-comments-" + std::to_string(::getpid()) + ".wat");
  std::ofstream(file) << ";; a line comment\n(; a (; nested ;) block ;)\n  (component)\n";
  LoadOptions options;
  options.cache.reset();
  EXPECT_TRUE(load_component(engine, file, options));
  std::filesystem::remove(file);
}

} // namespace
} // namespace wasm_link
