// WASI for plugins with a grant (include/wasm_link/wasi.hh): which imports a
// component may have, what its linker and store get.
#pragma once

#include <string>
#include <vector>
#include <wasm_link/error.hh>
#include <wasm_link/wasi.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

// The `wasi:` instances `component` imports, as the runtime will treat them.
struct WasiImports {
  std::vector<std::string> provided; // linked to Wasmtime's WASI 0.2
  std::vector<std::string> stubbed;  // WASI 0.2 interfaces the runtime lacks: calls trap
};

// Sorts a component's WASI imports (`all`, their names in import order) and
// refuses them unless `grant` allows them: any WASI import without a grant, or
// one of a version the runtime does not provide. Errors are Error::Kind::link
// and name the import.
Result<WasiImports> wasi_imports(std::vector<std::string> all, const WasiGrant *grant);

// Defines WASI 0.2 in `linker` and a trapping stand-in for each stubbed
// import; what the linker has already (an earlier granted plugin's WASI) stays.
Result<std::monostate> define_wasi(const wasmtime::Engine &engine,
                                   wasmtime::component::Linker &linker,
                                   const wasmtime::component::Component &component,
                                   const WasiImports &imports);

// Gives `store` a WASI context holding what `grant` names. Every store whose
// instance imports WASI must have one: Wasmtime's C API aborts the process
// when WASI is called from a store without.
Result<std::monostate> give_wasi(wasmtime::Store::Context store, const WasiGrant &grant);

} // namespace wasm_link::detail
