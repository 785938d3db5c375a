// A component that cannot be read or compiled is a load error naming the file
// and, where Wasmtime found the problem, Wasmtime's message.
#include "support.hh"

#include <gtest/gtest.h>

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

} // namespace
} // namespace wasm_link
