// One WIT file as written, before names are resolved: what it says about its
// own package and about the packages of its nested `package ... { }` blocks.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <wasm_link/error.hh>
#include <wasm_link/wit.hh>

namespace wasm_link::wit::detail {

// `use space:name/interface@version as local;` at the top level: a name for an
// interface within one file.
struct FileUse {
  UsePath path;
  std::string as; // the local name: `path.name` when not given
  Location location;
};

// The items one file (or one nested block of it) gives a package.
struct PackageSource {
  std::optional<PackageName> name; // absent in a file that does not declare it
  Location location;               // of the name, when declared
  std::string docs;
  std::vector<FileUse> uses;
  std::vector<Interface> interfaces;
  std::vector<World> worlds;
};

struct File {
  PackageSource package;
  std::vector<PackageSource> nested; // `package space:name { ... }` blocks
};

// The syntax of one file; `file_name` starts every error's location. `items`
// counts the items of the files read together, against max_items.
Result<File> parse_file(std::string_view text, const std::string &file_name, std::size_t &items);

// The error past max_type_depth, the same from the parser and the resolver.
inline std::string type_too_deep() {
  return "types nested deeper than " + std::to_string(max_type_depth) + " levels";
}

} // namespace wasm_link::wit::detail
