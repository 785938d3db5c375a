// How many plugins a binding holds (see "Cardinality" in the plugin ABI).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace wasm_link {

enum class Cardinality {
  exactly_one,  // one plugin
  at_most_one,  // zero or one
  at_least_one, // one or more
  any,          // zero or more
};

// The ABI's kebab-case name: "exactly-one", "at-most-one", "at-least-one", "any".
std::string_view to_string(Cardinality cardinality) noexcept;
std::optional<Cardinality> parse_cardinality(std::string_view name) noexcept;

// Whether `count` plugins are allowed.
bool admits(Cardinality cardinality, std::size_t count) noexcept;

} // namespace wasm_link
