// The byte path (bench/bytes runs these beside ours/, floor/ and the Rust
// crate's host_bytes_64k and host_string_1k): Binding::dispatch_bytes of the
// provider's echo-bytes and echo-string, and two memcpys of the same size, the
// floor any copy in and out of a guest's memory has.
#include "support.hh"

#include <cstring>

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

void bytes_path(benchmark::State &state, std::string_view function, std::size_t size) {
  const Binding binding = provider();
  std::vector<std::uint8_t> input(size);
  for (std::size_t i = 0; i < size; ++i)
    input[i] = static_cast<std::uint8_t>(function == "echo-string" ? 'a' + i % 26 : i);
  auto check = binding.dispatch_bytes("api", function, input);
  expect(state, std::string(function),
         check && check.ok_ref().size() == 1 && check.ok_ref()[0].result &&
                 check.ok_ref()[0].result.ok_ref() == input
             ? "its argument"
             : "something else",
         "its argument");
  for (auto _ : state) {
    auto results = binding.dispatch_bytes("api", function, input);
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
}

// In and out: the two copies a byte path cannot avoid.
void memcpy_twice(benchmark::State &state, std::size_t size) {
  std::vector<std::uint8_t> from(size, 1), guest(size), back(size);
  for (auto _ : state) {
    std::memcpy(guest.data(), from.data(), size);
    benchmark::ClobberMemory();
    std::memcpy(back.data(), guest.data(), size);
    benchmark::DoNotOptimize(back.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

const bool registered = [] {
  benchmark::RegisterBenchmark("bytes/host_bytes_64k", bytes_path, "echo-bytes", 64 * 1024);
  benchmark::RegisterBenchmark("bytes/host_string_1k", bytes_path, "echo-string", 1024);
  benchmark::RegisterBenchmark("bytes/memcpy_64k_twice", memcpy_twice, 64 * 1024);
  benchmark::RegisterBenchmark("bytes/memcpy_1k_twice", memcpy_twice, 1024);
  return true;
}();

} // namespace
} // namespace wasm_link::bench
