// Live changes (Binding::add, remove, replace), this runtime against itself:
// what one replace costs in a graph of 100 plugins (a binding of 100 providers
// that a consumer has as its socket), and host and socket calls into a binding
// that never changed against one that was changed. bench/live runs these cases
// interleaved and writes their section of docs/BENCHMARKS.md; bench/run leaves
// them out.
#include "support.hh"

namespace wasm_link::bench {
namespace {

PluginInstance instantiate(const std::string &fixture) {
  static wasmtime::component::Linker no_imports(engine());
  return take(Plugin(component(fixture)).instantiate(engine(), no_imports));
}

const Interface &provider_api() {
  static const Interface api =
      take(Interface::from_component(engine(), component("provider.wat"), "bench:provider/api"));
  return api;
}

Binding providers(Cardinality cardinality, std::size_t count) {
  Binding::Plugs plugs;
  for (std::size_t i = 0; i < count; ++i)
    plugs.push_back({plugin_id(i), instantiate("provider.wat")});
  return take(
      Binding::create("bench:provider", {{"api", provider_api()}}, cardinality, std::move(plugs)));
}

Binding consumer_of(const Binding &socket) {
  const auto &fixture = component("fan_out_consumer.wat");
  static const Interface run =
      take(Interface::from_component(engine(), fixture, "bench:consumer/run"));
  auto linked =
      take(Plugin(fixture).link(engine(), wasmtime::component::Linker(engine()), {socket}));
  return take(Binding::create("bench:consumer", {{"run", run}}, Cardinality::exactly_one,
                              {{"consumer", linked}}));
}

// Replaces plugin p50 of a 100-plugin binding, which a consumer has as its
// socket, with one of two instances made beforehand, in turn: the cost of the
// change itself (checking the plugin, the new roster, retiring the old one).
void replace_in_100(benchmark::State &state) {
  const Binding binding = providers(Cardinality::any, 100);
  const Binding consumer = consumer_of(binding);
  const PluginInstance spare[2] = {instantiate("provider.wat"), instantiate("provider.wat")};
  std::size_t turn = 0;
  for (auto _ : state) {
    auto replaced = binding.replace({"p50", spare[turn++ % 2]});
    if (!replaced)
      state.SkipWithError(replaced.err().message().c_str());
  }
  const Val n(1);
  auto calls = consumer.dispatch("run", "fan-out", {&n, 1});
  expect(state, "consumer after the replaces", calls ? "ok" : calls.err().message(), "ok");
  state.SetItemsProcessed(state.iterations());
}

// A binding of `plugins` providers, changed before the timed loop or not:
// `changed` replaces the middle plugin and adds and removes one more, so its
// roster is a later one and its plugs' keys no longer follow their ids.
Binding providers_maybe_changed(std::size_t plugins, bool changed) {
  Binding binding = providers(plugins == 1 ? Cardinality::exactly_one : Cardinality::any, plugins);
  if (changed) {
    take(binding.replace({plugin_id(plugins / 2), instantiate("provider.wat")}));
    if (plugins > 1) {
      take(binding.add({"zz", instantiate("provider.wat")}));
      take(binding.remove("zz"));
    }
  }
  return binding;
}

// A prepared `get-u32` into a binding of `plugins` providers, each of which answers.
void host_u32(benchmark::State &state, std::size_t plugins, bool changed) {
  const Binding binding = providers_maybe_changed(plugins, changed);
  const PreparedCall call = take(binding.prepare("api", "get-u32"));
  auto check = call({});
  expect(state, "get-u32", std::to_string(check ? check.ok_ref().size() : 0),
         std::to_string(plugins));
  for (auto _ : state) {
    auto outcomes = call({});
    benchmark::DoNotOptimize(outcomes);
  }
  state.SetItemsProcessed(state.iterations());
}

// Socket calls (an operation is one) from a consumer into one provider.
void socket_u32(benchmark::State &state, bool changed) {
  const Binding provider = providers_maybe_changed(1, changed);
  const auto &fixture = component("consumer.wat");
  static const Interface run =
      take(Interface::from_component(engine(), fixture, "bench:consumer/run"));
  const Binding consumer = take(Binding::create(
      "bench:consumer", {{"run", run}}, Cardinality::exactly_one,
      {{"consumer",
        take(Plugin(fixture).link(engine(), wasmtime::component::Linker(engine()), {provider}))}}));
  const Val n(socket_calls);
  for (auto _ : state) {
    auto results = consumer.dispatch("run", "call-u32", {&n, 1});
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations() * socket_calls);
}

const bool registered = [] {
  benchmark::RegisterBenchmark("live/replace_in_100", replace_in_100);
  for (const auto &[name, changed] :
       {std::pair{"never_changed", false}, std::pair{"changed", true}}) {
    benchmark::RegisterBenchmark((std::string("live/host_u32/") + name).c_str(), host_u32,
                                 std::size_t{1}, changed);
    benchmark::RegisterBenchmark((std::string("live/host_fan_out_100/") + name).c_str(), host_u32,
                                 std::size_t{100}, changed);
    benchmark::RegisterBenchmark((std::string("live/socket_u32/") + name).c_str(), socket_u32,
                                 changed);
  }
  return true;
}();

} // namespace
} // namespace wasm_link::bench
