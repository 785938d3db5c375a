// Values as text: the WebAssembly Value Encoding (WAVE), the format of
// `wasmtime run --invoke`.
#pragma once

#include <string>
#include <string_view>
#include <wasm_link/error.hh>
#include <wasm_link/value.hh>

namespace wasm_link {

// The value in WAVE: `42`, `"hi\n"`, `'x'`, `[1, 2]`, `{a: 1, b: "x"}`,
// `(1, "a")`, `some(3)`, `none`, `ok(1)`, `err("e")`, `red`, `named("x")`,
// `{read, write}`. Floats print in their shortest round-trip form, `nan`, `inf`
// or `-inf`. WAVE has no map form; a map prints as the list of its entries,
// `[("a", 1)]`, and parses from the same.
std::string to_string(const Val &value);

// Reads a value of `type` from WAVE text. Record fields may come in any order,
// and fields of option type may be left out (none). Labels may carry WAVE's `%`
// prefix. On failure, an Error of kind `value` saying where (column, from 1)
// and what was expected, e.g. "column 4: expected u8 (0 to 255), found `300`".
Result<Val> parse_wave(std::string_view text, const ValType &type);

} // namespace wasm_link
