// The dispatch error cases are the ABI's: names, order and payloads.
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <wasm_link/dispatch_error.hh>

namespace wasm_link {
namespace {

TEST(DispatchError, CasesMatchTheAbiTable) {
  struct Case {
    DispatchError error;
    std::string_view name;
    bool payload;
  };
  const Case cases[] = {
      {DispatchError::lock_rejected(), "lock-rejected", false},
      {DispatchError::invalid_interface_path("a:b/c"), "invalid-interface-path", true},
      {DispatchError::invalid_function("f"), "invalid-function", true},
      {DispatchError::missing_response(), "missing-response", false},
      {DispatchError::runtime_exception("trap"), "runtime-exception", true},
      {DispatchError::invalid_argument_list(), "invalid-argument-list", false},
      {DispatchError::unsupported_type("future"), "unsupported-type", true},
      {DispatchError::executor_unavailable(), "executor-unavailable", false},
      {DispatchError::resource_table_full(), "resource-table-full", false},
      {DispatchError::resource_handle_conversion_failed(), "resource-handle-conversion-failed",
       false},
      {DispatchError::invalid_resource_handle(), "invalid-resource-handle", false},
  };
  ASSERT_EQ(std::size(cases), DispatchError::kind_count);
  EXPECT_EQ(parse_case_name("lock_rejected"), std::nullopt);
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    const auto &[error, name, payload] = cases[i];
    EXPECT_EQ(static_cast<std::size_t>(error.kind()), i);
    EXPECT_EQ(error.case_name(), name);
    EXPECT_EQ(case_name(error.kind()), name);
    EXPECT_EQ(error.has_payload(), payload) << name;
    EXPECT_EQ(parse_case_name(name), error.kind());
  }
}

TEST(DispatchError, MessageNamesCasePayloadAndDetail) {
  EXPECT_EQ(DispatchError::invalid_function("get").message(), "invalid-function: get");
  EXPECT_EQ(
      DispatchError::invalid_argument_list("argument 0 `v`: expected u32, found s32").message(),
      "invalid-argument-list (argument 0 `v`: expected u32, found s32)");
  EXPECT_EQ(DispatchError::lock_rejected().message(), "lock-rejected");
}

TEST(DispatchError, EqualityIsWhatTheAbiCarries) {
  EXPECT_EQ(DispatchError::lock_rejected("one"), DispatchError::lock_rejected("two"));
  EXPECT_FALSE(DispatchError::invalid_function("a") == DispatchError::invalid_function("b"));
  EXPECT_FALSE(DispatchError::missing_response() == DispatchError::lock_rejected());
}

// The WIT package plugin authors generate bindings from declares the same cases,
// in the same order, with the same payloads.
TEST(DispatchError, ShippedWitVariantMatchesTheCases) {
  std::ifstream file(std::string(WASM_LINK_TESTS_DIR) + "/../wit/wasm-link-runtime.wit");
  ASSERT_TRUE(file) << "wit/wasm-link-runtime.wit is missing";
  std::stringstream text;
  text << file.rdbuf();
  const std::string wit = text.str();
  ASSERT_NE(wit.find("package wasm-link:runtime@"), std::string::npos);
  const auto open = wit.find("variant dispatch-error {");
  ASSERT_NE(open, std::string::npos);
  const std::string body = wit.substr(open, wit.find('}', open) - open);

  std::vector<std::string> cases;
  std::istringstream lines(body.substr(body.find('{') + 1));
  for (std::string line; std::getline(lines, line);) {
    line.erase(0, line.find_first_not_of(' '));
    if (line.empty() || line.rfind("///", 0) == 0)
      continue;
    cases.push_back(line.substr(0, line.find(',')));
  }
  ASSERT_EQ(cases.size(), DispatchError::kind_count);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto kind = static_cast<DispatchError::Kind>(i);
    const std::string expected =
        std::string(case_name(kind)) + (has_payload(kind) ? "(string)" : "");
    EXPECT_EQ(cases[i], expected);
  }
}

} // namespace
} // namespace wasm_link
