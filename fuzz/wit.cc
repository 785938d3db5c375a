// WIT text from anyone (a manifest's `wit` names files the command reads):
// parsing and resolving it returns a package or an error, and never crashes,
// hangs or runs out of stack. What a parsed package offers is walked too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <wasm_link/wit.hh>

namespace {

using namespace wasm_link;

void walk(const wit::Interface &interface) {
  for (const auto &type : interface.types)
    if (type->alias)
      (void)wit::to_string(*type->alias);
  for (const wit::Function *function : wit::exported_functions(interface))
    (void)wit::to_string(*function);
  (void)wit::binding_interface(interface);
}

void walk(const wit::Package &package) {
  (void)wit::to_string(package.name);
  for (const auto &interface : package.interfaces)
    walk(interface);
  for (const auto &world : package.worlds)
    for (const auto *items : {&world.imports, &world.exports})
      for (const auto &item : *items) {
        if (item.inline_interface)
          walk(*item.inline_interface);
        if (item.function)
          (void)wit::to_string(*item.function);
      }
  for (const auto &dependency : package.dependencies)
    walk(dependency);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  auto package = wit::parse(text, "fuzz.wit");
  if (package) {
    walk(package.ok_ref());
    return 0;
  }
  // wit.hh: every error is of kind `wit` and starts with the file's name.
  const Error &error = package.err_ref();
  if (error.kind() != Error::Kind::wit || !error.message().starts_with("fuzz.wit:")) {
    std::fprintf(stderr, "unexpected error (kind %d): %s\n", static_cast<int>(error.kind()),
                 error.message().c_str());
    std::abort();
  }
  return 0;
}
