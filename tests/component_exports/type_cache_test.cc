// The type cache (src/type_cache.hh): what placing and starting plugins read
// from a component's types is kept across bindings, for a bounded number of
// components, the most recently used.
#include "binding_state.hh"
#include "shim.h"
#include "support.hh"
#include "type_cache.hh"

#include <gtest/gtest.h>
#include <thread>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;
using detail::TypeCache;

class TypeCacheTest : public ::testing::Test {
protected:
  TypeCacheTest() : engine(make_engine()), linker(engine) {}

  wasmtime::component::Component counter() { return load(engine, "component_exports/counter.wat"); }
  Result<Binding> counters(const wasmtime::component::Component &component,
                           std::map<std::string, Remap, std::less<>> remaps = {}) {
    return Binding::create(
        "test:counter", {{"api", Interface().function("next")}}, Cardinality::any,
        {{"a", take(Plugin(component).instantiate(engine, linker)), std::move(remaps)}});
  }
  static std::string next(const Binding &binding) {
    auto results = take(binding.dispatch("api", "next", {}));
    const CallResult &result = results[0].result;
    return result ? to_string(*result.ok_ref()) : result.err_ref().message();
  }

  wasmtime::Engine engine;
  wasmtime::component::Linker linker;
};

TEST_F(TypeCacheTest, APlacedComponentsFunctionsAreKeptWithoutTheBindingsMetadata) {
  const auto component = counter();
  EXPECT_FALSE(TypeCache::shared().holds(component));
  const Binding first = take(counters(component));
  EXPECT_TRUE(TypeCache::shared().holds(component));
  const auto kept = TypeCache::shared().function(component, "test:counter/api", "next");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->metadata, nullptr);
  EXPECT_EQ(type_name(kept->type), "func() -> u32");
  EXPECT_NE(kept->checks, nullptr); // classified
  EXPECT_FALSE(TypeCache::shared().function(component, "test:counter/api", "next-hundred"));

  // A second binding of the component takes the kept function, with its own metadata.
  const Binding second = take(counters(component));
  const detail::ReadSection section;
  const auto &plug = detail::share(second)->roster(section).plugs.at(0);
  EXPECT_EQ(plug.export_of(0).metadata,
            &detail::share(second)->interfaces.at("api").functions().at("next"));
  EXPECT_EQ(next(first), "1");
  EXPECT_EQ(next(second), "1");
}

// Functions are kept by the names the component exports them as, after remaps.
TEST_F(TypeCacheTest, ARemappedFunctionIsKeptByTheNameItIsExportedAs) {
  const auto component = counter();
  const Binding plain = take(counters(component));
  const Binding hundred =
      take(counters(component, {{"api", Remap{"", {{"next", "next-hundred"}}}}}));
  EXPECT_TRUE(TypeCache::shared().function(component, "test:counter/api", "next-hundred"));
  EXPECT_EQ(next(plain), "1");
  EXPECT_EQ(next(hundred), "101");
}

// A function the component lacks is not kept, and is still refused with where.
TEST_F(TypeCacheTest, AMissingFunctionIsRefusedEachTime) {
  const auto component = counter();
  for (int i = 0; i < 2; ++i)
    expect_error(counters(component, {{"api", Remap{"", {{"next", "last"}}}}}), Error::Kind::link,
                 "plugin `a` in binding `test:counter` does not export function `last` in "
                 "`test:counter/api` (remapped from `test:counter/api`.`next`)");
  EXPECT_FALSE(TypeCache::shared().function(component, "test:counter/api", "last"));
}

TEST_F(TypeCacheTest, TheLeastRecentlyUsedComponentIsForgottenBeyondTheBound) {
  TypeCache cache(2, SIZE_MAX);
  const auto a = counter(), b = counter(), c = counter();
  cache.imports(engine, a);
  cache.imports(engine, b);
  cache.imports(engine, a); // b is now the least recently used
  cache.imports(engine, c);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.holds(a));
  EXPECT_FALSE(cache.holds(b));
  EXPECT_TRUE(cache.holds(c));
}

TEST_F(TypeCacheTest, ImagesBeyondTheByteBoundAreForgottenOrNeverKept) {
  const auto a = counter(), b = counter();
  const std::size_t bytes = wasm_link_component_image_size(a.capi());
  ASSERT_GT(bytes, 0u);
  ASSERT_EQ(wasm_link_component_image_size(b.capi()), bytes);

  TypeCache two_less_one(8, 2 * bytes - 1);
  two_less_one.imports(engine, a);
  two_less_one.imports(engine, b);
  EXPECT_FALSE(two_less_one.holds(a));
  EXPECT_TRUE(two_less_one.holds(b));

  TypeCache one_less_one(8, bytes - 1);
  EXPECT_TRUE(one_less_one.imports(engine, a).wasi.empty()); // read all the same
  EXPECT_EQ(one_less_one.size(), 0u);
}

TEST_F(TypeCacheTest, KeptImportsAreTheComponentsOwn) {
  TypeCache cache(2, SIZE_MAX);
  const auto env = load(engine, "wasi/env.wat");
  const detail::ImportScan read = detail::scan_imports(engine, env);
  ASSERT_FALSE(read.wasi.empty());
  for (int i = 0; i < 2; ++i) { // read, then kept
    const detail::ImportScan scan = cache.imports(engine, env);
    EXPECT_EQ(scan.wasi, read.wasi);
    EXPECT_EQ(scan.async, read.async);
  }
  EXPECT_TRUE(cache.imports(engine, counter()).wasi.empty());
}

// Bindings of one component made on two threads at once (for the thread sanitizer).
TEST_F(TypeCacheTest, BindingsOfOneComponentCanBeMadeOnTwoThreads) {
  const auto component = counter();
  std::atomic<int> dispatched = 0;
  auto make = [&] {
    for (int i = 0; i < 20; ++i)
      if (auto binding = counters(component); binding && next(binding.ok_ref()) == "1")
        ++dispatched;
  };
  std::thread other(make);
  make();
  other.join();
  EXPECT_EQ(dispatched.load(), 40);
}

} // namespace
} // namespace wasm_link
