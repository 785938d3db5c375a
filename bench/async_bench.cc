// The async cases (bench/async runs them, interleaved with the Rust crate's):
// this runtime calling `async func`s, from the host and through a socket, on an
// engine from concurrent_config(), beside the same sync calls on that engine
// and on the default one; and the host's dispatch_async.
#include "support.hh"

namespace wasm_link::bench {
namespace {

// The engine async plugins need.
wasmtime::Engine &concurrent_engine() {
  static wasmtime::Engine engine(concurrent_config());
  return engine;
}

wasmtime::Engine &sync_engine() {
  static wasmtime::Engine engine(default_config());
  return engine;
}

const wasmtime::component::Component &compiled(wasmtime::Engine &engine, const std::string &name) {
  static std::map<std::pair<const void *, std::string>, wasmtime::component::Component> cache;
  const auto key = std::make_pair(static_cast<const void *>(&engine), name);
  auto found = cache.find(key);
  if (found == cache.end())
    found = cache
                .emplace(key, take(load_component(
                                  engine, std::filesystem::path(WASM_LINK_BENCH_FIXTURES) / name)))
                .first;
  return found->second;
}

// The provider `fixture` alone in an exactly-one binding of `bench:provider`.
Binding provider(wasmtime::Engine &engine, const std::string &fixture) {
  const auto &component = compiled(engine, fixture);
  wasmtime::component::Linker linker(engine);
  auto interface = take(Interface::from_component(engine, component, "bench:provider/api"));
  return take(Binding::create("bench:provider", {{"api", interface}}, Cardinality::exactly_one,
                              {{"provider", take(Plugin(component).instantiate(engine, linker))}}));
}

// The consumer `fixture` linked to `socket`, alone in a binding of its own.
Binding consumer(wasmtime::Engine &engine, const std::string &fixture, const Binding &socket) {
  const auto &component = compiled(engine, fixture);
  auto interface = take(Interface::from_component(engine, component, "bench:consumer/run"));
  auto linked = take(Plugin(component).link(engine, wasmtime::component::Linker(engine), {socket}));
  return take(Binding::create("bench:consumer", {{"run", interface}}, Cardinality::exactly_one,
                              {{"consumer", linked}}));
}

std::string value_of(const Result<DispatchResults, DispatchError> &results) {
  if (!results)
    return "dispatch error: " + results.err_ref().message();
  const CallResult &result = results.ok_ref()[0].result;
  if (!result)
    return "error: " + result.err_ref().message();
  return to_string(*result.ok_ref());
}

// Host get-u32: `fixture` on `engine`.
void host_u32(benchmark::State &state, wasmtime::Engine *engine, std::string fixture) {
  const Binding binding = provider(*engine, fixture);
  expect(state, "get-u32", value_of(binding.dispatch("api", "get-u32", {})), "42");
  for (auto _ : state) {
    auto results = binding.dispatch("api", "get-u32", {});
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
}

// socket_calls socket calls of get-u32 per host dispatch, as ours/socket_u32.
void socket_u32(benchmark::State &state, wasmtime::Engine *engine, std::string consumer_fixture,
                std::string provider_fixture) {
  const Binding relay = consumer(*engine, consumer_fixture, provider(*engine, provider_fixture));
  const Val n(socket_calls);
  expect(state, "call-u32", value_of(relay.dispatch("run", "call-u32", {&n, 1})),
         std::to_string(42 * socket_calls));
  for (auto _ : state) {
    auto results = relay.dispatch("run", "call-u32", {&n, 1});
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations() * socket_calls);
}

// The host's dispatch_async of the async get-u32, waited for: a future and a
// hand-over to an executor's worker on top of the call.
void host_u32_dispatch_async(benchmark::State &state) {
  const Binding binding = provider(concurrent_engine(), "provider_async.wat");
  Executor executor(1);
  expect(state, "get-u32", value_of(binding.dispatch_async(executor, "api", "get-u32", {}).get()),
         "42");
  for (auto _ : state) {
    auto results = binding.dispatch_async(executor, "api", "get-u32", {}).get();
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
}

// Process CPU time, as the Rust harness measures: dispatch_async and the socket
// calls of async plugins run on threads of their own.
const bool registered = [] {
  auto add = [](const char *name, auto &&...args) {
    benchmark::RegisterBenchmark(name, args...)->MeasureProcessCPUTime();
  };
  add("async/host_u32/sync_fn_default_engine", host_u32, &sync_engine(), "provider.wat");
  add("async/host_u32/sync_fn_concurrent_engine", host_u32, &concurrent_engine(), "provider.wat");
  add("async/host_u32/async_fn", host_u32, &concurrent_engine(), "provider_async.wat");
  add("async/host_u32/async_fn_dispatch_async", host_u32_dispatch_async);
  add("async/socket_u32/sync_default_engine", socket_u32, &sync_engine(), "consumer.wat",
      "provider.wat");
  add("async/socket_u32/sync_concurrent_engine", socket_u32, &concurrent_engine(), "consumer.wat",
      "provider.wat");
  add("async/socket_u32/async", socket_u32, &concurrent_engine(), "consumer_async.wat",
      "provider_async.wat");
  return true;
}();

} // namespace
} // namespace wasm_link::bench
