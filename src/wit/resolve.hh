// From parsed files to packages: every name looked up, every named type linked
// to its definition, and the rules of WIT.md's "Name resolution" checked.
#pragma once

#include "parser.hh"

#include <initializer_list>
#include <unordered_map>
#include <vector>

namespace wasm_link::wit::detail {

// The sources of one package: the files of a folder (a file alone is a folder
// of one), or one nested `package` block.
struct PackageSources {
  std::vector<const PackageSource *> parts;
  // Where the package declaration was looked for, for the error when none has it.
  std::string where;
};

// Resolves `root` and the packages it may use; the result is `root`, with the
// others as its dependencies.
Result<Package> resolve(const PackageSources &root, const std::vector<PackageSources> &others);

// Whether resolved types have a part of one of `kinds` anywhere inside them,
// definitions included. Definitions are shared, so each is looked into once
// however many of the types asked about reach it: asking about every function
// of an interface costs no more than the interface's size.
class Holds {
public:
  Holds(std::initializer_list<Type::Kind> kinds) : kinds_(kinds) {}
  bool operator()(const Type &type);

private:
  std::vector<Type::Kind> kinds_;
  std::unordered_map<const TypeDef *, bool> known_;
};

} // namespace wasm_link::wit::detail
