// The whole public API of the wasm_link plugin runtime.
#pragma once

#include <wasm_link/binding.hh>
#include <wasm_link/cardinality.hh>
#include <wasm_link/dispatch_error.hh>
#include <wasm_link/engine.hh>
#include <wasm_link/error.hh>
#include <wasm_link/executor.hh>
#include <wasm_link/files.hh>
#include <wasm_link/interface.hh>
#include <wasm_link/limits.hh>
#include <wasm_link/plugin.hh>
#include <wasm_link/value.hh>
#include <wasm_link/wasi.hh>
#include <wasm_link/wave.hh>
#include <wasm_link/wit.hh>
