// Contender (b), the floor: the same fixtures driven through Wasmtime's
// component C++ API with no runtime around them. Functions are looked up once
// and called with prebuilt arguments. Where the runtime relays between plugins,
// `floor_relay` does the same relay by hand: a host function of the consumer's
// linker that calls the provider's instance and builds the socket's result
// shape, with nothing else (no locks, no checks, no error mapping on the way).
#include "support.hh"

#include <deque>
#include <memory>
#include <optional>

namespace wasm_link::bench {
namespace {

using wasmtime::Span;
using wasmtime::Store;
using wasmtime::component::Func;
using wasmtime::component::FuncType;
using wasmtime::component::Linker;
using wasmtime::component::WitResult;

// One instance in a store of its own.
struct Instance {
  explicit Instance(const std::string &fixture, Linker &linker)
      : store(engine()), instance(take(linker.instantiate(store.context(), component(fixture)))) {}
  explicit Instance(const std::string &fixture) : Instance(fixture, no_imports()) {}

  // The function `name` of the exported instance `interface`.
  Func func(const std::string &fixture, std::string_view interface, std::string_view name) {
    const auto &compiled = component(fixture);
    auto instance_index = compiled.export_index(nullptr, interface);
    if (!instance_index)
      fail(fixture + " exports no " + std::string(interface));
    auto func_index = compiled.export_index(&*instance_index, name);
    if (!func_index)
      fail(fixture + " exports no " + std::string(name));
    auto found = instance.get_func(store.context(), *func_index);
    if (!found)
      fail(fixture + ": " + std::string(name) + " is not a function");
    return *found;
  }

  static Linker &no_imports() {
    static Linker linker(engine());
    return linker;
  }

  Store store;
  wasmtime::component::Instance instance;
};

struct Provider : Instance {
  explicit Provider(std::string_view function = "get-u32")
      : Instance("provider.wat"), call(func("provider.wat", "bench:provider/api", function)) {}
  Func call;
};

Val call(Store &store, const Func &func, std::span<const Val> args) {
  Val result(false);
  auto called =
      func.call(store.context(), Span<const Val>(args.data(), args.size()), Span<Val>(&result, 1));
  if (!called)
    fail(called.err().message());
  return result;
}

void host_call(benchmark::State &state, std::string_view function, const Val &arg,
               std::size_t arg_count) {
  Provider provider(function);
  const std::span<const Val> args(&arg, arg_count);
  expect(state, std::string(function), to_string(call(provider.store, provider.call, args)),
         arg_count == 0 ? "42" : to_string(arg));
  auto context = provider.store.context();
  for (auto _ : state) {
    Val result(false);
    auto called = provider.call.call(context, Span<const Val>(args.data(), args.size()),
                                     Span<Val>(&result, 1));
    benchmark::DoNotOptimize(called);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}

void host_fan_out(benchmark::State &state) {
  std::deque<Provider> providers(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    for (Provider &provider : providers) {
      Val result(false);
      auto called = provider.call.call(provider.store.context(), {}, Span<Val>(&result, 1));
      benchmark::DoNotOptimize(called);
      benchmark::DoNotOptimize(result);
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// The result of a relayed call in the socket's shape: ok(value), or the error
// as dispatch-error's runtime-exception.
Val relayed(Store &store, const Func &func, Span<Val> args) {
  Val value(false);
  auto called =
      func.call(store.context(), Span<const Val>(args.data(), args.size()), Span<Val>(&value, 1));
  if (!called)
    return WitResult::err(Val(
        wasmtime::component::Variant("runtime-exception", Val::string(called.err().message()))));
  return WitResult::ok(std::move(value));
}

// Defines the socket function `bench:provider/api`.`function` as `relay`.
template <typename Relay>
void define_relay(Linker &linker, Relay relay, std::string_view function = "get-u32") {
  auto root = linker.root();
  auto api = take(root.add_instance("bench:provider/api"));
  take(api.add_func(function, std::move(relay)));
}

// Calls `run(n)` in `store` for the length of the benchmark.
void time_runs(benchmark::State &state, wasmtime::Store &store, const Func &run, const Val &n) {
  auto context = store.context();
  for (auto _ : state) {
    Val result(false);
    auto called = run.call(context, Span<const Val>(&n, 1), Span<Val>(&result, 1));
    benchmark::DoNotOptimize(called);
    benchmark::DoNotOptimize(result);
  }
}

void socket_loop(benchmark::State &state, Instance &consumer, const std::string &fixture,
                 const std::string &package, std::string_view function, std::uint32_t calls,
                 const std::string &wanted) {
  const Func run = consumer.func(fixture, package + "/run", function);
  const Val n(calls);
  expect(state, std::string(function), to_string(call(consumer.store, run, {&n, 1})), wanted);
  time_runs(state, consumer.store, run, n);
  state.SetItemsProcessed(state.iterations() * calls);
}

// One host -> guest call per socket call, with no consumer: what the issue's
// "within 2.5x of one floor call" compares a socket call to is floor/host_u32;
// this is the hand-made two-instance relay.
void socket_u32_relay(benchmark::State &state) {
  Provider provider;
  Linker linker(engine());
  define_relay(linker,
               [&provider](Store::Context, const FuncType &, Span<Val> args,
                           Span<Val> results) -> wasmtime::Result<std::monostate> {
                 results[0] = wasmtime::component::Tuple(
                     {Val::string("provider"), relayed(provider.store, provider.call, args)});
                 return std::monostate();
               });
  Instance consumer("consumer.wat", linker);
  socket_loop(state, consumer, "consumer.wat", "bench:consumer", "call-u32", socket_calls,
              std::to_string(42 * socket_calls));
}

// 64 KiB in and out through the hand-made relay: the C API hands the host
// function the consumer's list<u8> as one value per byte, and the relay passes
// them to the provider's echo-bytes as they are.
void socket_bytes_64k_relay(benchmark::State &state) {
  Provider provider("echo-bytes");
  Linker linker(engine());
  define_relay(
      linker,
      [&provider](Store::Context, const FuncType &, Span<Val> args,
                  Span<Val> results) -> wasmtime::Result<std::monostate> {
        results[0] = wasmtime::component::Tuple(
            {Val::string("provider"), relayed(provider.store, provider.call, args)});
        return std::monostate();
      },
      "echo-bytes");
  Instance consumer("bytes_consumer.wat", linker);
  socket_loop(state, consumer, "bytes_consumer.wat", "bench:consumer", "call-bytes",
              socket_bytes_calls, std::to_string(socket_bytes_sum(socket_bytes_calls)));
}

// A relay that calls every provider and answers with the map an `any`
// socket's consumer expects.
auto fan_out_to(std::deque<Provider> &providers, const std::vector<std::string> &ids) {
  return [&providers, &ids](Store::Context, const FuncType &, Span<Val> args,
                            Span<Val> results) -> wasmtime::Result<std::monostate> {
    std::vector<std::pair<Val, Val>> entries;
    entries.reserve(providers.size());
    for (std::size_t i = 0; i < providers.size(); ++i)
      entries.emplace_back(Val::string(ids[i]),
                           relayed(providers[i].store, providers[i].call, args));
    results[0] = wasmtime::component::Map(std::move(entries));
    return std::monostate();
  };
}

void fan_out_relay(benchmark::State &state) {
  const auto plugins = static_cast<std::size_t>(state.range(0));
  std::deque<Provider> providers(plugins);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < plugins; ++i)
    ids.push_back(plugins == 1 ? "provider" : plugin_id(i));
  Linker linker(engine());
  define_relay(linker, fan_out_to(providers, ids));
  Instance consumer("fan_out_consumer.wat", linker);
  const std::uint32_t calls = fan_outs(plugins);
  socket_loop(state, consumer, "fan_out_consumer.wat", "bench:consumer", "fan-out", calls,
              std::to_string(42 * plugins * calls));
}

// The counter provider's resource, called directly: make-counter, the method
// with the owned handle lent as `self`, then drop (which runs the destructor).
struct Counters : Instance {
  Counters()
      : Instance("counter_provider.wat"),
        make(func("counter_provider.wat", "bench:counter/api", "make-counter")),
        get_value(func("counter_provider.wat", "bench:counter/api", "[method]counter.get-value")),
        live(func("counter_provider.wat", "bench:counter/api", "live-counters")) {}
  Func make, get_value, live;
};

void resource_round_trip(benchmark::State &state) {
  Counters counters;
  auto context = counters.store.context();
  for (auto _ : state) {
    Val made(false);
    auto created = counters.make.call(context, {}, Span<Val>(&made, 1));
    Val value(false);
    auto called = counters.get_value.call(context, Span<const Val>(&made, 1), Span<Val>(&value, 1));
    auto dropped = made.get_resource().drop(context);
    if (!created || !called || !dropped) {
      state.SkipWithError("the counter round trip failed");
      break;
    }
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
  expect(state, "live counters", to_string(call(counters.store, counters.live, {})), "0");
}

// The same round trip made by the consumer plugin through a hand-made socket:
// the consumer's linker defines `counter` as a host resource whose
// representation indexes the provider's handles; the methods look the handle up
// and call the provider; the host destructor drops the provider's resource.
void resource_round_trip_relay(benchmark::State &state) {
  constexpr std::uint32_t counter_type = 1;
  Counters counters;
  std::vector<std::optional<Val>> handles; // by representation
  std::vector<std::uint32_t> free_slots;
  Linker linker(engine());
  {
    auto root = linker.root();
    auto api = take(root.add_instance("bench:counter/api"));
    take(api.add_resource(
        "counter", wasmtime::component::ResourceType(counter_type),
        [&](Store::Context, std::uint32_t rep) -> wasmtime::Result<std::monostate> {
          auto dropped = handles[rep]->get_resource().drop(counters.store.context());
          handles[rep].reset();
          free_slots.push_back(rep);
          if (!dropped)
            return dropped.err();
          return std::monostate();
        }));
    take(api.add_func(
        "make-counter",
        [&](Store::Context consumer, const FuncType &, Span<Val>,
            Span<Val> results) -> wasmtime::Result<std::monostate> {
          Val made(false);
          auto created = counters.make.call(counters.store.context(), {}, Span<Val>(&made, 1));
          if (!created)
            return created.err();
          std::uint32_t rep;
          if (free_slots.empty()) {
            rep = static_cast<std::uint32_t>(handles.size());
            handles.emplace_back(std::move(made));
          } else {
            rep = free_slots.back();
            free_slots.pop_back();
            handles[rep] = std::move(made);
          }
          auto host = wasmtime::component::ResourceHost(true, rep, counter_type).to_any(consumer);
          if (!host)
            return host.err();
          results[0] = wasmtime::component::Tuple(
              {Val::string("counter"), WitResult::ok(Val(std::move(host.ok())))});
          return std::monostate();
        }));
    take(api.add_func("[method]counter.get-value",
                      [&](Store::Context consumer, const FuncType &, Span<Val> args,
                          Span<Val> results) -> wasmtime::Result<std::monostate> {
                        auto host = args[0].get_resource().to_host(consumer);
                        if (!host)
                          return host.err();
                        const Val &self = *handles[host.ok().rep()];
                        results[0] = relayed(counters.store, counters.get_value,
                                             Span<Val>(const_cast<Val *>(&self), 1));
                        return std::monostate();
                      }));
  }
  Instance consumer("counter_consumer.wat", linker);
  const Func run =
      consumer.func("counter_consumer.wat", "bench:counter-consumer/run", "round-trip");
  const Val n(round_trips);
  const std::string got = to_string(call(consumer.store, run, {&n, 1}));
  if (got == "4294967295" || got == "4294967294")
    expect(state, "round-trip", got, "a sum of counter values");
  time_runs(state, consumer.store, run, n);
  state.SetItemsProcessed(state.iterations() * round_trips);
  expect(state, "live counters", to_string(call(counters.store, counters.live, {})), "0");
}

// plugins - 1 providers, and a consumer whose socket relays to all of them (as
// in fan_out_relay); functions are looked up as a runtime resolves exports.
void graph_build(benchmark::State &state) {
  const auto plugins = static_cast<std::size_t>(state.range(0));
  std::vector<std::string> ids;
  for (std::size_t i = 0; i + 1 < plugins; ++i)
    ids.push_back(plugin_id(i));
  for (auto _ : state) {
    std::deque<Provider> providers(plugins - 1);
    Linker linker(engine());
    define_relay(linker, fan_out_to(providers, ids));
    Instance consumer("fan_out_consumer.wat", linker);
    Func run = consumer.func("fan_out_consumer.wat", "bench:consumer/run", "fan-out");
    benchmark::DoNotOptimize(run);
  }
  state.SetItemsProcessed(state.iterations());
}

void resident_memory(benchmark::State &state) {
  Provider{}; // one-time costs (compiling) out of the figure
  for (auto _ : state) {
    settle_heap();
    const std::size_t before = resident_bytes();
    {
      std::deque<Provider> providers(resident_plugins);
      for (Provider &provider : providers)
        benchmark::DoNotOptimize(call(provider.store, provider.call, {}));
      state.counters["bytes_per_plugin"] =
          static_cast<double>(resident_bytes() - before) / resident_plugins;
    }
  }
}

const bool registered = [] {
  const Val none(false);
  benchmark::RegisterBenchmark("floor/host_u32", host_call, "get-u32", none, 0);
  benchmark::RegisterBenchmark("floor/host_string_1k", host_call, "echo-string", string_1k(), 1);
  benchmark::RegisterBenchmark("floor/host_bytes_64k", host_call, "echo-bytes", bytes_64k(), 1);
  benchmark::RegisterBenchmark("floor/host_record_8", host_call, "echo-record", record_8(), 1);
  benchmark::RegisterBenchmark("floor/host_fan_out", host_fan_out)->Arg(1)->Arg(10)->Arg(100);
  benchmark::RegisterBenchmark("floor/socket_u32", socket_u32_relay);
  benchmark::RegisterBenchmark("floor/socket_bytes_64k", socket_bytes_64k_relay);
  benchmark::RegisterBenchmark("floor/fan_out", fan_out_relay)->Arg(1)->Arg(10)->Arg(100);
  benchmark::RegisterBenchmark("floor/resource_round_trip", resource_round_trip_relay);
  benchmark::RegisterBenchmark("floor/resource_round_trip_direct", resource_round_trip);
  benchmark::RegisterBenchmark("floor/graph_build", graph_build)->Arg(10)->Arg(100)->Arg(1000);
  benchmark::RegisterBenchmark("floor/resident_memory", resident_memory)->Iterations(1);
  return true;
}();

} // namespace
} // namespace wasm_link::bench
