#include <wasm_link/cardinality.hh>

namespace wasm_link {

std::string_view to_string(Cardinality cardinality) noexcept {
  switch (cardinality) {
  case Cardinality::exactly_one:
    return "exactly-one";
  case Cardinality::at_most_one:
    return "at-most-one";
  case Cardinality::at_least_one:
    return "at-least-one";
  case Cardinality::any:
    return "any";
  }
  return "unknown";
}

std::optional<Cardinality> parse_cardinality(std::string_view name) noexcept {
  for (auto c : {Cardinality::exactly_one, Cardinality::at_most_one, Cardinality::at_least_one,
                 Cardinality::any})
    if (to_string(c) == name)
      return c;
  return std::nullopt;
}

bool admits(Cardinality cardinality, std::size_t count) noexcept {
  switch (cardinality) {
  case Cardinality::exactly_one:
    return count == 1;
  case Cardinality::at_most_one:
    return count <= 1;
  case Cardinality::at_least_one:
    return count >= 1;
  case Cardinality::any:
    return true;
  }
  return false;
}

} // namespace wasm_link
