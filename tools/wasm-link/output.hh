// How the command reports: failures as `wasm-link: <message>` on stderr (or,
// with --json, as a JSON document on stdout), and the wording they share.
#pragma once

#include "graph.hh"

#include <chrono>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace wasm_link::tool {

// Reports a failure in the form --json chose (see set_json), returns `exit`.
int fail(Exit exit, const std::string &message);
// Whether failures are JSON documents on stdout (--json) or text on stderr.
void set_json(bool json);

// `; did you mean `x`? (<what>: a, b, c)` for an unknown `name` among `known`:
// the nearest names, within a third of the name's length.
std::string alternatives(std::string_view name, const std::vector<std::string> &known,
                         std::string_view what);
// The keys of a map, for alternatives().
template <typename Map> std::vector<std::string> keys(const Map &map) {
  std::vector<std::string> out;
  for (const auto &[key, _] : map)
    out.emplace_back(key);
  return out;
}

// --time: each lap() prints `time: <what> <ms> ms` (to stderr) for the time
// since the last lap or since it was made; nothing when off.
class Timer {
public:
  explicit Timer(bool on) : on_(on) {}
  void lap(std::string_view what) {
    auto now = std::chrono::steady_clock::now();
    if (on_)
      std::cerr << "time: " << what << " "
                << std::chrono::duration<double, std::milli>(now - last_).count() << " ms\n";
    last_ = now;
  }

private:
  bool on_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// "1 argument", "2 arguments".
std::string arguments(std::size_t count);

} // namespace wasm_link::tool
