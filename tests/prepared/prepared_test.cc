// A prepared call: a binding's function resolved once and called many times,
// with the outcomes of Binding::dispatch but without name lookups, id copies or,
// for one plugin, a vector.
#include "support.hh"

#include <atomic>
#include <cstdlib>
#include <gtest/gtest.h>
#include <new>

// GCC sees operator delete's free() inlined next to a `new` and warns, though
// the replaced pair matches.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
// Counts this thread's operator new calls while `counting` is set.
thread_local bool counting = false;
thread_local int allocations = 0;
} // namespace

void *operator new(std::size_t size) {
  if (counting)
    ++allocations;
  if (void *p = std::malloc(size == 0 ? 1 : size))
    return p;
  throw std::bad_alloc();
}
void operator delete(void *p) noexcept {
  std::free(p);
}
void operator delete(void *p, std::size_t) noexcept {
  std::free(p);
}

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

class Prepared : public ChildTest {
protected:
  static std::string value(const Outcome &outcome) {
    if (!outcome.result)
      return "error: " + outcome.result.err_ref().message();
    return to_string(*outcome.result.ok_ref());
  }
};

TEST_F(Prepared, CallsEveryPluginInIdOrder) {
  auto binding =
      children(Cardinality::any, {{"b", child("child_b.wat")}, {"a", child("child_a.wat")}});
  auto get = take(binding.prepare("root", "get-value"));
  EXPECT_EQ(get.interface(), "root");
  EXPECT_EQ(get.function(), "get-value");
  auto outcomes = take(get({}));
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].id, "a");
  EXPECT_EQ(value(outcomes[0]), "1");
  EXPECT_EQ(outcomes[1].id, "b");
  EXPECT_EQ(value(outcomes[1]), "2");
  EXPECT_EQ(to_string(*outcomes.find("b")->ok_ref()), "2");
  EXPECT_EQ(outcomes.find("c"), nullptr);
}

TEST_F(Prepared, OutcomesNamePluginsByTheBindingsOwnIds) {
  auto binding = children(Cardinality::any, {{"a", child("child_a.wat")}});
  auto get = take(binding.prepare("root", "get-value"));
  auto first = take(get({}));
  auto second = take(get({}));
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].id.data(), second[0].id.data()) << "no copy of the id per call";
}

TEST_F(Prepared, OnePluginsOutcomeNeedsNoAllocation) {
  auto binding = children(Cardinality::exactly_one, {{"a", child("child_a.wat")}});
  auto get = take(binding.prepare("root", "get-value"));
  (void)get({}); // the first call resolves the plugin's function
  counting = true;
  allocations = 0;
  auto outcomes = get({});
  counting = false;
  ASSERT_TRUE(outcomes);
  EXPECT_EQ(value(outcomes.ok_ref()[0]), "1");
  EXPECT_EQ(allocations, 0);
}

TEST_F(Prepared, UnknownNamesAreTheErrorsDispatchGives) {
  auto binding = children(Cardinality::any, {{"a", child("child_a.wat")}});
  expect_error(binding.prepare("nope", "get-value"), DispatchError::Kind::invalid_interface_path,
               "invalid-interface-path: test:child/nope");
  expect_error(binding.prepare("root", "nope"), DispatchError::Kind::invalid_function,
               "invalid-function: nope");
}

TEST_F(Prepared, ToCallsOnePluginOrNone) {
  auto binding =
      children(Cardinality::any, {{"b", child("child_b.wat")}, {"a", child("child_a.wat")}});
  auto get = take(binding.prepare("root", "get-value"));
  auto b = take(get.to("b", {}));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].id, "b");
  EXPECT_EQ(value(b[0]), "2");
  EXPECT_TRUE(take(get.to("c", {})).empty());
}

TEST_F(Prepared, EachPluginsFailureIsItsOwnOutcome) {
  auto binding =
      children(Cardinality::any, {{"b", child("child_b.wat")}, {"a", child("child_a.wat")}});
  auto trap = take(binding.prepare("root", "trap"));
  auto outcomes = take(trap({}));
  ASSERT_EQ(outcomes.size(), 2u);
  for (const Outcome &outcome : outcomes)
    EXPECT_EQ(value(outcome).rfind("error: runtime-exception: error while executing", 0), 0u)
        << value(outcome);
  const Val extra(1u);
  auto get = take(binding.prepare("root", "get-value"));
  auto wrong = take(get({&extra, 1}));
  ASSERT_EQ(wrong.size(), 2u);
  EXPECT_EQ(value(wrong[0]), "error: invalid-argument-list (plugin `a`, "
                             "`test:child/root`.`get-value` takes 0 arguments, 1 given)");
}

TEST_F(Prepared, KeepsItsBindingAlive) {
  std::optional<PreparedCall> get;
  {
    auto binding = children(Cardinality::exactly_one, {{"a", child("child_a.wat")}});
    get = take(binding.prepare("root", "get-value"));
  }
  auto outcomes = take((*get)({}));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].id, "a");
  EXPECT_EQ(value(outcomes[0]), "1");
}

TEST_F(Prepared, AnEmptyBindingGivesNoOutcomes) {
  auto get = take(children(Cardinality::any, {}).prepare("root", "get-value"));
  EXPECT_TRUE(take(get({})).empty());
}

} // namespace
} // namespace wasm_link
