// Parallel fan-out (Binding::parallel), this runtime against itself: one host
// dispatch into an `any` binding, its plugins called one after another
// (`sequential`) or with the switch on (`parallel`, the default threshold;
// `forced`, a threshold of zero). Wall time, since the point is to use more
// than one core. bench/parallel runs these cases interleaved and writes their
// section of docs/BENCHMARKS.md; bench/run leaves them out.
#include "support.hh"

#include <chrono>
#include <thread>

namespace wasm_link::bench {
namespace {

using clock = std::chrono::steady_clock;

PluginInstance instantiate(const std::string &fixture) {
  static wasmtime::component::Linker no_imports(engine());
  return take(Plugin(component(fixture)).instantiate(engine(), no_imports));
}

// `count` plugins of `fixture` in an `any` binding of `package`, p0, p1, ...
Binding fan_out_binding(const std::string &fixture, const std::string &package, std::size_t count) {
  static std::map<std::string, Interface, std::less<>> interfaces;
  auto interface = interfaces.find(fixture);
  if (interface == interfaces.end())
    interface = interfaces
                    .emplace(fixture, take(Interface::from_component(engine(), component(fixture),
                                                                     package + "/api")))
                    .first;
  Binding::Plugs plugs;
  for (std::size_t i = 0; i < count; ++i)
    plugs.push_back({plugin_id(i), instantiate(fixture)});
  return take(
      Binding::create(package, {{"api", interface->second}}, Cardinality::any, std::move(plugs)));
}

// The calling thread takes part in every parallel fan-out, so one worker per
// core but one keeps every core busy without more threads than cores.
const std::shared_ptr<Executor> &executor() {
  static const auto executor =
      std::make_shared<Executor>(std::max(2u, std::thread::hardware_concurrency()) - 1);
  return executor;
}

// The iteration count for which one `burn` takes about 100 µs, found once:
// doubled until a call takes longer, then scaled (the loop is linear).
std::uint32_t burn_iterations() {
  static const std::uint32_t iterations = [] {
    const Binding one = fan_out_binding("burner.wat", "bench:burner", 1);
    auto time_of = [&](std::uint32_t n) {
      const Val arg(n);
      std::vector<double> times;
      for (int i = 0; i < 21; ++i) {
        const auto start = clock::now();
        auto results = one.dispatch("api", "burn", {&arg, 1});
        benchmark::DoNotOptimize(results);
        times.push_back(std::chrono::duration<double, std::micro>(clock::now() - start).count());
      }
      std::sort(times.begin(), times.end());
      return times[times.size() / 2];
    };
    std::uint32_t n = 1024;
    double micros = time_of(n);
    while (micros < 50) {
      n *= 2;
      micros = time_of(n);
    }
    return static_cast<std::uint32_t>(n * (100 / micros));
  }();
  return iterations;
}

enum class Mode { sequential, parallel, forced };

void set_mode(const Binding &binding, Mode mode) {
  if (mode == Mode::parallel)
    binding.parallel(executor());
  else if (mode == Mode::forced)
    binding.parallel(executor(), {.min_cost = std::chrono::nanoseconds(0)});
}

// "n × value" when every plugin returned the same value, else what differed.
std::string same_values(const Result<DispatchResults, DispatchError> &results) {
  if (!results)
    return "dispatch error: " + results.err_ref().message();
  std::string first;
  for (const auto &[id, result] : results.ok_ref()) {
    if (!result)
      return id + ": " + result.err_ref().message();
    const std::string value = to_string(*result.ok_ref());
    if (first.empty())
      first = value;
    else if (value != first)
      return id + " returned " + value + ", p0 " + first;
  }
  return std::to_string(results.ok_ref().size()) + " × " + first;
}

void fan_out(benchmark::State &state, const Binding &binding, std::string_view function,
             std::span<const Val> args, const std::string &wanted) {
  // Also the measurement the threshold reads: the timed loop starts decided.
  expect(state, std::string(function), same_values(binding.dispatch("api", function, args)),
         wanted);
  for (auto _ : state) {
    auto results = binding.dispatch("api", function, args);
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
}

// Plugins whose `burn` takes about 100 µs each.
void burn(benchmark::State &state, Mode mode) {
  const auto plugins = static_cast<std::size_t>(state.range(0));
  const Binding binding = fan_out_binding("burner.wat", "bench:burner", plugins);
  set_mode(binding, mode);
  const Val n(burn_iterations());
  state.counters["iterations"] = burn_iterations();
  const Binding one = fan_out_binding("burner.wat", "bench:burner", 1);
  const std::string value =
      to_string(*take(one.dispatch("api", "burn", {&n, 1}))[0].result.ok_ref());
  fan_out(state, binding, "burn", {&n, 1}, std::to_string(plugins) + " × " + value);
}

// Plugins whose `get-u32` returns at once (bench/fixtures/provider.wat).
void cheap(benchmark::State &state, Mode mode) {
  const auto plugins = static_cast<std::size_t>(state.range(0));
  const Binding binding = fan_out_binding("provider.wat", "bench:provider", plugins);
  set_mode(binding, mode);
  fan_out(state, binding, "get-u32", {}, std::to_string(plugins) + " × 42");
}

const bool registered = [] {
  for (auto [name, mode] :
       {std::pair{"sequential", Mode::sequential}, std::pair{"parallel", Mode::parallel},
        std::pair{"forced", Mode::forced}}) {
    benchmark::RegisterBenchmark((std::string("parallel/burn/") + name).c_str(), burn, mode)
        ->Arg(2)
        ->Arg(10)
        ->Arg(100)
        ->UseRealTime();
    benchmark::RegisterBenchmark((std::string("parallel/cheap/") + name).c_str(), cheap, mode)
        ->Arg(10)
        ->Arg(100)
        ->UseRealTime();
  }
  return true;
}();

} // namespace
} // namespace wasm_link::bench
