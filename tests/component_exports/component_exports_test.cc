// What tells the plugins of one compiled component in a binding.
#include "shim.h"
#include "support.hh"

#include <gtest/gtest.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

class ComponentExports : public ::testing::Test {
protected:
  ComponentExports()
      : engine(make_engine()), counter(load(engine, "component_exports/counter.wat")) {}

  wasmtime::Engine engine;
  wasmtime::component::Component counter;
};

TEST_F(ComponentExports, CopiesOfAComponentShareTheirImageAndOthersDoNot) {
  const wasmtime::component::Component copy = counter;
  const void *image = wasm_link_component_image_start(counter.capi());
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(wasm_link_component_image_start(copy.capi()), image);
  const auto again = load(engine, "component_exports/counter.wat");
  EXPECT_NE(wasm_link_component_image_start(again.capi()), image);
}

} // namespace
} // namespace wasm_link
