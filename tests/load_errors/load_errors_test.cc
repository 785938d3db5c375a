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

std::string load_error(const std::string &relative) {
  auto engine = make_engine();
  auto component = load_component(engine, fixture(relative));
  EXPECT_FALSE(component) << relative << " loaded";
  if (component)
    return {};
  EXPECT_EQ(component.err_ref().kind(), Error::Kind::load);
  return component.err_ref().message();
}

TEST(LoadErrors, MissingFileNamesTheFile) {
  EXPECT_EQ(load_error("load_errors/absent.wasm"), "cannot read component `" +
                                                       fixture("load_errors/absent.wasm").string() +
                                                       "`: No such file or directory");
}

TEST(LoadErrors, DirectoryIsNotAComponent) {
  EXPECT_EQ(load_error("load_errors"),
            "cannot read component `" + fixture("load_errors").string() + "`: it is a directory");
}

TEST(LoadErrors, BadTextNamesTheFileAndWasmtimesMessage) {
  const std::string message = load_error("load_errors/bad_syntax.wat");
  const std::string prefix =
      "cannot compile component `" + fixture("load_errors/bad_syntax.wat").string() + "`: ";
  EXPECT_EQ(message.substr(0, prefix.size()), prefix);
  EXPECT_NE(message.find("expected"), std::string::npos) << message;
  EXPECT_NE(message.find(":2:"), std::string::npos) << "no line number in: " << message;
}

TEST(LoadErrors, TruncatedBinaryNamesTheFileAndWasmtimesMessage) {
  const std::string message = load_error("load_errors/truncated.wasm");
  const std::string prefix =
      "cannot compile component `" + fixture("load_errors/truncated.wasm").string() + "`: ";
  EXPECT_EQ(message.substr(0, prefix.size()), prefix);
  EXPECT_GT(message.size(), prefix.size());
}

TEST(LoadErrors, CoreModuleIsNotAComponent) {
  const std::string message = load_error("load_errors/core_module.wat");
  EXPECT_NE(message.find("core_module.wat`: "), std::string::npos) << message;
  EXPECT_NE(message.find("component"), std::string::npos) << message;
}

// Only regular files are read: a device, a FIFO or a file in /proc that cannot
// be read is an error, never a hang, an endless read or an exception.
std::string load_path_error(const std::filesystem::path &path, LoadOptions options = {}) {
  auto engine = make_engine();
  options.cache.reset();
  auto component = load_component(engine, path, options);
  EXPECT_FALSE(component) << path << " loaded";
  if (component)
    return {};
  EXPECT_EQ(component.err_ref().kind(), Error::Kind::load);
  return component.err_ref().message();
}

TEST(LoadErrors, DevicesAreNotComponents) {
  EXPECT_EQ(load_path_error("/dev/zero"),
            "cannot read component `/dev/zero`: it is not a regular file");
  EXPECT_EQ(load_path_error("/dev/null"),
            "cannot read component `/dev/null`: it is not a regular file");
}

TEST(LoadErrors, AFifoIsRefusedWithoutWaitingForAWriter) {
  const auto fifo =
      std::filesystem::temp_directory_path() / ("wasm-link-fifo-" + std::to_string(::getpid()));
  std::filesystem::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(load_path_error(fifo),
            "cannot read component `" + fifo.string() + "`: it is not a regular file");
  std::filesystem::remove(fifo);
}

TEST(LoadErrors, AnUnreadableFileIsAReadError) {
  EXPECT_EQ(load_path_error("/proc/self/mem"),
            "cannot read component `/proc/self/mem`: read error: Input/output error");
}

TEST(LoadErrors, AFileOverTheCapIsNotRead) {
  LoadOptions options;
  options.max_file_bytes = 10;
  const auto file = fixture("load_errors/core_module.wat");
  EXPECT_EQ(load_path_error(file, options), "cannot read component `" + file.string() +
                                                "`: it is larger than the limit of 10 bytes (" +
                                                std::to_string(std::filesystem::file_size(file)) +
                                                " bytes)");
}

TEST(LoadErrors, AFileThatIsNotWebAssemblyIsNotEchoed) {
  EXPECT_EQ(load_path_error("/proc/self/environ"),
            "cannot read component `/proc/self/environ`: it is neither a WebAssembly component "
            "nor WebAssembly text");
  const auto text =
      std::filesystem::temp_directory_path() / ("wasm-link-secret-" + std::to_string(::getpid()));
  std::ofstream(text) << "PASSWORD=hunter2\n(component)";
  EXPECT_EQ(load_path_error(text), "cannot read component `" + text.string() +
                                       "`: it is neither a WebAssembly component nor WebAssembly "
                                       "text");
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
