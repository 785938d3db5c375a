// Contender (a), this runtime: plugins placed in bindings, called from the host
// with Binding::dispatch and from plugin to plugin through sockets.
#include "support.hh"

namespace wasm_link::bench {
namespace {

// Plugins without sockets all instantiate with one linker, as in an application.
PluginInstance instantiate(const std::string &fixture) {
  static wasmtime::component::Linker no_imports(engine());
  return take(Plugin(component(fixture)).instantiate(engine(), no_imports));
}

// An interface, read from a component once: like the compiled components, the
// interfaces are at hand before a graph is built (the Rust harness writes them).
const Interface &interface_of(const std::string &fixture, const std::string &name) {
  static std::map<std::string, Interface, std::less<>> read;
  auto found = read.find(fixture + " " + name);
  if (found == read.end())
    found = read.emplace(fixture + " " + name,
                         take(Interface::from_component(engine(), component(fixture), name)))
                .first;
  return found->second;
}

// `count` provider plugins in a binding of `bench:provider`. One plugin is
// called `provider`; more are p0, p1, ...
Binding providers(Cardinality cardinality, std::size_t count) {
  Binding::Plugs plugs;
  plugs.reserve(count); // as the other contenders hold theirs: no growth
  for (std::size_t i = 0; i < count; ++i)
    plugs.push_back({count == 1 ? "provider" : plugin_id(i), instantiate("provider.wat")});
  return take(Binding::create("bench:provider",
                              {{"api", interface_of("provider.wat", "bench:provider/api")}},
                              cardinality, std::move(plugs)));
}

// A consumer linked to `socket`, alone in a binding of its own package.
Binding consumer(const std::string &fixture, const std::string &package, Binding socket) {
  auto linked = take(
      Plugin(component(fixture)).link(engine(), wasmtime::component::Linker(engine()), {socket}));
  return take(Binding::create(package, {{"run", interface_of(fixture, package + "/run")}},
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

void host_dispatch(benchmark::State &state, std::string_view function, const Val &arg,
                   std::size_t arg_count) {
  const Binding binding = providers(Cardinality::exactly_one, 1);
  const std::span<const Val> args(&arg, arg_count);
  const std::string wanted = arg_count == 0 ? "42" : to_string(arg);
  expect(state, std::string(function), first_value(binding.dispatch("api", function, args)),
         wanted);
  for (auto _ : state) {
    auto results = binding.dispatch("api", function, args);
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
}

// As host_dispatch, through a call prepared once (Binding::prepare).
void host_prepared(benchmark::State &state, std::string_view function, const Val &arg,
                   std::size_t arg_count) {
  const Binding binding = providers(Cardinality::exactly_one, 1);
  const PreparedCall call = take(binding.prepare("api", function));
  const std::span<const Val> args(&arg, arg_count);
  const std::string wanted = arg_count == 0 ? "42" : to_string(arg);
  expect(state, std::string(function), first_value(binding.dispatch("api", function, args)),
         wanted);
  for (auto _ : state) {
    auto outcomes = call(args);
    benchmark::DoNotOptimize(outcomes);
  }
  state.SetItemsProcessed(state.iterations());
}

// Host dispatch to an `any` binding of `plugins` plugins.
void host_fan_out(benchmark::State &state) {
  const auto plugins = static_cast<std::size_t>(state.range(0));
  const Binding binding = providers(Cardinality::any, plugins);
  auto check = binding.dispatch("api", "get-u32", {});
  expect(state, "host fan-out", std::to_string(check ? check.ok_ref().size() : 0),
         std::to_string(plugins));
  for (auto _ : state) {
    auto results = binding.dispatch("api", "get-u32", {});
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
}

// One host dispatch into a consumer whose export makes `calls` socket calls;
// an operation is one socket call.
void socket_loop(benchmark::State &state, const Binding &consumer, std::string_view function,
                 std::uint32_t calls, const std::string &wanted) {
  const Val n(calls);
  expect(state, std::string(function), first_value(consumer.dispatch("run", function, {&n, 1})),
         wanted);
  for (auto _ : state) {
    auto results = consumer.dispatch("run", function, {&n, 1});
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations() * calls);
}

void socket_u32(benchmark::State &state) {
  const Binding relay =
      consumer("consumer.wat", "bench:consumer", providers(Cardinality::exactly_one, 1));
  socket_loop(state, relay, "call-u32", socket_calls, std::to_string(42 * socket_calls));
}

// 64 KiB as a list<u8> through an `exactly-one` socket and back
// (bytes_consumer.wat); an operation is one socket call.
void socket_bytes_64k(benchmark::State &state) {
  const Binding relay =
      consumer("bytes_consumer.wat", "bench:consumer", providers(Cardinality::exactly_one, 1));
  socket_loop(state, relay, "call-bytes", socket_bytes_calls,
              std::to_string(socket_bytes_sum(socket_bytes_calls)));
}

void fan_out(benchmark::State &state) {
  const auto plugins = static_cast<std::size_t>(state.range(0));
  const Binding relay =
      consumer("fan_out_consumer.wat", "bench:consumer", providers(Cardinality::any, plugins));
  const std::uint32_t calls = fan_outs(plugins);
  socket_loop(state, relay, "fan-out", calls, std::to_string(42 * plugins * calls));
}

// A consumer makes a counter through its socket, calls a method on it and
// drops it: the handle is wrapped, the method routed to the provider, and the
// drop runs the provider's destructor.
void resource_round_trip(benchmark::State &state) {
  auto skip = [&](const Error &error) {
    state.SkipWithError(("cannot build the resource graph: " + error.message()).c_str());
  };
  auto created = Binding::create(
      "bench:counter", {{"api", interface_of("counter_provider.wat", "bench:counter/api")}},
      Cardinality::exactly_one, {{"counter", instantiate("counter_provider.wat")}});
  if (!created)
    return skip(created.err());
  const Binding counters = created.ok();
  auto linked = Plugin(component("counter_consumer.wat"))
                    .link(engine(), wasmtime::component::Linker(engine()), {counters});
  if (!linked)
    return skip(linked.err());
  const Binding relay = take(
      Binding::create("bench:counter-consumer",
                      {{"run", interface_of("counter_consumer.wat", "bench:counter-consumer/run")}},
                      Cardinality::exactly_one, {{"consumer", linked.ok()}}));
  const Val n(round_trips);
  auto check = relay.dispatch("run", "round-trip", {&n, 1});
  const std::string got = first_value(check);
  if (got == "4294967295" || got == "4294967294" || got.rfind("error", 0) == 0)
    expect(state, "round-trip", got, "a sum of counter values");
  for (auto _ : state) {
    auto results = relay.dispatch("run", "round-trip", {&n, 1});
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations() * round_trips);
  // Every dropped handle must have reached the provider's destructor.
  expect(state, "live counters after the round trips",
         first_value(counters.dispatch("api", "live-counters", {})), "0");
}

// Builds (and tears down) a graph of `plugins` plugins from compiled components:
// plugins - 1 providers in an `any` binding, and a consumer with that binding as
// its socket, in a binding of its own.
void graph_build(benchmark::State &state) {
  const auto plugins = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    Binding relay = consumer("fan_out_consumer.wat", "bench:consumer",
                             providers(Cardinality::any, plugins - 1));
    benchmark::DoNotOptimize(relay);
  }
  state.SetItemsProcessed(state.iterations());
}

// Resident memory per plugin: `resident_plugins` providers instantiated and
// placed in one binding, each called once. A first plugin, made and dropped
// before, keeps one-time costs (compiling, reading the interface) out.
void resident_memory(benchmark::State &state) {
  providers(Cardinality::any, 1);
  for (auto _ : state) {
    settle_heap();
    const std::size_t before = resident_bytes();
    {
      const Binding binding = providers(Cardinality::any, resident_plugins);
      // Dropped before the figure, as the other contenders drop theirs.
      benchmark::DoNotOptimize(binding.dispatch("api", "get-u32", {}));
      state.counters["bytes_per_plugin"] =
          static_cast<double>(resident_bytes() - before) / resident_plugins;
    }
  }
}

const bool registered = [] {
  const Val none(false);
  benchmark::RegisterBenchmark("ours/host_u32", host_dispatch, "get-u32", none, 0);
  benchmark::RegisterBenchmark("ours/host_string_1k", host_dispatch, "echo-string", string_1k(), 1);
  benchmark::RegisterBenchmark("ours/host_bytes_64k", host_dispatch, "echo-bytes", bytes_64k(), 1);
  benchmark::RegisterBenchmark("ours/host_record_8", host_dispatch, "echo-record", record_8(), 1);
  benchmark::RegisterBenchmark("ours/host_u32_prepared", host_prepared, "get-u32", none, 0);
  benchmark::RegisterBenchmark("ours/host_string_1k_prepared", host_prepared, "echo-string",
                               string_1k(), 1);
  benchmark::RegisterBenchmark("ours/host_record_8_prepared", host_prepared, "echo-record",
                               record_8(), 1);
  benchmark::RegisterBenchmark("ours/host_fan_out", host_fan_out)->Arg(1)->Arg(10)->Arg(100);
  benchmark::RegisterBenchmark("ours/socket_u32", socket_u32);
  benchmark::RegisterBenchmark("ours/socket_bytes_64k", socket_bytes_64k);
  benchmark::RegisterBenchmark("ours/fan_out", fan_out)->Arg(1)->Arg(10)->Arg(100);
  benchmark::RegisterBenchmark("ours/resource_round_trip", resource_round_trip);
  benchmark::RegisterBenchmark("ours/graph_build", graph_build)->Arg(10)->Arg(100)->Arg(1000);
  benchmark::RegisterBenchmark("ours/resident_memory", resident_memory)->Iterations(1);
  return true;
}();

} // namespace
} // namespace wasm_link::bench
