#include "output.hh"

#include "json.hh"

#include <algorithm>
#include <iostream>

namespace wasm_link::tool {
namespace {

bool json_failures = false;

// Edits (insertions, deletions, substitutions) between `a` and `b`.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

} // namespace

void set_json(bool json) {
  json_failures = json;
}

int fail(Exit exit, const std::string &message) {
  if (json_failures)
    std::cout << json::error(message, exit).text() << "\n";
  else
    std::cerr << "wasm-link: " << message << "\n";
  return exit;
}

std::string alternatives(std::string_view name, const std::vector<std::string> &known,
                         std::string_view what) {
  std::string all, near;
  std::size_t best = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const std::string &key : known) {
    all += (all.empty() ? "" : ", ") + key;
    const std::size_t d = distance(name, key);
    if (d < best) {
      best = d;
      near = "`" + key + "`";
    } else if (d == best && !near.empty()) {
      near += " or `" + key + "`";
    }
  }
  return (near.empty() ? "" : "; did you mean " + near + "?") + " (" + std::string(what) + ": " +
         (all.empty() ? "none" : all) + ")";
}

std::string arguments(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " argument" : " arguments");
}

} // namespace wasm_link::tool
