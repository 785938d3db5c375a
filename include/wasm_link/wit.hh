// WIT, the component model's interface language: a parser for packages of WIT
// files, the types it describes, and how they compare to a component's types.
//
// `parse_path` reads a package the way WIT tooling lays it out: one .wit file,
// or a folder whose .wit files together form one package, with the packages it
// depends on in `deps/` (each a .wit file or a folder of them) or in nested
// `package ns:name { ... }` blocks. Names are resolved across all of them:
// `use` between interfaces of a package and across its files, file-level `use`
// renames, and `use` of other packages' interfaces.
//
// Every error, of syntax or of meaning, is an Error of kind `wit` whose message
// starts with `file:line:column:` (columns count characters, from 1), e.g.
// "api.wit:3:14: expected `;`, found `}`"; a file or folder that cannot be
// read is named alone.
//
// Beyond the syntax, the checks are those of WIT.md's name resolution: names
// that are unknown, repeat (ignoring case) or form cycles, handles of what is
// not a resource, `borrow` in results, constructor results, gates with versions
// in a package without one. Not checked: that gated items are compatibly gated,
// and the names in `include ... with { a as b }`. Nested namespaces
// (`package a:b:c;`, marked 🪺 in WIT.md) are not supported.
//
// The names here follow WIT's grammar (wit::Package, wit::Interface,
// wit::Function, wit::Type) and so repeat some of the runtime's own
// (wasm_link::Interface and wasm_link::Function: what a binding calls). That is
// deliberate: a WIT declaration and the binding metadata made from it
// (binding_interface) are different things with the same name in their own
// domains. Write `wit::Interface` rather than `using namespace wasm_link::wit`
// beside `using namespace wasm_link`, which makes the shared names ambiguous.
//
// WIT may come from people the application does not trust (a manifest's
// `wit`), so what is read is bounded by the limits below: past them, parsing
// stops with an error of kind `wit` instead of exhausting the stack, the
// memory or the patience of its caller. Each is far above what real packages
// need: all of WASI 0.2 (its .wit files together) is about 100 KB, with types
// nested a few levels deep.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <wasm_link/error.hh>
#include <wasm_link/interface.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::wit {

// The bytes of one .wit file: "api.wit: cannot read the WIT file: it is larger
// than the limit of 1048576 bytes (2000000 bytes)" from `parse_path`, "api.wit:
// the text is larger than ..." from `parse`.
inline constexpr std::size_t max_file_bytes = std::size_t{1} << 20;
// The bytes of all files `parse_path` reads together (the package and its
// deps/): "deps/x.wit: with this file, the WIT files read together have more
// than 4194304 bytes".
inline constexpr std::size_t max_total_bytes = std::size_t{4} << 20;
// Items of all files read together: packages, interfaces, worlds, `use` items
// and names, type definitions, fields and cases, functions, parameters, world
// imports, exports and includes. The item past the limit is "api.wit:9:3: more
// than 100000 items (types, fields, functions, parameters and the like) in the
// WIT read together".
inline constexpr std::size_t max_items = 100'000;
// Levels of type nesting, counted as Wasmtime's validator counts them for a
// component's types (it allows 100 too): a type without parts (`u32`, an enum,
// a handle) is one level, and `list`, `option`, `result`, `tuple`, `map`,
// `future`, `stream`, records and variants each add one to their deepest part,
// so `list<list<u8>>` has three. Aliases and `use` add none. Deeper types are
// "api.wit:3:14: types nested deeper than 100 levels", at the first type found
// too deep.
inline constexpr std::uint32_t max_type_depth = 100;
// Type aliases (`type a = b;`) met on the way from a type to any of its parts:
// with `type t2 = t1; type t1 = t0; type t0 = u8;`, t2 has three. More is
// "api.wit:3:6: type aliases chained more than 100 deep", at the first type
// found past the limit.
inline constexpr std::uint32_t max_alias_chain = 100;

struct Location {
  std::string file;
  std::uint32_t line = 0, column = 0; // from 1
};
// "file:line:column"
std::string to_string(const Location &location);

// Feature gates; each is empty when the item does not carry it.
struct Gates {
  std::string since;      // @since(version = ...)
  std::string unstable;   // @unstable(feature = ...)
  std::string deprecated; // @deprecated(version = ...)
};

struct PackageName {
  std::string space, name; // `space:name`
  std::string version;     // semantic version, empty when absent

  bool operator==(const PackageName &) const = default;
};
// "space:name" or "space:name@version"
std::string to_string(const PackageName &name);

struct TypeDef;

// A type as written where it is used: a field's, a parameter's, an alias's.
struct Type {
  enum class Kind {
    bool_,
    s8,
    s16,
    s32,
    s64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    char_,
    string,
    error_context,
    list,   // list<T> and the fixed-length list<T, N>
    option, // option<T>
    result, // result, result<T>, result<_, E>, result<T, E>
    tuple,  // tuple<T, ...>
    map,    // map<K, V>
    future, // future, future<T>
    stream, // stream, stream<T>
    own,    // a resource's name, or own<R>: an owned handle
    borrow, // borrow<R>
    named,  // the name of a type definition (a record, an alias, ...)
  };
  Kind kind = Kind::bool_;
  // Type arguments: the element of list, option, future and stream (none for a
  // bare future or stream), tuple elements, map key and value, and for result
  // the ok type then the err type, those present.
  std::vector<Type> arguments;
  bool has_ok = false, has_err = false; // result
  std::uint32_t length = 0;             // list<T, N>: N; 0 for a list of any length
  // own, borrow and named: the name as written. A handle's name always
  // resolves to a resource (possibly through aliases and `use`).
  std::string name;
  // named: what the name refers to once the package is resolved. Resources are
  // never `named`: a resource's name used as a type is an `own` handle.
  std::shared_ptr<const TypeDef> definition;
  Location location;

  const Type *ok() const { return has_ok ? &arguments.front() : nullptr; }
  const Type *err() const { return has_err ? &arguments.back() : nullptr; }
};

struct Param {
  std::string name;
  Type type;
  Location location;
};

struct Function {
  enum class Kind { freestanding, constructor, method, static_ };
  Kind kind = Kind::freestanding;
  std::string name;     // empty for constructors
  std::string resource; // constructors, methods and static functions: their resource
  bool async = false;
  // As written: a method's `self` parameter and a constructor's result are
  // implicit unless the constructor declares `-> result<R, E>`.
  std::vector<Param> params;
  std::optional<Type> result;
  Gates gates;
  std::string external_id; // @external-id("...")
  std::string docs;
  Location location;

  // The name a component exports it under: `f`, `[constructor]R`,
  // `[method]R.f` or `[static]R.f`.
  std::string component_name() const;
};

// A record field, or a case of a variant, enum or flags.
struct Field {
  std::string name;
  std::optional<Type> type; // records: always; variants: the payload, if any
  std::string docs;
  Location location;
};

struct TypeDef {
  enum class Kind { alias, record, variant, enum_, flags, resource };
  Kind kind = Kind::alias;
  std::string name;
  std::optional<Type> alias;       // `type name = T;`
  std::vector<Field> fields;       // record fields; variant, enum and flags cases
  std::vector<Function> functions; // a resource's constructor, methods and static functions
  Gates gates;
  std::string external_id;
  std::string docs;
  Location location;
};

// An interface named by a `use`, `import`, `export` or `include`: `name`
// alone (an interface or world of the same package, or a file-level `use`
// name), or `space:package/name@version`.
struct UsePath {
  std::optional<PackageName> package;
  std::string name;
  Location location;
};
std::string to_string(const UsePath &path);

struct UseName {
  std::string name; // in the used interface
  std::string as;   // the local name; empty when it is `name`
  Location location;
};

// `use path.{a, b as c};`
struct Use {
  UsePath from;
  std::vector<UseName> names;
  Gates gates;
  Location location;
};

struct Interface {
  std::string name; // a world's inline `import x: interface { ... }` has its item's name
  std::vector<Use> uses;
  std::vector<std::shared_ptr<const TypeDef>> types;
  std::vector<Function> functions;
  Gates gates;
  std::string docs;
  Location location;

  const TypeDef *find_type(std::string_view name) const;
  const Function *find_function(std::string_view name) const;
};

// One import or export of a world: exactly one of `interface`, `function` and
// `inline_interface` is set.
struct WorldItem {
  // `import name: ...`: the plain name; empty for `import path;`.
  std::string name;
  std::optional<UsePath> interface;                  // `import path;`, `import name: path;`
  std::optional<Function> function;                  // `import name: func(...);`
  std::shared_ptr<const Interface> inline_interface; // `import name: interface { ... }`
  Gates gates;
  std::string external_id;
  std::string docs;
  Location location;
};

// `include path;` or `include path with { a as b, ... }`
struct Include {
  UsePath world;
  std::vector<UseName> with; // `a as b`: name `a`, as `b`
  Gates gates;
  Location location;
};

struct World {
  std::string name;
  std::vector<WorldItem> imports, exports;
  std::vector<Include> includes;
  std::vector<Use> uses;
  std::vector<std::shared_ptr<const TypeDef>> types;
  Gates gates;
  std::string docs;
  Location location;
};

struct Package {
  PackageName name;
  std::vector<Interface> interfaces; // in file order, then source order
  std::vector<World> worlds;
  // The other packages the sources define (deps/ and nested `package` blocks),
  // resolved too; the types of this package may refer to theirs.
  std::vector<Package> dependencies;
  std::string docs; // on the `package` declaration
  Location location;

  const Interface *find_interface(std::string_view name) const;
  const World *find_world(std::string_view name) const;
};

// Parses and resolves one WIT file, which declares its package first
// (`package space:name;`). `file_name` stands for it in errors.
Result<Package> parse(std::string_view text, std::string_view file_name);

// Parses and resolves the package at `path`: a .wit file, or a folder whose
// .wit files form one package (at least one declares it; those that do agree)
// and whose `deps/` holds the packages it uses. Only regular files are read
// (not FIFOs or devices), within the limits above.
Result<Package> parse_path(const std::filesystem::path &path);

// The WIT spelling of a type: `u32`, `list<string>`, `result<_, error-code>`,
// `borrow<file>`, or a definition's name.
std::string to_string(const Type &type);
// A function as a component exports it: a method's `self: borrow<R>` first, a
// constructor's result spelled out, e.g. "func(self: borrow<file>, n: u32) -> list<u8>".
std::string to_string(const Function &function);

// Whether a component's type is the WIT type, structurally: records by field
// names and types, variants by case names and payloads, enums and flags by
// names, lists, tuples, options, results, maps, futures and streams by their
// arguments. Handles match by kind (own or borrow) only: Wasmtime compares
// resource types by identity and does not name them. Fixed-length lists match
// nothing, since Wasmtime's C API has no such type.
bool matches(const Type &type, const wasmtime::component::ValType &found);
// Parameters (count and types in order, names aside), result and async.
bool matches(const Function &function, const wasmtime::component::FuncType &found);

// The functions a component implementing `interface` exports: the interface's
// own and its resources' constructors, methods and static functions. Items
// behind `@unstable` are left out: toolchains leave them out unless asked to.
std::vector<const Function *> exported_functions(const Interface &interface);

// What the runtime needs of an interface: its exported functions under their
// component names, each with its kind and what it returns
// (`value_with_resources` when the result can hold a handle anywhere), and the
// resources it defines. Function types stay empty: they are Wasmtime's, read
// from a component.
wasm_link::Interface binding_interface(const Interface &interface);

} // namespace wasm_link::wit
