// The byte path through a socket: a consumer's import of a byte-path function
// (list<u8> or string in, list<u8> or string out) gathered in a tuple, an option
// or a list goes through Wasmtime's typed path (the shim's byte socket), with
// what the Val path gives: the same entries, errors in the consumer's own error
// type, and its limits.
#include "support.hh"

#include "shim.h"

#include <functional>
#include <gtest/gtest.h>
#include <numeric>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

// The functions of `test:bytes/api` (tests/bytes/bytes.wat) a consumer imports:
// name, parameter name, parameter type, `ok` type.
struct Imported {
  std::string name, param, in, out;
};
const std::vector<Imported> imported{{"reverse", "b", "(list u8)", "(list u8)"},
                                     {"upper", "s", "string", "string"},
                                     {"as-text", "b", "(list u8)", "string"},
                                     {"as-bytes", "s", "string", "(list u8)"},
                                     {"boom", "b", "(list u8)", "(list u8)"}};

// How the consumer's import gathers the plugins' results.
enum class Gather { tuple, option, list, map };

// A consumer with the socket `test:bytes/api`, whose imports return each
// plugin's `(result O <error>)` gathered as `gather` says. `variant` is the
// cases of the error variant (then `error` is `(error $e)`). It exports
// `test:relay/root` with `relay-<name>` of each import's type, which returns
// exactly what the socket gave; for a tuple also `relay-reverse-length`, the
// length of the bytes `reverse` gave (0xffffffff for an error).
std::string consumer(Gather gather, const std::string &error, const std::string &variant = "") {
  auto result = [&](const std::string &ok) {
    const std::string entry_result = "(result " + ok + (error.empty() ? "" : " " + error) + ")";
    switch (gather) {
    case Gather::tuple:
      return "(tuple string " + entry_result + ")";
    case Gather::option:
      return "(option (tuple string " + entry_result + "))";
    case Gather::list:
      return "(list (tuple string " + entry_result + "))";
    case Gather::map:
      return "(map string " + entry_result + ")";
    }
    return std::string();
  };
  auto signature = [&](const Imported &f) {
    return "(param \"" + f.param + "\" " + f.in + ") (result " + result(f.out) + ")";
  };
  const bool has_variant = !variant.empty();
  std::string wat = "(component\n  (type $iface (instance\n";
  if (has_variant)
    wat += "    (type $err (variant " + variant +
           "))\n    (export \"dispatch-error\" (type $e (eq $err)))\n";
  for (const auto &f : imported)
    wat += "    (export \"" + f.name + "\" (func " + signature(f) + "))\n";
  wat += "  ))\n  (import \"test:bytes/api\" (instance $api (type $iface)))\n";
  if (has_variant)
    wat += "  (alias export $api \"dispatch-error\" (type $e))\n";
  wat += R"(  (core module $memory-module
    (memory (export "memory") 4)
    (global $heap (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (local.get $p))
    (func (export "reset") (param i32) (global.set $heap (i32.const 1024))))
  (core instance $memory-instance (instantiate $memory-module))
  (alias core export $memory-instance "memory" (core memory $memory))
  (alias core export $memory-instance "realloc" (core func $realloc))
  (alias core export $memory-instance "reset" (core func $reset))
)";
  std::string core_imports, core_funcs, lowered, lifted, exports;
  for (const auto &f : imported) {
    wat += "  (alias export $api \"" + f.name + "\" (func $" + f.name + "))\n";
    lowered += "  (core func $" + f.name + "-core (canon lower (func $" + f.name +
               ") (memory $memory) (realloc $realloc)))\n";
    core_imports +=
        "    (import \"api\" \"" + f.name + "\" (func $" + f.name + " (param i32 i32 i32)))\n";
    core_funcs += "    (func (export \"relay-" + f.name + "\") (param i32 i32) (result i32)\n" +
                  "      (call $" + f.name + " (local.get 0) (local.get 1) (i32.const 64)) " +
                  "(i32.const 64))\n";
    lifted += "  (func $relay-" + f.name + " " + signature(f) +
              " (canon lift (core func $i \"relay-" + f.name +
              "\") (memory $memory) (realloc $realloc) (post-return $reset)))\n";
    exports += "    (export \"relay-" + f.name + "\" (func $relay-" + f.name + "))\n";
  }
  if (gather == Gather::tuple) {
    // The tuple at 64: the id (ptr, len), then the result's case at 72 and its
    // payload at 76.
    core_funcs += R"(    (func (export "relay-reverse-length") (param i32 i32) (result i32)
      (call $reverse (local.get 0) (local.get 1) (i32.const 64))
      (if (result i32) (i32.load8_u (i32.const 72)) (then (i32.const -1))
        (else (i32.load (i32.const 80)))))
)";
    lifted += "  (func $relay-reverse-length (param \"b\" (list u8)) (result u32) (canon lift "
              "(core func $i \"relay-reverse-length\") (memory $memory) (realloc $realloc) "
              "(post-return $reset)))\n";
    exports += "    (export \"relay-reverse-length\" (func $relay-reverse-length))\n";
  }
  wat += lowered;
  wat += "  (core module $m\n    (import \"memory\" \"memory\" (memory 4))\n" + core_imports +
         core_funcs + "  )\n";
  wat += "  (core instance $api-core\n";
  for (const auto &f : imported)
    wat += "    (export \"" + f.name + "\" (func $" + f.name + "-core))\n";
  wat += "  )\n  (core instance $i (instantiate $m (with \"api\" (instance $api-core)) "
         "(with \"memory\" (instance $memory-instance))))\n";
  wat += lifted;
  wat += "  (instance $relay\n" +
         std::string(has_variant ? "    (export \"dispatch-error\" (type $e))\n" : "") + exports +
         "  )\n  (export \"test:relay/root\" (instance $relay)))\n";
  return wat;
}

const std::string all_cases =
    R"((case "lock-rejected") (case "invalid-interface-path" string)
      (case "invalid-function" string) (case "missing-response") (case "runtime-exception" string)
      (case "invalid-argument-list") (case "unsupported-type" string) (case "executor-unavailable")
      (case "resource-table-full") (case "resource-handle-conversion-failed")
      (case "invalid-resource-handle"))";

Val bytes_value(std::span<const std::uint8_t> bytes) {
  std::vector<Val> values;
  values.reserve(bytes.size());
  for (std::uint8_t byte : bytes)
    values.emplace_back(byte);
  return wasmtime::component::List(std::move(values));
}

Val bytes_value(std::string_view text) {
  return bytes_value(std::span(reinterpret_cast<const std::uint8_t *>(text.data()), text.size()));
}

class SocketBytes : public ::testing::Test {
protected:
  // The binding `test:bytes` of plugins of tests/bytes/bytes.wat, one per id.
  Binding child(Cardinality cardinality, const std::vector<std::string> &ids) {
    Binding::Plugs plugs;
    for (const auto &id : ids)
      plugs.push_back({id, take(Plugin(child_component).instantiate(engine, linker))});
    return take(Binding::create("test:bytes", {{"api", child_interface}}, cardinality, plugs));
  }

  // The consumer of `text` linked to `socket`, as the binding `test:relay`.
  Binding relay(const std::string &text, Binding socket, Limits limits = {}) {
    auto component = take(compile_component(engine, text, "consumer.wat"));
    auto instance = take(Plugin(component).with_limits(limits).link(
        engine, wasmtime::component::Linker(engine), {socket}));
    auto interface = take(Interface::from_component(engine, component, "test:relay/root"));
    return take(Binding::create("test:relay", {{"root", interface}}, Cardinality::exactly_one,
                                {{"relay", instance}}));
  }

  // What the consumer's `relay-<function>` gave, written out.
  static std::string call(const Binding &relay, const std::string &function, const Val &arg) {
    auto results = take(relay.dispatch("root", "relay-" + function, std::span(&arg, 1)));
    const CallResult &result = results[0].result;
    if (!result)
      return "host error: " + result.err_ref().message();
    return to_string(*result.ok_ref());
  }

  wasmtime::Engine engine = make_engine();
  wasmtime::component::Linker linker{engine};
  wasmtime::component::Component child_component = load(engine, "bytes/bytes.wat");
  Interface child_interface =
      take(Interface::from_component(engine, child_component, "test:bytes/api"));
};

TEST_F(SocketBytes, ExactlyOneGivesEachShapesBytes) {
  auto r = relay(consumer(Gather::tuple, "(error $e)", all_cases),
                 child(Cardinality::exactly_one, {"a"}));
  EXPECT_EQ(call(r, "reverse", bytes_value("abc")), R"(("a", ok([99, 98, 97])))");
  EXPECT_EQ(call(r, "reverse", bytes_value("")), R"(("a", ok([])))");
  EXPECT_EQ(call(r, "upper", Val::string("héllo")), R"(("a", ok("HéLLO")))");
  EXPECT_EQ(call(r, "as-text", bytes_value("wörd")), R"(("a", ok("wörd")))");
  EXPECT_EQ(call(r, "as-bytes", Val::string("ö")), R"(("a", ok([195, 182])))");
}

// A plugin whose post-return overwrites its result, as one that frees it may
// (tests/bytes/clobber.wat, which returns each argument unchanged): the socket
// reads the result before post-return runs.
TEST_F(SocketBytes, TheResultIsReadBeforeThePluginsPostReturn) {
  const auto clobbering = load(engine, "bytes/clobber.wat");
  const auto interface = take(Interface::from_component(engine, clobbering, "test:bytes/api"));
  auto socket = [&](Cardinality cardinality, const std::vector<std::string> &ids) {
    Binding::Plugs plugs;
    for (const auto &id : ids)
      plugs.push_back({id, take(Plugin(clobbering).instantiate(engine, linker))});
    return take(Binding::create("test:bytes", {{"api", interface}}, cardinality, plugs));
  };
  auto one = relay(consumer(Gather::tuple, "(error $e)", all_cases),
                   socket(Cardinality::exactly_one, {"a"}));
  EXPECT_EQ(call(one, "reverse", bytes_value("abc")), R"(("a", ok([97, 98, 99])))");
  EXPECT_EQ(call(one, "as-text", bytes_value("wörd")), R"(("a", ok("wörd")))");
  auto all =
      relay(consumer(Gather::list, "(error $e)", all_cases), socket(Cardinality::any, {"a", "b"}));
  EXPECT_EQ(call(all, "upper", Val::string("hi")), R"([("a", ok("hi")), ("b", ok("hi"))])");
  // A trap in post-return after the result was read: one entry, an error.
  EXPECT_TRUE(call(one, "boom", bytes_value("x"))
                  .starts_with(R"(("a", err(runtime-exception("error while executing)"))
      << call(one, "boom", bytes_value("x"));
}

TEST_F(SocketBytes, AFailingPluginIsAnErrInTheConsumersVariant) {
  auto r = relay(consumer(Gather::tuple, "(error $e)", all_cases),
                 child(Cardinality::exactly_one, {"a"}));
  const std::uint8_t not_utf8[] = {0x66, 0xff, 0x6f};
  EXPECT_EQ(call(r, "as-text", bytes_value(not_utf8)),
            R"(("a", err(runtime-exception("invalid utf-8 sequence of 1 bytes from index 1"))))");
  EXPECT_EQ(
      call(r, "boom", bytes_value("x")),
      R"w(("a", err(runtime-exception("error while executing at wasm backtrace:\n    0:    0x165 - m!<wasm function 6>\n\nCaused by:\n    wasm trap: wasm `unreachable` instruction executed"))))w");
}

// The consumer's variant names its cases in its own order: an error is the
// case of its kind there, or runtime-exception with the message when the
// variant has no case of that kind.
TEST_F(SocketBytes, AnErrorIsTheCaseOfTheConsumersOwnOrder) {
  auto r = relay(consumer(Gather::tuple, "(error $e)",
                          R"((case "invalid-function" string) (case "runtime-exception" string))"),
                 child(Cardinality::exactly_one, {"a"}));
  const std::uint8_t not_utf8[] = {0xff};
  EXPECT_EQ(call(r, "as-text", bytes_value(not_utf8)),
            R"(("a", err(runtime-exception("invalid utf-8 sequence of 1 bytes from index 0"))))");
  EXPECT_EQ(call(r, "reverse", bytes_value("ok")), R"(("a", ok([107, 111])))");
}

TEST_F(SocketBytes, StringAndBareErrors) {
  const std::uint8_t not_utf8[] = {0xff};
  auto with_string =
      relay(consumer(Gather::tuple, "(error string)"), child(Cardinality::exactly_one, {"a"}));
  EXPECT_EQ(call(with_string, "as-text", bytes_value(not_utf8)),
            R"(("a", err("runtime-exception: invalid utf-8 sequence of 1 bytes from index 0")))");
  EXPECT_EQ(call(with_string, "upper", Val::string("x")), R"(("a", ok("X")))");
  auto bare = relay(consumer(Gather::tuple, ""), child(Cardinality::exactly_one, {"a"}));
  EXPECT_EQ(call(bare, "as-text", bytes_value(not_utf8)), R"(("a", err))");
  EXPECT_EQ(call(bare, "as-bytes", Val::string("y")), R"(("a", ok([121])))");
}

TEST_F(SocketBytes, AtMostOneIsNoneWhenEmpty) {
  const std::string text = consumer(Gather::option, "(error $e)", all_cases);
  auto empty = relay(text, child(Cardinality::at_most_one, {}));
  EXPECT_EQ(call(empty, "reverse", bytes_value("ab")), "none");
  auto full = relay(text, child(Cardinality::at_most_one, {"b"}));
  EXPECT_EQ(call(full, "reverse", bytes_value("ab")), R"(some(("b", ok([98, 97]))))");
}

// The list goes through the byte path, the map through the Val path: the
// same plugins give the same entries, errors included, in id order.
TEST_F(SocketBytes, AListGivesWhatTheValPathsMapGives) {
  for (auto cardinality : {Cardinality::at_least_one, Cardinality::any}) {
    auto list =
        relay(consumer(Gather::list, "(error $e)", all_cases), child(cardinality, {"b", "a"}));
    auto map =
        relay(consumer(Gather::map, "(error $e)", all_cases), child(cardinality, {"b", "a"}));
    const std::uint8_t not_utf8[] = {0xc3};
    for (const auto &[function, arg] :
         std::vector<std::pair<std::string, Val>>{{"reverse", bytes_value("xyz")},
                                                  {"upper", Val::string("ok")},
                                                  {"as-text", bytes_value(not_utf8)},
                                                  {"boom", bytes_value("")}}) {
      const std::string through_bytes = call(list, function, arg);
      EXPECT_EQ(through_bytes, call(map, function, arg)) << function;
      EXPECT_TRUE(through_bytes.starts_with(R"([("a", )")) << through_bytes;
    }
  }
  auto empty = relay(consumer(Gather::list, "", ""), child(Cardinality::any, {}));
  EXPECT_EQ(call(empty, "reverse", bytes_value("a")), "[]");
}

// A list whose plugins run on an executor's threads (under the thread
// sanitizer in CI) keeps each plugin's own entry, in id order.
TEST_F(SocketBytes, AParallelListKeepsEachPluginsEntryInIdOrder) {
  auto socket = child(Cardinality::any, {"c", "a", "b"});
  socket.parallel(std::make_shared<Executor>(2), {.min_cost = std::chrono::nanoseconds(0)});
  auto r = relay(consumer(Gather::list, "(error $e)", all_cases), socket);
  for (int round = 0; round < 20; ++round)
    ASSERT_EQ(call(r, "reverse", bytes_value("xy")),
              R"([("a", ok([121, 120])), ("b", ok([121, 120])), ("c", ok([121, 120]))])");
}

// A consumer whose hostcall budget (max_result_bytes) is counted in bytes on
// the byte path: 64 KiB fits in 70,000, which the Val path's values of 64 KiB
// elements would exceed many times over.
TEST_F(SocketBytes, SixtyFourKibFitsABudgetCountedInBytes) {
  std::vector<std::uint8_t> input(64 * 1024);
  std::iota(input.begin(), input.end(), std::uint8_t{0});
  auto r = relay(consumer(Gather::tuple, "(error $e)", all_cases),
                 child(Cardinality::exactly_one, {"a"}), {.max_result_bytes = 70'000});
  EXPECT_EQ(call(r, "reverse-length", bytes_value(input)), "65536");
  auto small = relay(consumer(Gather::tuple, "(error $e)", all_cases),
                     child(Cardinality::exactly_one, {"a"}), {.max_result_bytes = 60'000});
  EXPECT_TRUE(call(small, "reverse-length", bytes_value(input))
                  .starts_with("host error: runtime-exception: result too large "
                               "(max-result-bytes = 60000)"))
      << call(small, "reverse-length", bytes_value(input));
}

TEST_F(SocketBytes, SixtyFourKibComeBackReversed) {
  std::vector<std::uint8_t> input(64 * 1024);
  std::iota(input.begin(), input.end(), std::uint8_t{0});
  auto r = relay(consumer(Gather::tuple, "(error $e)", all_cases),
                 child(Cardinality::exactly_one, {"a"}));
  const Val arg = bytes_value(input);
  auto results = take(r.dispatch("root", "relay-reverse", std::span(&arg, 1)));
  const Val &entry = *results[0].result.ok_ref();
  const std::vector<Val> fields(entry.get_tuple().begin(), entry.get_tuple().end());
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].get_string(), "a");
  const auto &outcome = fields[1].get_result();
  ASSERT_TRUE(outcome.is_ok());
  std::vector<std::uint8_t> out;
  for (const Val &byte : outcome.payload()->get_list())
    out.push_back(byte.get_u8());
  EXPECT_EQ(out, std::vector<std::uint8_t>(input.rbegin(), input.rend()));
}

// The shim's byte socket (src/shim.h) on its own: the consumer gets what the
// callback adds, and what the callback may not add traps the consumer with a
// message naming it (shown here without the trap's backtrace).
class SocketBytesShim : public ::testing::Test {
protected:
  using Respond = std::function<void(std::span<const std::uint8_t>, wasm_link_socket_results_t *)>;

  // Calls the consumer's `relay-reverse` with `arg`, its imports defined as
  // byte sockets gathered by `container` with error form `error`, whose
  // callback is `respond`; what it gave, written out, or the trap's message.
  std::string run(const std::string &text, std::uint8_t container, std::uint8_t error,
                  Respond respond, const Val &arg) {
    auto component = take(compile_component(engine, text, "consumer.wat"));
    wasmtime::component::Linker linker(engine);
    {
      auto root = linker.root();
      auto api = root.add_instance("test:bytes/api").unwrap();
      for (const auto &f : imported) {
        const wasm_link_socket_bytes_shape_t shape{container, f.in == "string", f.out == "string",
                                                   error};
        auto callback = [](void *data, const std::uint8_t *input, std::size_t size,
                           wasm_link_socket_results_t *results) -> wasmtime_error_t * {
          (*static_cast<Respond *>(data))(std::span(input, size), results);
          return nullptr;
        };
        if (wasmtime_error_t *failed = wasm_link_component_linker_instance_add_socket_bytes(
                api.capi(), f.name.data(), f.name.size(), shape, callback, &respond, nullptr))
          return "define: " + wasmtime::Error(failed).message();
      }
    }
    wasmtime::Store store(engine);
    auto instance = linker.instantiate(store.context(), component);
    if (!instance)
      return "instantiate: " + instance.err().message();
    auto root = component.export_index(nullptr, "test:relay/root");
    auto index = component.export_index(&*root, "relay-reverse");
    auto func = *instance.ok_ref().get_func(store.context(), *index);
    Val result(false);
    auto called = func.call(store.context(), std::span(&arg, 1), std::span(&result, 1));
    if (!called)
      return cause(called.err().message());
    func.post_return(store.context()).unwrap();
    return to_string(result);
  }

  // A trap's cause, without its backtrace.
  static std::string cause(std::string message) {
    const std::string_view marker = "Caused by:\n    ";
    if (auto at = message.find(marker); at != std::string::npos)
      message.erase(0, at + marker.size());
    while (!message.empty() && message.back() == '\n')
      message.pop_back();
    return message;
  }

  static void ok(wasm_link_socket_results_t *results, std::string_view id, std::string_view bytes) {
    wasm_link_socket_results_ok(results, id.data(), id.size(),
                                reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
  }

  wasmtime::Engine engine = make_engine();
};

TEST_F(SocketBytesShim, TheCallbackSeesTheArgumentAndGivesTheEntries) {
  std::string seen;
  auto respond = [&](std::span<const std::uint8_t> input, wasm_link_socket_results_t *results) {
    seen.assign(input.begin(), input.end());
    ok(results, "p", "out");
    const std::string message = "no";
    wasm_link_socket_results_err(results, "q", 1, 4, message.data(), message.size());
    wasm_link_socket_results_err(results, "r", 1, 0, nullptr, 0);
  };
  EXPECT_EQ(
      run(consumer(Gather::list, "(error $e)", all_cases), WASM_LINK_SOCKET_LIST,
          WASM_LINK_SOCKET_ERROR_VARIANT, respond, bytes_value("in")),
      R"([("p", ok([111, 117, 116])), ("q", err(runtime-exception("no"))), ("r", err(lock-rejected))])");
  EXPECT_EQ(seen, "in");
}

TEST_F(SocketBytesShim, AnExactlyOneSocketGivesOneEntry) {
  const std::string text = consumer(Gather::tuple, "(error string)");
  auto none = [](std::span<const std::uint8_t>, wasm_link_socket_results_t *) {};
  EXPECT_EQ(run(text, WASM_LINK_SOCKET_TUPLE, WASM_LINK_SOCKET_ERROR_STRING, none, bytes_value("")),
            "an exactly-one socket gives one result");
  auto two = [](std::span<const std::uint8_t>, wasm_link_socket_results_t *results) {
    ok(results, "a", "");
    ok(results, "b", "");
  };
  EXPECT_EQ(run(text, WASM_LINK_SOCKET_TUPLE, WASM_LINK_SOCKET_ERROR_STRING, two, bytes_value("")),
            "an exactly-one socket gives one result");
  const std::string option = consumer(Gather::option, "(error string)");
  EXPECT_EQ(
      run(option, WASM_LINK_SOCKET_OPTION, WASM_LINK_SOCKET_ERROR_STRING, two, bytes_value("")),
      "an at-most-one socket gives at most one result");
}

TEST_F(SocketBytesShim, AnErrorCaseOutsideTheVariantOrWithTheWrongPayloadTraps) {
  const std::string text = consumer(Gather::tuple, "(error $e)", all_cases);
  auto beyond = [](std::span<const std::uint8_t>, wasm_link_socket_results_t *results) {
    wasm_link_socket_results_err(results, "a", 1, 11, "m", 1);
  };
  EXPECT_EQ(
      run(text, WASM_LINK_SOCKET_TUPLE, WASM_LINK_SOCKET_ERROR_VARIANT, beyond, bytes_value("")),
      "error case 11 is not one of the variant's");
  auto payload = [](std::span<const std::uint8_t>, wasm_link_socket_results_t *results) {
    wasm_link_socket_results_err(results, "a", 1, 0, "m", 1); // lock-rejected carries nothing
  };
  EXPECT_EQ(
      run(text, WASM_LINK_SOCKET_TUPLE, WASM_LINK_SOCKET_ERROR_VARIANT, payload, bytes_value("")),
      "error case 0 takes another payload");
}

TEST_F(SocketBytesShim, TextThatIsNotUtf8Traps) {
  const std::string text = consumer(Gather::tuple, "(error string)");
  auto id = [](std::span<const std::uint8_t>, wasm_link_socket_results_t *results) {
    ok(results, "\xff", "");
  };
  EXPECT_EQ(run(text, WASM_LINK_SOCKET_TUPLE, WASM_LINK_SOCKET_ERROR_STRING, id, bytes_value("")),
            "a socket's plugin id is not UTF-8");
  auto message = [](std::span<const std::uint8_t>, wasm_link_socket_results_t *results) {
    wasm_link_socket_results_err(results, "a", 1, 0, "\xc3", 1);
  };
  EXPECT_EQ(
      run(text, WASM_LINK_SOCKET_TUPLE, WASM_LINK_SOCKET_ERROR_STRING, message, bytes_value("")),
      "a socket's error message is not UTF-8");
}

TEST_F(SocketBytesShim, AShapeThatIsNotTheImportsFailsInstantiation) {
  auto respond = [](std::span<const std::uint8_t>, wasm_link_socket_results_t *) {};
  // A variant error defined where the import's is a string.
  const std::string found = run(consumer(Gather::tuple, "(error string)"), WASM_LINK_SOCKET_TUPLE,
                                WASM_LINK_SOCKET_ERROR_VARIANT, respond, bytes_value(""));
  EXPECT_TRUE(found.starts_with("instantiate: ")) << found;
  EXPECT_NE(found.find("expected an error variant"), std::string::npos) << found;
  EXPECT_EQ(
      run(consumer(Gather::tuple, ""), 7, WASM_LINK_SOCKET_ERROR_NONE, respond, bytes_value("")),
      "define: no byte socket gathers its results as 7");
  EXPECT_EQ(run(consumer(Gather::tuple, ""), WASM_LINK_SOCKET_TUPLE, 9, respond, bytes_value("")),
            "define: no byte socket has error form 9");
}

// What fails to be defined is refused with a message, and its data is still
// finalized, once.
TEST_F(SocketBytesShim, ANameThatIsNotUtf8IsRefusedAndItsDataFinalized) {
  static int finalized = 0;
  finalized = 0;
  auto callback = [](void *, const std::uint8_t *, std::size_t,
                     wasm_link_socket_results_t *) -> wasmtime_error_t * { return nullptr; };
  {
    wasmtime::component::Linker linker(engine);
    auto root = linker.root();
    auto api = root.add_instance("test:bytes/api").unwrap();
    const wasm_link_socket_bytes_shape_t shape{WASM_LINK_SOCKET_TUPLE, false, false,
                                               WASM_LINK_SOCKET_ERROR_NONE};
    wasmtime_error_t *failed = wasm_link_component_linker_instance_add_socket_bytes(
        api.capi(), "\xff", 1, shape, callback, nullptr, [](void *) { ++finalized; });
    ASSERT_NE(failed, nullptr);
    EXPECT_EQ(wasmtime::Error(failed).message(), "host function name is not valid UTF-8");
    EXPECT_EQ(finalized, 1);
    // A defined one is finalized when its linker goes.
    EXPECT_EQ(wasm_link_component_linker_instance_add_socket_bytes(
                  api.capi(), "reverse", 7, shape, callback, nullptr, [](void *) { ++finalized; }),
              nullptr);
    EXPECT_EQ(finalized, 1);
  }
  EXPECT_EQ(finalized, 2);
}

} // namespace
} // namespace wasm_link
