// 64 KiB through a socket, this runtime's side (floor_bench.cc has the floor's,
// bench/rust the crate's): bytes_consumer.wat sends a 64 KiB list<u8> to the
// provider's echo-bytes through its `exactly-one` socket and gets it back,
// socket_bytes_calls times per host dispatch; an operation is one socket call.
#include "support.hh"

namespace wasm_link::bench {
namespace {

Binding provider() {
  static wasmtime::component::Linker no_imports(engine());
  const auto &echo = component("provider.wat");
  return take(Binding::create(
      "bench:provider",
      {{"api", take(Interface::from_component(engine(), echo, "bench:provider/api"))}},
      Cardinality::exactly_one,
      {{"provider", take(Plugin(echo).instantiate(engine(), no_imports))}}));
}

Binding bytes_consumer(Binding socket) {
  const auto &consumer = component("bytes_consumer.wat");
  auto linked =
      take(Plugin(consumer).link(engine(), wasmtime::component::Linker(engine()), {socket}));
  return take(Binding::create(
      "bench:consumer",
      {{"run", take(Interface::from_component(engine(), consumer, "bench:consumer/run"))}},
      Cardinality::exactly_one, {{"consumer", linked}}));
}

// The one plugin's value, as WAVE, or its error.
std::string first_value(const Result<DispatchResults, DispatchError> &results) {
  if (!results)
    return "dispatch error: " + results.err_ref().message();
  if (results.ok_ref().empty())
    return "no result";
  const CallResult &result = results.ok_ref()[0].result;
  if (!result)
    return "error: " + result.err_ref().message();
  return result.ok_ref() ? to_string(*result.ok_ref()) : "nothing";
}

void socket_bytes_64k(benchmark::State &state) {
  const Binding relay = bytes_consumer(provider());
  const Val n(socket_bytes_calls);
  expect(state, "call-bytes", first_value(relay.dispatch("run", "call-bytes", {&n, 1})),
         std::to_string(socket_bytes_sum(socket_bytes_calls)));
  for (auto _ : state) {
    auto results = relay.dispatch("run", "call-bytes", {&n, 1});
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations() * socket_bytes_calls);
}

const bool registered = [] {
  benchmark::RegisterBenchmark("ours/socket_bytes_64k", socket_bytes_64k);
  return true;
}();

} // namespace
} // namespace wasm_link::bench
