// WASI grants: nothing without one, exactly what it names with one, and never
// an abort. These tests use WAT fixtures; tests/wasi/probe_test.cc tries files,
// network and stdio with a plugin built from Rust.
#include "support.hh"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

constexpr const char *kNoGrant =
    "cannot link plugin: it imports WASI (`wasi:cli/environment@0.2.0`) but was granted none: "
    "grant it with Plugin::with_wasi(WasiGrant{...}), or in a manifest with a "
    "[plugins.<id>.wasi] table (an empty table is a sandbox that holds nothing)";

// tests/wasi/env.wat with another WASI version ("" for none).
std::string env_wat(const std::string &version) {
  return fixture_text("wasi/env.wat", "\"wasi:cli/environment@0.2.0\"",
                      "\"wasi:cli/environment" + (version.empty() ? "" : "@" + version) + "\"");
}

class Wasi : public ::testing::Test {
protected:
  Wasi() : engine(make_engine()), linker(engine) {}

  wasmtime::component::Component env_component(const std::string &version = "0.2.0") {
    return take(compile_component(engine, env_wat(version), "env.wat"));
  }

  Result<PluginInstance> instantiate(std::optional<WasiGrant> grant,
                                     const std::string &version = "0.2.0") {
    auto plugin = Plugin(env_component(version));
    if (grant)
      plugin.with_wasi(std::move(*grant));
    return std::move(plugin).instantiate(engine, linker);
  }

  // What `probe:env/read`.`function` returns in `plugin`, as WAVE.
  std::string read(const PluginInstance &plugin, std::string_view function) {
    auto binding = take(Binding::create(
        "probe:env",
        {{"read", take(Interface::from_component(engine, plugin.component(), "probe:env/read"))}},
        Cardinality::exactly_one, {{"env", plugin}}));
    const CallResult result = take(binding.dispatch("read", function, {}))[0].result;
    if (!result)
      return "error: " + result.err_ref().message();
    return to_string(*result.ok_ref());
  }

  wasmtime::Engine engine;
  wasmtime::component::Linker linker;
};

TEST_F(Wasi, WithoutAGrantAWasiImportIsRefused) {
  auto plugin = instantiate(std::nullopt);
  expect_error(plugin, Error::Kind::link, kNoGrant);
}

TEST_F(Wasi, ARefusalCountsTheOtherWasiImports) {
  const std::string wat = R"((component
    (import "wasi:cli/environment@0.2.3" (instance))
    (import "wasi:io/poll@0.2.3" (instance))
    (import "wasi:clocks/wall-clock@0.2.3" (instance))))";
  auto plugin = Plugin(take(compile_component(engine, wat, "three"))).instantiate(engine, linker);
  expect_error(
      plugin, Error::Kind::link,
      "cannot link plugin: it imports WASI (`wasi:cli/environment@0.2.3` and 2 more) but "
      "was granted none: grant it with Plugin::with_wasi(WasiGrant{...}), or in a manifest "
      "with a [plugins.<id>.wasi] table (an empty table is a sandbox that holds nothing)");
}

// Wasmtime's C API aborts the process when WASI is called from a store without a
// WASI context. A linker that has WASI (the embedder's own doing, or a granted
// plugin's) must not let an ungranted plugin reach it.
TEST_F(Wasi, ALinkerWithWasiDoesNotLetAnUngrantedPluginIn) {
  ASSERT_TRUE(linker.add_wasip2());
  auto refused = instantiate(std::nullopt);
  expect_error(refused, Error::Kind::link, kNoGrant);
  // A granted plugin shares the linker (WASI is not defined twice) ...
  auto granted = take(instantiate(WasiGrant{}));
  EXPECT_EQ(read(granted, "environment"), "[]");
  // ... and the next ungranted one is refused all the same.
  auto again = instantiate(std::nullopt);
  expect_error(again, Error::Kind::link, kNoGrant);
}

TEST_F(Wasi, AnEmptyGrantIsAnEmptySandbox) {
  auto plugin = take(instantiate(WasiGrant{}));
  EXPECT_EQ(read(plugin, "environment"), "[]");
  EXPECT_EQ(read(plugin, "arguments"), "[]");
}

TEST_F(Wasi, OnlyGrantedVariablesAreVisible) {
  ::setenv("WASM_LINK_TEST_INHERITED", "from the host", 1);
  ::setenv("WASM_LINK_TEST_NOT_GRANTED", "secret", 1);
  ::unsetenv("WASM_LINK_TEST_UNSET");
  WasiGrant grant;
  grant.env = {{"GREETING", "Hi"}};
  grant.inherit_env = {"WASM_LINK_TEST_INHERITED", "WASM_LINK_TEST_UNSET"};
  auto plugin = take(instantiate(grant));
  EXPECT_EQ(read(plugin, "environment"),
            R"w([("GREETING", "Hi"), ("WASM_LINK_TEST_INHERITED", "from the host")])w");
}

TEST_F(Wasi, ArgumentsAreExactlyTheGranted) {
  WasiGrant grant;
  grant.args = {"--verbose", "two words"};
  auto plugin = take(instantiate(grant));
  EXPECT_EQ(read(plugin, "arguments"), R"w(["--verbose", "two words"])w");
}

TEST_F(Wasi, TwoPluginsSeeOnlyTheirOwnGrants) {
  WasiGrant first, second;
  first.env = {{"WHO", "first"}};
  second.env = {{"WHO", "second"}, {"ONLY", "mine"}};
  auto a = take(instantiate(first));
  auto b = take(instantiate(second));
  EXPECT_EQ(read(a, "environment"), R"w([("WHO", "first")])w");
  EXPECT_EQ(read(b, "environment"), R"w([("WHO", "second"), ("ONLY", "mine")])w");
}

TEST_F(Wasi, ARestartTakesInheritedVariablesAnew) {
  ::setenv("WASM_LINK_TEST_CHANGING", "before", 1);
  WasiGrant grant;
  grant.inherit_env = {"WASM_LINK_TEST_CHANGING"};
  auto plugin = take(instantiate(grant));
  EXPECT_EQ(read(plugin, "environment"), R"w([("WASM_LINK_TEST_CHANGING", "before")])w");
  ::setenv("WASM_LINK_TEST_CHANGING", "after", 1);
  ASSERT_TRUE(plugin.restart(linker));
  EXPECT_EQ(read(plugin, "environment"), R"w([("WASM_LINK_TEST_CHANGING", "after")])w");
}

TEST_F(Wasi, AWasiVersionTheRuntimeLacksIsRefusedNamingBoth) {
  auto plugin = instantiate(WasiGrant{}, "0.3.0");
  expect_error(
      plugin, Error::Kind::link,
      "cannot link plugin: it imports `wasi:cli/environment@0.3.0`, WASI version 0.3.0, "
      "which the runtime does not provide: the runtime provides WASI 0.2 (imports `@0.2.0` "
      "to `@0.2.12`)");
  EXPECT_EQ(wasi_version(), "0.2.12");
}

TEST_F(Wasi, AnUnversionedWasiImportIsRefused) {
  auto plugin = instantiate(WasiGrant{}, "");
  expect_error(plugin, Error::Kind::link,
               "cannot link plugin: it imports `wasi:cli/environment` without a version, which the "
               "runtime does not provide: the runtime provides WASI 0.2 (imports `@0.2.0` to "
               "`@0.2.12`)");
}

TEST_F(Wasi, AnyPatchVersionOf0_2Links) {
  for (const char *version : {"0.2.0", "0.2.3", "0.2.6", "0.2.12"}) {
    auto plugin = instantiate(WasiGrant{}, version);
    ASSERT_TRUE(plugin) << version << ": " << plugin.err().message();
  }
}

TEST_F(Wasi, WasiTheRuntimeLacksLinksToStandInsThatTrap) {
  auto component = load(engine, "wasi/http.wat");
  auto refused = Plugin(component).instantiate(engine, linker);
  expect_error(
      refused, Error::Kind::link,
      "cannot link plugin: it imports WASI (`wasi:io/error@0.2.0` and 1 more) but was granted "
      "none: "
      "grant it with Plugin::with_wasi(WasiGrant{...}), or in a manifest with a "
      "[plugins.<id>.wasi] table (an empty table is a sandbox that holds nothing)");

  auto plugin = take(Plugin(component).with_wasi({}).instantiate(engine, linker));
  auto binding = take(Binding::create(
      "probe:http", {{"api", take(Interface::from_component(engine, component, "probe:http/api"))}},
      Cardinality::exactly_one, {{"http", plugin}}));
  expect_error(take(binding.dispatch("api", "make", {}))[0].result,
               DispatchError::Kind::runtime_exception,
               "runtime-exception: error while executing at wasm backtrace:\n"
               "    0:    0x103 - m!<wasm function 1>\n"
               "\n"
               "Caused by:\n"
               "    the plugin called `wasi:http/types@0.2.0`, function `[constructor]fields`, "
               "which the runtime does not provide (WASI it lacks is linked to stand-ins that "
               "trap)");
  // A second granted plugin reuses the stand-ins already in the linker.
  auto second = Plugin(component).with_wasi({}).instantiate(engine, linker);
  EXPECT_TRUE(second) << second.err().message();
}

TEST_F(Wasi, VariablesThatWasiCannotCarryAreRefused) {
  WasiGrant grant;
  grant.env = {{"A=B", "1"}};
  auto plugin = instantiate(grant);
  expect_error(plugin, Error::Kind::instantiate,
               "cannot grant WASI: environment variable `A=B`: a name must be non-empty without "
               "`=`, and name and value UTF-8 text without NUL");
  WasiGrant nul;
  nul.args = {std::string("a\0b", 3)};
  auto refused = instantiate(nul);
  expect_error(refused, Error::Kind::instantiate,
               "cannot grant WASI: argument \"" + std::string("a\0b", 3) +
                   "\" is not UTF-8 text without NUL");
}

TEST_F(Wasi, AMissingDirectoryIsRefused) {
  WasiGrant grant;
  grant.dirs = {{"/nonexistent/wasm-link", "/data", true}};
  auto plugin = instantiate(grant);
  expect_error(plugin, Error::Kind::instantiate,
               "cannot grant WASI: directory `/nonexistent/wasm-link` (for "
               "`/data`) does not exist or is not a directory");
}

TEST(WasiDescribe, SaysEveryPartOfAGrant) {
  WasiGrant grant;
  EXPECT_EQ(describe(grant),
            (std::vector<std::string>{"args: none", "env: none", "inherit-env: none",
                                      "stdin: empty", "stdout: discard", "stderr: discard",
                                      "dirs: none", "network: off", "name-lookup: off"}));
  grant.args = {"-v"};
  grant.env = {{"A", "1"}, {"B", "two"}};
  grant.inherit_env = {"LANG"};
  grant.stdin_bytes = "hello";
  grant.stdout_to = WasiOutput::inherit();
  grant.stderr_to = WasiOutput::lines([](auto, auto, auto) {});
  grant.dirs = {{"/srv/data", "/data", true}, {"/tmp/out", "/out", false}};
  grant.network = true;
  grant.name_lookup = true;
  EXPECT_EQ(
      describe(grant),
      (std::vector<std::string>{"args: \"-v\"", "env: A=\"1\", B=\"two\"", "inherit-env: LANG",
                                "stdin: 5 bytes", "stdout: inherit", "stderr: lines",
                                "dirs: /data = /srv/data (read-only), /out = /tmp/out (read-write)",
                                "network: on", "name-lookup: on"}));
}

} // namespace
} // namespace wasm_link
