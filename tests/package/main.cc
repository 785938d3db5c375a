// A program of a project that uses wasm_link: compiles a tiny component, reads
// its interface and calls it, so that it needs the headers, the library and
// Wasmtime.
#include <cstdlib>
#include <iostream>
#include <wasm_link.hh>

using namespace wasm_link;

template <typename T, typename E> T take(Result<T, E> result) {
  if (!result) {
    std::cerr << result.err().message() << "\n";
    std::exit(1);
  }
  return result.ok();
}

int main() {
  // The public headers need C++20; the consumer's CMakeLists asks for no standard.
  std::cout << "C++" << (__cplusplus >= 202002L ? "20" : " before 20") << "\n";

  wasmtime::Engine engine(default_config());
  auto component = take(compile_component(engine, R"((component
    (core module $m (func (export "f") (result i32) i32.const 42))
    (core instance $i (instantiate $m))
    (func $f (export "get-value") (result u32) (canon lift (core func $i "f")))
    (instance $inst (export "get-value" (func $f)))
    (export "my:package/example" (instance $inst))
  ))",
                                          "consumer"));
  auto example = take(Interface::from_component(engine, component, "my:package/example"));
  for (const auto &[name, function] : example.functions())
    std::cout << name << ": " << type_name(*function.type) << "\n";

  wasmtime::component::Linker linker(engine);
  auto binding =
      take(Binding::create("my:package", {{"example", example}}, Cardinality::exactly_one,
                           {{"plugin", take(Plugin(component).instantiate(engine, linker))}}));
  for (const auto &[id, result] : take(binding.dispatch("example", "get-value", {}))) {
    if (!result) {
      std::cerr << id << ": " << result.err_ref().message() << "\n";
      return 1;
    }
    std::cout << id << ": " << to_string(*result.ok_ref()) << "\n";
  }
}
