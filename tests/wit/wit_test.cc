// The WIT parser: every form of the grammar (everything.wit, folder/), the
// errors it reports with their exact locations, what a binding takes from an
// interface, and how WIT types compare to the types Wasmtime reads from a
// component (../values/echo.wat and resources.wat, described by echo.wit and
// resources.wit). Every fixture here that should parse is accepted by
// `wasm-tools component wit` (1.263) too, and every one that should not is
// rejected by it, but for three cases where WIT.md is stricter than that tool:
// a fixed-length list of length 0, interfaces named alike but for case, and a
// `use` that repeats the name of a type of the interface.
#include "memory.hh"
#include "support.hh"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;
using wit::Type;
using wit::TypeDef;

wit::Package parse_fixture(const std::string &relative) {
  return take(wit::parse_path(fixture(relative)));
}

// The error of WIT text that should not parse, or "" when it parses.
std::string error_of(std::string_view text) {
  auto package = wit::parse(text, "bad.wit");
  if (package)
    return "";
  EXPECT_EQ(package.err_ref().kind(), Error::Kind::wit);
  return package.err_ref().message();
}

const TypeDef &type_of(const wit::Interface &interface, std::string_view name) {
  const TypeDef *def = interface.find_type(name);
  if (def == nullptr)
    throw std::runtime_error("no type " + std::string(name));
  return *def;
}

std::string alias_of(const wit::Interface &interface, std::string_view name) {
  return wit::to_string(*type_of(interface, name).alias);
}

class Everything : public ::testing::Test {
protected:
  static void SetUpTestSuite() { package = new wit::Package(parse_fixture("wit/everything.wit")); }
  static void TearDownTestSuite() { delete package; }

  static const wit::Interface &types() { return *package->find_interface("types"); }
  static const wit::Interface &api() { return *package->find_interface("api"); }
  static const wit::World &world() { return *package->find_world("everywhere"); }

  static inline wit::Package *package = nullptr;
};

TEST_F(Everything, PackageNameWithPrereleaseAndBuild) {
  EXPECT_EQ(package->name, (wit::PackageName{"test", "everything", "1.2.3-rc.1+build.5"}));
  EXPECT_EQ(wit::to_string(package->name), "test:everything@1.2.3-rc.1+build.5");
  EXPECT_EQ(package->docs,
            "Every form of the WIT grammar, in one file. `wasm-tools component wit`\n"
            "accepts it too.");
  EXPECT_EQ(wit::to_string(package->location), fixture("wit/everything.wit").string() + ":3:9");
  ASSERT_EQ(package->interfaces.size(), 2u);
  EXPECT_EQ(package->interfaces[0].name, "types");
  EXPECT_EQ(package->interfaces[1].name, "api");
}

TEST_F(Everything, NestedPackageIsADependency) {
  ASSERT_EQ(package->dependencies.size(), 1u);
  const wit::Package &dependency = package->dependencies[0];
  EXPECT_EQ(wit::to_string(dependency.name), "test:dependency@0.1.0");
  EXPECT_EQ(dependency.docs, "A nested package: what a folder's deps/ would hold.");
  ASSERT_NE(dependency.find_interface("shared"), nullptr);
  EXPECT_EQ(alias_of(*dependency.find_interface("shared"), "id"), "u64");
  ASSERT_NE(dependency.find_world("tiny"), nullptr);
}

TEST_F(Everything, RecordWithDocComments) {
  const TypeDef &point = type_of(types(), "point");
  EXPECT_EQ(point.kind, TypeDef::Kind::record);
  EXPECT_EQ(point.docs, "A record: named fields, a trailing comma allowed.");
  EXPECT_EQ(point.gates.since, "1.0.0");
  ASSERT_EQ(point.fields.size(), 2u);
  EXPECT_EQ(point.fields[0].name, "x");
  EXPECT_EQ(wit::to_string(*point.fields[0].type), "s32");
  EXPECT_EQ(point.fields[1].docs, "Its vertical position.");
  EXPECT_EQ(types().docs, "The types of the package, one of each kind.");
}

TEST_F(Everything, VariantEnumAndFlags) {
  const TypeDef &shape = type_of(types(), "shape");
  EXPECT_EQ(shape.kind, TypeDef::Kind::variant);
  ASSERT_EQ(shape.fields.size(), 3u);
  EXPECT_FALSE(shape.fields[0].type);
  EXPECT_EQ(wit::to_string(*shape.fields[1].type), "f64");
  const Type &polygon = *shape.fields[2].type;
  EXPECT_EQ(wit::to_string(polygon), "list<point>");
  ASSERT_TRUE(polygon.arguments[0].definition);
  EXPECT_EQ(polygon.arguments[0].definition.get(), &type_of(types(), "point"));

  const TypeDef &color = type_of(types(), "color");
  EXPECT_EQ(color.kind, TypeDef::Kind::enum_);
  ASSERT_EQ(color.fields.size(), 3u);
  EXPECT_EQ(color.fields[2].name, "blue");

  const TypeDef &access = type_of(types(), "access");
  EXPECT_EQ(access.kind, TypeDef::Kind::flags);
  ASSERT_EQ(access.fields.size(), 3u);
  EXPECT_EQ(access.fields[0].name, "read");
}

TEST_F(Everything, EveryAnonymousType) {
  EXPECT_EQ(alias_of(types(), "bytes"), "list<u8>");
  EXPECT_EQ(type_of(types(), "ipv4").alias->length, 4u);
  EXPECT_EQ(alias_of(types(), "ipv4"), "list<u8, 4>");
  EXPECT_EQ(alias_of(types(), "pair"), "tuple<u32, string>");
  EXPECT_EQ(alias_of(types(), "maybe"), "option<char>");
  EXPECT_EQ(alias_of(types(), "table"), "map<string, list<point>>");
  EXPECT_EQ(alias_of(types(), "all-results"),
            "tuple<result, result<u8>, result<_, string>, result<u8, string>>");
  EXPECT_EQ(alias_of(types(), "numbers"), "tuple<bool, s8, s16, s64, u16, u32, u64, f32>");
  EXPECT_EQ(alias_of(types(), "async-things"),
            "tuple<future, future<u8>, stream, stream<string>, error-context>");
  const Type &results = *type_of(types(), "all-results").alias;
  EXPECT_EQ(results.arguments[2].ok(), nullptr);
  EXPECT_EQ(wit::to_string(*results.arguments[2].err()), "string");
  EXPECT_EQ(wit::to_string(*results.arguments[1].ok()), "u8");
  EXPECT_EQ(results.arguments[1].err(), nullptr);
}

TEST_F(Everything, ResourceWithConstructorMethodsAndStaticFunctions) {
  const TypeDef &blob = type_of(types(), "blob");
  EXPECT_EQ(blob.kind, TypeDef::Kind::resource);
  std::vector<std::string> names, signatures;
  for (const wit::Function &function : blob.functions) {
    names.push_back(function.component_name());
    signatures.push_back(wit::to_string(function));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"[constructor]blob", "[method]blob.write",
                                             "[method]blob.read", "[static]blob.merge",
                                             "[method]blob.flush", "[static]blob.open"}));
  EXPECT_EQ(signatures,
            (std::vector<std::string>{"func(init: list<u8>) -> blob",
                                      "func(self: borrow<blob>, bytes: bytes)",
                                      "func(self: borrow<blob>, n: u32) -> list<u8>",
                                      "func(lhs: borrow<blob>, rhs: borrow<blob>) -> blob",
                                      "async func(self: borrow<blob>)",
                                      "async func(name: string) -> result<blob, string>"}));
  EXPECT_EQ(blob.functions[0].docs, "Constructors are infallible...");
  EXPECT_EQ(blob.functions[0].kind, wit::Function::Kind::constructor);
  EXPECT_EQ(blob.functions[3].kind, wit::Function::Kind::static_);
  EXPECT_TRUE(blob.functions[4].async);
  // A resource's name is an owned handle, as is own<R>.
  EXPECT_EQ(blob.functions[3].result->kind, Type::Kind::own);
  EXPECT_EQ(blob.functions[5].result->ok()->kind, Type::Kind::own);
  EXPECT_EQ(blob.functions[3].params[0].type.kind, Type::Kind::borrow);

  const TypeDef &file = type_of(types(), "file");
  ASSERT_EQ(file.functions.size(), 1u);
  EXPECT_EQ(wit::to_string(file.functions[0]), "func(path: string) -> result<file, string>");
  EXPECT_TRUE(type_of(types(), "empty").functions.empty());
}

TEST_F(Everything, PercentEscapesKeywordsAsNames) {
  const wit::Function *function = types().find_function("record");
  ASSERT_NE(function, nullptr);
  ASSERT_EQ(function->params.size(), 2u);
  EXPECT_EQ(function->params[0].name, "type");
  EXPECT_EQ(function->params[1].name, "SHOUT-1");
  EXPECT_EQ(wit::to_string(*function->result), "variant");
  EXPECT_EQ(function->result->definition.get(), &type_of(types(), "variant"));
}

TEST_F(Everything, UseWithRenamesAndForwardReferences) {
  ASSERT_EQ(api().uses.size(), 3u);
  const wit::Use &use = api().uses[0];
  EXPECT_EQ(wit::to_string(use.from), "types");
  ASSERT_EQ(use.names.size(), 3u);
  EXPECT_EQ(use.names[1].name, "blob");
  EXPECT_EQ(use.names[1].as, "data");
  EXPECT_EQ(wit::to_string(api().uses[1].from), "shared-types");
  EXPECT_EQ(wit::to_string(api().uses[2].from), "test:dependency/shared@0.1.0");

  // `point` comes from `types`; `data` is `blob`, a resource, so an owned handle.
  const wit::Function &area = *api().find_function("area");
  EXPECT_EQ(area.params[0].type.definition.get(), &type_of(types(), "point"));
  const wit::Function &take_function = *api().find_function("take");
  EXPECT_EQ(take_function.result->kind, Type::Kind::own);
  EXPECT_EQ(wit::to_string(take_function), "func(d: borrow-data) -> data");
  // `borrow-data` is defined after its use; `id` comes through the file-level `use`.
  const Type &borrow_data = *take_function.params[0].type.definition->alias;
  EXPECT_EQ(wit::to_string(borrow_data), "tuple<borrow<data>, color, id>");
  EXPECT_EQ(wit::to_string(*borrow_data.arguments[2].definition->alias), "u64");
}

TEST_F(Everything, GatesAndExternalIds) {
  EXPECT_EQ(types().gates.since, "1.0.0");
  EXPECT_EQ(api().uses[2].gates.unstable, "fancy-api");
  EXPECT_EQ(api().find_function("experiment")->gates.unstable, "fancy-api");
  const wit::Function &old = *api().find_function("old");
  EXPECT_EQ(old.gates.since, "1.0.0");
  EXPECT_EQ(old.gates.deprecated, "1.2.0");
  EXPECT_EQ(api().find_function("later")->external_id, "api.Later");
  EXPECT_TRUE(api().find_function("fetch")->async);
}

TEST_F(Everything, WorldImportsExportsUsesAndIncludes) {
  const wit::World &w = world();
  ASSERT_EQ(w.imports.size(), 5u);
  EXPECT_EQ(wit::to_string(*w.imports[0].interface), "types");
  EXPECT_TRUE(w.imports[0].name.empty());
  EXPECT_EQ(wit::to_string(*w.imports[1].interface), "test:dependency/shared@0.1.0");
  EXPECT_EQ(w.imports[2].name, "log");
  EXPECT_EQ(w.imports[2].external_id, "console.log");
  EXPECT_EQ(wit::to_string(*w.imports[2].function), "func(message: string)");
  EXPECT_EQ(w.imports[3].name, "clock");
  ASSERT_TRUE(w.imports[3].inline_interface);
  EXPECT_EQ(wit::to_string(*w.imports[3].inline_interface->find_function("now")), "func() -> u64");
  EXPECT_EQ(w.imports[4].name, "second-api");
  EXPECT_EQ(wit::to_string(*w.imports[4].interface), "api");

  ASSERT_EQ(w.exports.size(), 2u);
  EXPECT_EQ(wit::to_string(*w.exports[0].function), "func(p: palette)");
  EXPECT_EQ(w.exports[0].function->params[0].type.definition->alias->arguments[0].definition->kind,
            TypeDef::Kind::enum_);
  EXPECT_EQ(wit::to_string(*w.exports[1].interface), "api");

  ASSERT_EQ(w.uses.size(), 1u);
  ASSERT_EQ(w.types.size(), 1u);
  ASSERT_EQ(w.includes.size(), 2u);
  EXPECT_EQ(wit::to_string(w.includes[0].world), "base");
  ASSERT_EQ(w.includes[0].with.size(), 1u);
  EXPECT_EQ(w.includes[0].with[0].name, "greet");
  EXPECT_EQ(w.includes[0].with[0].as, "hello");
  EXPECT_EQ(wit::to_string(w.includes[1].world), "test:dependency/tiny@0.1.0");
}

// A package over several files, with its dependencies in deps/.
TEST(WitFolder, UseAcrossFilesAndDependencies) {
  auto package = parse_fixture("wit/folder");
  EXPECT_EQ(wit::to_string(package.name), "test:folder@2.0.0");
  std::vector<std::string> interfaces;
  for (const auto &interface : package.interfaces)
    interfaces.push_back(interface.name);
  // Files in name order: levels.wit, main.wit, types.wit.
  EXPECT_EQ(interfaces, (std::vector<std::string>{"levels", "app", "types"}));

  const wit::Function &run = *package.find_interface("app")->find_function("run");
  EXPECT_EQ(wit::to_string(run), "func(c: config, who: id) -> instant");
  // config (types.wit) holds level (levels.wit).
  const TypeDef &config = *run.params[0].type.definition;
  EXPECT_EQ(config.fields[1].type->definition->kind, TypeDef::Kind::enum_);
  // id comes from deps/single.wit, named without a version.
  EXPECT_EQ(wit::to_string(*run.params[1].type.definition->alias), "string");
  // instant is tick (deps/clock/base.wit) through `time` and clock.wit.
  const Type &instant = *run.result->definition->alias;
  EXPECT_EQ(wit::to_string(instant), "tick");
  EXPECT_EQ(wit::to_string(*instant.definition->alias), "u64");

  std::vector<std::string> dependencies;
  for (const auto &dependency : package.dependencies)
    dependencies.push_back(wit::to_string(dependency.name));
  EXPECT_EQ(dependencies, (std::vector<std::string>{"test:dep@1.0.0", "test:single"}));
  EXPECT_EQ(package.dependencies[0].interfaces.size(), 2u);
  EXPECT_EQ(package.worlds.size(), 1u);
}

TEST(WitFolder, PackageDeclaredDifferentlyInTwoFiles) {
  auto package = wit::parse_path(fixture("wit/errors/mismatch"));
  expect_error(package, Error::Kind::wit,
               fixture("wit/errors/mismatch/b.wit").string() +
                   ":1:9: the package is declared as `test:two` here but as `test:one` at " +
                   fixture("wit/errors/mismatch/a.wit").string() + ":1:9");
}

TEST(WitFolder, UnknownForeignPackage) {
  auto package = wit::parse_path(fixture("wit/errors/missing_dep"));
  expect_error(package, Error::Kind::wit,
               fixture("wit/errors/missing_dep/main.wit").string() +
                   ":4:7: unknown package `test:absent@1.0.0` (packages come from the folder's "
                   "deps/ and from nested `package` blocks)");
}

TEST(WitFolder, TopLevelUseIsForItsFileOnly) {
  auto package = wit::parse_path(fixture("wit/errors/file_scoped_use"));
  expect_error(package, Error::Kind::wit,
               fixture("wit/errors/file_scoped_use/b.wit").string() +
                   ":2:7: no interface `renamed` in package `test:scoped`");
}

TEST(WitFolder, NoFileDeclaresThePackage) {
  auto package = wit::parse_path(fixture("wit/errors/no_package"));
  expect_error(package, Error::Kind::wit,
               fixture("wit/errors/no_package/a.wit").string() +
                   ":1:1: expected a package declaration (`package namespace:name;`) in one of the "
                   "files");
}

TEST(WitFolder, MissingPath) {
  auto package = wit::parse_path(fixture("wit/absent"));
  expect_error(package, Error::Kind::wit,
               fixture("wit/absent").string() + ": no such file or folder");
}

TEST(WitComments, DocCommentsLineAndBlock) {
  auto package = take(wit::parse(R"(package a:b;
interface i {
  /// first line
  ///second line
  //// four slashes: a plain comment
  // a plain comment between docs and the item
  f: func();
  /**
   * A block doc comment,
   * two lines.
   */
  g: func();
  /* not a doc */ /*/* nested */*/
  h: func();
  /***/
  k: func();
})",
                                 "docs.wit"));
  const wit::Interface &i = package.interfaces[0];
  EXPECT_EQ(i.find_function("f")->docs, "first line\nsecond line");
  EXPECT_EQ(i.find_function("g")->docs, "A block doc comment,\ntwo lines.");
  EXPECT_EQ(i.find_function("h")->docs, "");
  EXPECT_EQ(i.find_function("k")->docs, "");
}

TEST(WitIdentifiers, KebabCaseAndPercentEscapes) {
  for (std::string_view name :
       {"a", "a1", "a-b", "ABC", "A-B", "a-1", "a-1b", "x-B", "%type", "%interface", "%a-b"}) {
    EXPECT_EQ(error_of("package a:b; interface i { type " + std::string(name) + " = u32; }"), "")
        << name;
  }
  const std::string expected = "expected an identifier in kebab-case (words of lowercase or of "
                               "uppercase letters and digits joined by `-`, starting with a "
                               "letter), found ";
  for (std::string_view name : {"aB", "Ab", "a--b", "a-", "a_b", "%1a", "%", "a-Bc"})
    EXPECT_EQ(error_of("package a:b; interface i { type " + std::string(name) + " = u32; }"),
              "bad.wit:1:33: " + expected + "`" + std::string(name) + "`")
        << name;
  EXPECT_EQ(error_of("package a:b; interface i { type 1a = u32; }"),
            "bad.wit:1:33: expected a type name, found `1`");
  EXPECT_EQ(error_of("package a:b; interface i { type record = u32; }"),
            "bad.wit:1:33: expected a type name, found keyword `record`");
}

// Each syntax error: where, what was expected, what was found.
TEST(WitSyntax, Errors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"package a:b; interface i { f: func() }", "bad.wit:1:38: expected `->` or `;`, found `}`"},
      {"package a:b", "bad.wit:1:12: expected `;` or `{`, found end of file"},
      {"package a:b:c;", "bad.wit:1:12: expected `;` or `{`, found `:`"},
      {"package a;", "bad.wit:1:10: expected `:`, found `;`"},
      {"package a:b; interface i {",
       "bad.wit:1:27: expected `}` or an item of the interface, found end of file"},
      {"package a:b; interface i { record r {} }",
       "bad.wit:1:38: expected a record field, found `}`"},
      {"package a:b; interface i { variant v {} }",
       "bad.wit:1:39: expected a variant case, found `}`"},
      {"package a:b; interface i { enum e {} }", "bad.wit:1:36: expected an enum case, found `}`"},
      {"package a:b; interface i { flags f {} }", "bad.wit:1:37: expected a flag, found `}`"},
      {"package a:b; interface i { record r { a: u32 b: u32 } }",
       "bad.wit:1:46: expected `,` or `}`, found `b`"},
      {"package a:b; interface i { type t = tuple<>; }",
       "bad.wit:1:43: expected a type, found `>`"},
      {"package a:b; interface i { type t = result<_>; }", "bad.wit:1:45: expected `,`, found `>`"},
      {"package a:b; interface i { type t = result<u8 u8>; }",
       "bad.wit:1:47: expected `,` or `>`, found keyword `u8`"},
      {"package a:b; interface i { type t = list<u8, 0>; }",
       "bad.wit:1:46: expected a list length (an integer from 1 to 4294967295), found `0`"},
      {"package a:b; interface i { type t = list<u8, 99999999999>; }",
       "bad.wit:1:46: expected a list length (an integer from 1 to 4294967295), found "
       "`99999999999`"},
      {"package a:b; interface i { type t = map<f32, u8>; }",
       "bad.wit:1:41: expected a map key type (bool, an integer type, char or string), found "
       "`f32`"},
      {"package a:b; interface i { type t = borrow<u32>; }",
       "bad.wit:1:44: expected a resource name, found keyword `u32`"},
      {"package a:b; interface i { type t = option<u8; }", "bad.wit:1:46: expected `>`, found `;`"},
      {"package a:b; interface i { type t = ; }", "bad.wit:1:37: expected a type, found `;`"},
      {"package a:b; interface i { f: func() -> (a: u32); }",
       "bad.wit:1:41: expected a type, found `(`"},
      {"package a:b; interface i { f: func(a u32); }",
       "bad.wit:1:38: expected `:`, found keyword `u32`"},
      {"package a:b; interface i { f: static func(); }",
       "bad.wit:1:31: expected `func` or `async`, found keyword `static`"},
      {"package a:b; interface i { f: async(); }", "bad.wit:1:36: expected `func`, found `(`"},
      {"package a:b; interface i { resource r { constructor() } }",
       "bad.wit:1:55: expected `->` or `;`, found `}`"},
      {"package a:b; interface i { resource r { f(); } }", "bad.wit:1:42: expected `:`, found `(`"},
      {"package a:b; interface i { resource r }", "bad.wit:1:39: expected `;` or `{`, found `}`"},
      {"package a:b; interface i { 42 }",
       "bad.wit:1:28: expected a type definition, a function, `use` or `}`, found `42`"},
      {"package a:b; interface i { use j.{}; }", "bad.wit:1:35: expected a name to use, found `}`"},
      {"package a:b; interface i { use j.{a} }", "bad.wit:1:38: expected `;`, found `}`"},
      {"package a:b; interface i { use j; }", "bad.wit:1:33: expected `.`, found `;`"},
      {"package a:b; world w { include v with { a as b }; }",
       "bad.wit:1:49: expected `import`, `export`, `include`, `use`, a type definition or `}`, "
       "found `;`"},
      {"package a:b; world w { include v with { a } }", "bad.wit:1:43: expected `as`, found `}`"},
      {"package a:b; world w { import a: b:c; }", "bad.wit:1:37: expected `/`, found `;`"},
      {"package a:b; world w { import; }",
       "bad.wit:1:30: expected an interface or a name, found `;`"},
      {"package a:b; world w { export x: 1; }",
       "bad.wit:1:34: expected `func`, `interface` or an interface, found `1`"},
      {"package a:b; thing",
       "bad.wit:1:14: expected `interface`, `world`, `use` or `package`, found `thing`"},
      {"package a:b; package c:d;", "bad.wit:1:25: expected `{` (a nested package), found `;`"},
      {"package a:b; package c:d { interface x {}",
       "bad.wit:1:42: expected `}` or an item of the package, found end of file"},
      {"package a:b@1.0;",
       "bad.wit:1:13: expected a semantic version (major.minor.patch, like 1.0.0), found `1.0`"},
      {"package a:b@01.0.0;",
       "bad.wit:1:13: expected a semantic version (major.minor.patch, like 1.0.0), found `01.0.0`"},
      {"package a:b@1.0.0-01;", "bad.wit:1:13: expected a semantic version (major.minor.patch, "
                                "like 1.0.0), found `1.0.0-01`"},
      {"package a:b@;",
       "bad.wit:1:13: expected a semantic version (major.minor.patch, like 1.0.0), found `;`"},
      {"package a:b@", "bad.wit:1:13: expected a semantic version (major.minor.patch, like 1.0.0), "
                       "found end of file"},
      {"package a:b; /* open /* nested */ still open",
       "bad.wit:1:45: expected `*/` to close the comment opened at 1:14, found end of file"},
      {"package a:b; interface i { # }", "bad.wit:1:28: unexpected character `#`"},
      {"package a:b; interface i {\n\x01 }",
       "bad.wit:2:1: control character U+0001 is not allowed"},
      {"package a:b; // \xe2\x80\xae\n",
       "bad.wit:1:17: bidirectional override U+202E is not allowed"},
      {"package a:b; interface \xff {}", "bad.wit:1:24: the text is not valid UTF-8"},
      {"package a:b; interface \xc3\xa9t\xc3\xa9 {}",
       "bad.wit:1:24: unexpected character `\xc3\xa9`"},
  };
  for (const auto &[text, message] : cases)
    EXPECT_EQ(error_of(text), message) << text;
}

TEST(WitSyntax, GateErrors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"package a:b@1.0.0; interface i { @unstable(feature = x) @since(version = 1.0.0) f: func(); "
       "}",
       "bad.wit:1:58: an item is either `@since` or `@unstable`, not both"},
      {"package a:b@1.0.0; interface i { @deprecated(version = 1.0.0) f: func(); }",
       "bad.wit:1:35: `@deprecated` needs `@since` or `@unstable` on the same item"},
      {"package a:b@1.0.0; interface i { @since(version = 1.0.0) @since(version = 1.0.0) f: "
       "func(); }",
       "bad.wit:1:59: `@since` is given twice"},
      {"package a:b@1.0.0; interface i { @since(feature = x) f: func(); }",
       "bad.wit:1:41: expected `version`, found `feature`"},
      {"package a:b@1.0.0; interface i { @since(version = x) f: func(); }",
       "bad.wit:1:51: expected a semantic version (major.minor.patch, like 1.0.0), found `x`"},
      {"package a:b@1.0.0; interface i { @unstable(feature = 1) f: func(); }",
       "bad.wit:1:54: expected a feature name, found `1`"},
      {"package a:b@1.0.0; interface i { @later f: func(); }",
       "bad.wit:1:35: expected `since`, `unstable`, `deprecated` or `external-id`, found `later`"},
      {"package a:b@1.0.0; interface i { @external-id(x) f: func(); }",
       "bad.wit:1:47: expected a string, found `x`"},
      {"package a:b@1.0.0; interface i { @external-id(\"x) f: func(); }",
       "bad.wit:1:63: expected `\"` to close the string, found end of file"},
      {"package a:b@1.0.0; interface i { @external-id(\"\\q\") f: func(); }",
       "bad.wit:1:48: expected an escape (`\\t`, `\\n`, `\\r`, `\\\"`, `\\'`, `\\\\`, `\\u{...}` "
       "or "
       "two hexadecimal digits) after `\\`"},
      {"package a:b@1.0.0; @since(version = 1.0.0) use c:d/e;",
       "bad.wit:1:20: feature gates cannot annotate a top-level `use`"},
      {"package a:b@1.0.0; @external-id(\"x\") interface i {}",
       "bad.wit:1:21: `@external-id` cannot annotate an interface"},
      {"package a:b; interface i { @since(version = 1.0.0) f: func(); }",
       "bad.wit:1:52: `@since` and `@deprecated` need a package version (`package "
       "a:b@<version>;`)"},
  };
  for (const auto &[text, message] : cases)
    EXPECT_EQ(error_of(text), message) << text;
}

TEST(WitSyntax, PrereleaseVersionBeforeUsedNames) {
  auto package = take(wit::parse(R"(package a:b;
interface i { use c:d/e@1.0.0-rc.1.{t}; f: func(x: t); }
package c:d@1.0.0-rc.1 { interface e { type t = u8; } })",
                                 "v.wit"));
  const wit::UsePath &from = package.interfaces[0].uses[0].from;
  EXPECT_EQ(from.package->version, "1.0.0-rc.1");
  EXPECT_EQ(wit::to_string(from), "c:d/e@1.0.0-rc.1");
  EXPECT_EQ(wit::to_string(*package.interfaces[0].functions[0].params[0].type.definition->alias),
            "u8");
}

TEST(WitSyntax, CarriageReturnsAreWhitespace) {
  EXPECT_EQ(error_of("package a:b;\r\ninterface i {\r\n  f: func()\r\n}\r\n"),
            "bad.wit:4:1: expected `->` or `;`, found `}`");
  // Also where comments end: a comment's characters are checked one by one.
  EXPECT_EQ(error_of("package a:b; // one\r\ninterface i {\r\n  /// two\r\n  f: func();\r\n}\r\n"),
            "");
}

TEST(WitSyntax, StringEscapes) {
  auto package = take(wit::parse(
      R"(package a:b; interface i { @external-id("t\tq\"\u{2603}\41") f: func(); })", "s.wit"));
  EXPECT_EQ(package.interfaces[0].functions[0].external_id, "t\tq\"\xe2\x98\x83"
                                                            "A");
}

// Errors of meaning: names that do not resolve or repeat, cycles, handles.
TEST(WitResolve, Errors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"package a:b; interface i { f: func(x: nope); }",
       "bad.wit:1:39: no type `nope` in interface `a:b/i`"},
      {"package a:b; interface i { f: func(); g: func(x: f); }",
       "bad.wit:1:50: `f` is a function of interface `a:b/i`, not a type"},
      {"package a:b; interface i { use j.{t}; }",
       "bad.wit:1:32: no interface `j` in package `a:b`"},
      {"package a:b; interface i { use j.{t}; } interface j {}",
       "bad.wit:1:35: interface `a:b/j` has no type `t`"},
      {"package a:b; interface i { use c:d/j.{t}; } package c:d { interface k {} }",
       "bad.wit:1:32: package `c:d` has no interface `j`"},
      {"package a:b; interface i { type f = u32; type F = u32; }",
       "bad.wit:1:47: duplicate name `F` (first defined as `f` at bad.wit:1:33)"},
      {"package a:b; interface i { type t = u32; t: func(); }",
       "bad.wit:1:42: duplicate name `t` (first defined at bad.wit:1:33)"},
      {"package a:b; interface i { type t = u32; use j.{t}; } interface j { type t = u8; }",
       "bad.wit:1:49: duplicate name `t` (first defined at bad.wit:1:33)"},
      {"package a:b; interface i { record r { a: u32, A: u32 } }",
       "bad.wit:1:47: duplicate field `A` (first defined as `a` at bad.wit:1:39)"},
      {"package a:b; interface i { enum e { x, x } }",
       "bad.wit:1:40: duplicate enum case `x` (first defined at bad.wit:1:37)"},
      {"package a:b; interface i { f: func(a: u32, A: u32); }",
       "bad.wit:1:44: duplicate parameter `A` (first defined as `a` at bad.wit:1:36)"},
      {"package a:b; interface i { resource r { f: func(); f: static func(); } }",
       "bad.wit:1:52: duplicate function `f` in resource `r` (first defined at bad.wit:1:41)"},
      {"package a:b; interface i { resource r { constructor(); constructor(); } }",
       "bad.wit:1:56: resource `r` has a second constructor (the first is at bad.wit:1:41)"},
      {"package a:b; interface i {} interface I {}",
       "bad.wit:1:39: duplicate interface or world `I` (first defined as `i` at bad.wit:1:24)"},
      {"package a:b; interface i { type t = t; }", "bad.wit:1:37: type `t` depends on itself"},
      {"package a:b; interface i { record a { b: b } record b { a: option<a> } }",
       "bad.wit:1:67: type `a` depends on itself"},
      {"package a:b; interface i { use i.{t as u}; type t = u32; }",
       "bad.wit:1:32: `use` forms a cycle: interface `a:b/i` -> interface `a:b/i`"},
      {"package a:b; interface i { use j.{t}; type u = u32; } interface j { use i.{u}; type t = "
       "u32; }",
       "bad.wit:1:73: `use` forms a cycle: interface `a:b/i` -> interface `a:b/j` -> interface "
       "`a:b/i`"},
      {"package a:b; interface i { type t = borrow<u32-alias>; type u32-alias = u32; }",
       "bad.wit:1:37: `u32-alias` is not a resource, so `borrow<u32-alias>` is not a handle"},
      {"package a:b; interface i { resource r; type x = own<r>; type y = borrow<x>; }",
       "bad.wit:1:66: `x` is not a resource, so `borrow<x>` is not a handle"},
      {"package a:b; interface i { resource r; f: func() -> option<borrow<r>>; }",
       "bad.wit:1:53: a result cannot hold a `borrow` handle, found `option<borrow<r>>`"},
      {"package a:b; interface i { resource r { constructor() -> u32; } }",
       "bad.wit:1:58: expected `result<r>` or `result<r, E>` (a constructor's result), found "
       "`u32`"},
      {"package a:b; interface i { resource r { constructor() -> result<s>; } resource s; }",
       "bad.wit:1:58: expected `result<r>` or `result<r, E>` (a constructor's result), found "
       "`result<s>`"},
      {"package a:b; use x:y/z as i; interface i {}",
       "bad.wit:1:18: `use` names `i`, which is already an interface or world of the package"},
      {"package a:b; use x:y/z; use w:v/z; package x:y { interface z {} } package w:v { "
       "interface z {} }",
       "bad.wit:1:29: duplicate top-level `use` name `z`"},
      {"package a:b; world w { import i; import i; } interface i {}",
       "bad.wit:1:41: duplicate import `a:b/i` (first defined at bad.wit:1:31)"},
      {"package a:b; world w { import f: func(); import f: func(); }",
       "bad.wit:1:49: duplicate import `f` (first defined at bad.wit:1:31)"},
      {"package a:b; world w { import a:b; }", "bad.wit:1:33: no interface `b` in package `a:b`"},
      {"package a:b; world w { include v; }", "bad.wit:1:32: no world `v` in package `a:b`"},
      {"package a:b; world w { import f: func(x: nope); }",
       "bad.wit:1:42: no type `nope` in world `a:b/w`"},
      {"package a:b; world w { import x: interface { f: func(x: nope); } }",
       "bad.wit:1:57: no type `nope` in interface `x` of world `w`"},
      {"package a:b; package a:b { }",
       "bad.wit:1:22: package `a:b` is defined twice (also at bad.wit:1:9)"},
      {"package a:b; interface i { use c:d/j.{t}; } package c:d@1.0.0 { interface j { type t = "
       "u8; } } package c:d@2.0.0 { interface j { type t = u8; } }",
       "bad.wit:1:32: package `c:d` has several versions here: give one"},
      {"interface i {}",
       "bad.wit:1:1: expected a package declaration (`package namespace:name;`) in one of the "
       "files"},
  };
  for (const auto &[text, message] : cases)
    EXPECT_EQ(error_of(text), message) << text;
}

TEST(WitBinding, InterfaceForTheRuntime) {
  auto package = parse_fixture("wit/resources.wit");
  const Interface store = wit::binding_interface(*package.find_interface("store"));
  std::vector<std::string> names;
  for (const auto &[name, _] : store.functions())
    names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"[constructor]bucket", "[constructor]cursor",
                                             "[method]bucket.get", "[static]bucket.merge",
                                             "inspect", "list-all", "open"}));
  EXPECT_EQ(store.resources(), (Interface::Resources{"bucket", "cursor"}));
  auto check = [&](const char *name, FunctionKind kind, ReturnKind returns, const char *resource) {
    const Function *function = store.find(name);
    ASSERT_NE(function, nullptr) << name;
    EXPECT_EQ(function->kind, kind) << name;
    EXPECT_EQ(function->returns, returns) << name;
    EXPECT_EQ(function->resource, resource) << name;
    EXPECT_FALSE(function->type) << name;
  };
  check("[constructor]bucket", FunctionKind::constructor, ReturnKind::value_with_resources,
        "bucket");
  check("[constructor]cursor", FunctionKind::constructor, ReturnKind::value_with_resources,
        "cursor");
  check("[method]bucket.get", FunctionKind::method, ReturnKind::value, "bucket");
  check("[static]bucket.merge", FunctionKind::static_, ReturnKind::value_with_resources, "bucket");
  check("inspect", FunctionKind::freestanding, ReturnKind::value, "");
  // listing is a record holding a list of handles.
  check("list-all", FunctionKind::freestanding, ReturnKind::value_with_resources, "");
}

TEST(WitBinding, UnstableItemsAreLeftOut) {
  auto package = take(wit::parse(R"(package a:b@1.0.0;
interface i {
  f: func();
  @unstable(feature = x) g: func() -> u32;
  @unstable(feature = x) resource r { constructor(); }
  resource s { @unstable(feature = x) m: func(); }
})",
                                 "gates.wit"));
  const Interface i = wit::binding_interface(package.interfaces[0]);
  ASSERT_EQ(i.functions().size(), 1u);
  EXPECT_EQ(i.functions().begin()->first, "f");
  EXPECT_EQ(i.functions().begin()->second.returns, ReturnKind::none);
  EXPECT_EQ(i.resources(), (Interface::Resources{"s"}));
}

// A binding made from WIT takes its function types from its first plugin.
TEST(WitBinding, BindingFromWit) {
  auto engine = make_engine();
  auto package = parse_fixture("wit/resources.wit");
  Binding::Interfaces interfaces{
      {"store", wit::binding_interface(*package.find_interface("store"))}};
  wasmtime::component::Linker linker(engine);
  auto store = take(Plugin(load(engine, "wit/resources.wat")).instantiate(engine, linker));
  auto binding =
      take(Binding::create("test:resources", interfaces, Cardinality::any, {{"store", store}}));
  const auto *type = binding.function_type("store", "[method]bucket.get");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type_name(*type), "func(self: borrow<resource>, key: string) -> option<string>");
  EXPECT_TRUE(
      wit::matches(package.find_interface("store")->find_type("bucket")->functions[1], *type));
  EXPECT_EQ(binding.function_type("store", "absent"), nullptr);
  EXPECT_EQ(binding.function_type("absent", "open"), nullptr);

  auto empty = take(Binding::create("test:resources", interfaces, Cardinality::any, {}));
  EXPECT_EQ(empty.function_type("store", "open"), nullptr);
  EXPECT_EQ(empty.interfaces().at("store").functions().size(), 7u);
}

// WIT types against the types Wasmtime reads from real components.
class WitMatches : public ::testing::Test {
protected:
  WitMatches() : engine(make_engine()) {}

  // The exported functions of `instance` in `component`, by name.
  std::map<std::string, wasmtime::component::FuncType> exports(const std::string &component,
                                                               const std::string &instance) {
    std::map<std::string, wasmtime::component::FuncType> out;
    const Interface read =
        take(Interface::from_component(engine, load(engine, component), instance));
    for (const auto &[name, function] : read.functions())
      out.emplace(name, *function.type);
    return out;
  }

  // A WIT interface `i` of package `a:b`, with `text` its items.
  static wit::Package package(const std::string &text) {
    return take(wit::parse("package a:b; interface i { " + text + " }", "i.wit"));
  }

  wasmtime::Engine engine;
};

TEST_F(WitMatches, EveryValueType) {
  auto package = parse_fixture("wit/echo.wit");
  auto found = exports("values/echo.wat", "test:values/echo");
  const wit::Interface &echo = package.interfaces[0];
  ASSERT_EQ(echo.functions.size(), found.size());
  for (const wit::Function &function : echo.functions) {
    const auto &type = found.at(function.name);
    EXPECT_TRUE(wit::matches(function, type)) << function.name;
    for (std::size_t i = 0; i < function.params.size(); ++i)
      EXPECT_TRUE(wit::matches(function.params[i].type, type.param_nth(i)->second))
          << function.name;
  }
}

TEST_F(WitMatches, ResourcesConstructorsMethodsAndStaticFunctions) {
  auto package = parse_fixture("wit/resources.wit");
  auto found = exports("wit/resources.wat", "test:resources/store");
  const wit::Interface &store = package.interfaces[0];
  const auto functions = wit::exported_functions(store);
  ASSERT_EQ(functions.size(), found.size());
  for (const wit::Function *function : functions)
    EXPECT_TRUE(wit::matches(*function, found.at(function->component_name())))
        << function->component_name();
  // Handles match by kind: own is not borrow.
  EXPECT_FALSE(wit::matches(store.find_type("bucket")->functions[2], found.at("inspect")));
  EXPECT_FALSE(wit::matches(*store.find_function("inspect"), found.at("[static]bucket.merge")));
}

TEST_F(WitMatches, Mismatches) {
  auto found = exports("values/echo.wat", "test:values/echo");
  auto param = [&](const std::string &function) { return found.at(function).param_nth(0)->second; };
  // Each WIT type against an echo function's parameter that differs from it in one way.
  const std::tuple<std::string, std::string, std::string> cases[] = {
      {"type t = u32;", "t", "echo-s32"},
      {"type t = s64;", "t", "echo-u64"},
      {"type t = f32;", "t", "echo-f64"},
      {"type t = char;", "t", "echo-u32"},
      {"type t = string;", "t", "echo-bytes"},
      {"type t = list<s8>;", "t", "echo-bytes"},
      {"type t = list<u8, 4>;", "t", "echo-bytes"},
      {"record t { x: u32, name: string }", "t", "echo-record"},
      {"record t { x: u32, label: char }", "t", "echo-record"},
      {"record t { x: u32 }", "t", "echo-record"},
      {"record t { label: string, x: u32 }", "t", "echo-record"},
      {"variant t { empty, count(u32), named(char) }", "t", "echo-variant"},
      {"variant t { empty, count, named(string) }", "t", "echo-variant"},
      {"variant t { empty, count(u32) }", "t", "echo-variant"},
      {"enum t { red, green, yellow }", "t", "echo-enum"},
      {"enum t { red, green }", "t", "echo-enum"},
      {"flags t { read, write, execute }", "t", "echo-flags"},
      {"enum t { read, write, exec }", "t", "echo-flags"},
      {"type t = option<s32>;", "t", "echo-option"},
      {"type t = result<string>;", "t", "echo-result"},
      {"type t = result<_, u32>;", "t", "echo-result"},
      {"type t = result<string, s32>;", "t", "echo-result"},
      {"type t = tuple<u8>;", "t", "echo-tuple"},
      {"type t = tuple<u8, char>;", "t", "echo-tuple"},
      {"type t = map<string, s32>;", "t", "echo-map"},
      {"type t = map<char, u32>;", "t", "echo-map"},
      {"type t = list<tuple<string, u32>>;", "t", "echo-map"},
      {"resource t; type u = borrow<t>;", "u", "echo-u32"},
      {"type t = future<u32>;", "t", "echo-u32"},
  };
  for (const auto &[items, name, function] : cases) {
    auto p = package(items + " f: func(x: " + name + ");");
    EXPECT_FALSE(wit::matches(p.interfaces[0].functions[0].params[0].type, param(function)))
        << items << " against " << function;
  }
  // Aliases and uses are seen through.
  auto aliased = package("type a = b; type b = list<string>; f: func(x: a);");
  EXPECT_TRUE(
      wit::matches(aliased.interfaces[0].functions[0].params[0].type, param("echo-strings")));
}

TEST_F(WitMatches, FunctionSignatures) {
  auto found = exports("values/echo.wat", "test:values/echo");
  const std::pair<std::string, std::string> mismatches[] = {
      {"f: func(v: u32) -> u32;", "take-u32"},         // a result too many
      {"f: func(v: u32);", "echo-u32"},                // a result too few
      {"f: func() -> u32;", "echo-u32"},               // a parameter too few
      {"f: func(v: u32, w: u32) -> u32;", "echo-u32"}, // a parameter too many
      {"f: func(v: u32) -> s32;", "echo-u32"},         // another result type
      {"f: async func(v: u32) -> u32;", "echo-u32"},   // async
      {"resource r { f: func() -> u32; }", "calls"},   // a method takes self
  };
  for (const auto &[items, function] : mismatches) {
    auto p = package(items);
    const auto functions = wit::exported_functions(p.interfaces[0]);
    EXPECT_FALSE(wit::matches(*functions[0], found.at(function))) << items;
  }
  // Parameter names do not matter.
  auto renamed = package("f: func(other-name: u32) -> u32;");
  EXPECT_TRUE(wit::matches(renamed.interfaces[0].functions[0], found.at("echo-u32")));
}

// Limits on hostile WIT: each is an error with a location, never a crash, and
// comes quickly (these inputs took seconds to minutes, gigabytes, or the whole
// stack before).

// `n` levels of `open` around `u8`, closed with `close`.
std::string nested(std::string_view open, std::string_view close, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += open;
  out += "u8";
  for (std::size_t i = 0; i < n; ++i)
    out += close;
  return out;
}

// The location, in bad.wit, of the first `needle` in one-line `text`.
std::string at(std::string_view text, std::string_view needle) {
  return "bad.wit:1:" + std::to_string(text.find(needle) + 1);
}

// `items` one after the other, or from the last to the first.
std::string joined(const std::vector<std::string> &items, bool reversed) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += items[reversed ? items.size() - 1 - i : i];
  return out;
}

// How long `f` takes, in seconds.
// The fastest of three runs of `f`, in seconds, divided by 10 in sanitizer
// builds: the bounds below catch work that grows faster than the input (minutes
// where it should take milliseconds), not a busy machine.
template <typename F> double seconds(F f) {
  double fastest = 1e9;
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    f();
    fastest = std::min(
        fastest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return sanitized ? fastest / 10 : fastest;
}

TEST(WitLimits, TypesNestedDeeperThan100LevelsAreRefused) {
  const std::string prefix = "package a:b; interface i { type t = ";
  // `u8` inside 99 lists is 100 levels.
  EXPECT_EQ(error_of(prefix + nested("list<", ">", 99) + "; }"), "");
  EXPECT_EQ(error_of(prefix + nested("list<", ">", 100) + "; }"),
            "bad.wit:1:537: types nested deeper than 100 levels");
  const std::pair<std::string_view, std::string_view> kinds[] = {
      {"list<", ">"},    {"option<", ">"},    {"tuple<", ">"},
      {"result<", ">"},  {"tuple<u8, ", ">"}, {"result<_, ", ">"},
      {"map<u8, ", ">"}, {"stream<", ">"},    {"list<", ""}, // never closed
  };
  for (const auto &[open, close] : kinds) {
    const std::string text = prefix + nested(open, close, 50'000) + "; }";
    // The first type of the 101st level: the next opener, or the `u8` before it.
    const std::size_t column = prefix.size() + 99 * open.size() +
                               (open.find("u8") != open.npos ? open.find("u8") : open.size()) + 1;
    EXPECT_EQ(error_of(text),
              "bad.wit:1:" + std::to_string(column) + ": types nested deeper than 100 levels")
        << open;
  }
}

// Levels count through names: records and variants are one each.
TEST(WitLimits, TypesNestedThroughNamesAreRefused) {
  // r0 has two levels, r<n> has n + 2.
  auto records = [](int last, bool reversed) {
    std::vector<std::string> items{"record r0 { a: u8 } "};
    for (int i = 1; i <= last; ++i)
      items.push_back("record r" + std::to_string(i) + " { a: r" + std::to_string(i - 1) + " } ");
    return "package a:b; interface i { " + joined(items, reversed) + "}";
  };
  EXPECT_EQ(error_of(records(98, false)), "");
  EXPECT_EQ(error_of(records(98, true)), "") << "100 levels open at once are within the limit";
  const std::string in_order = records(20'000, false);
  EXPECT_EQ(error_of(in_order), at(in_order, "r99 {") + ": types nested deeper than 100 levels");
  // Resolved from the outside in: the first type found too deep is the first written.
  const std::string reversed = records(20'000, true);
  EXPECT_EQ(error_of(reversed), at(reversed, "r20000") + ": types nested deeper than 100 levels");

  // A variant of depth 51 inside 50 lists is 101 levels deep.
  const std::string variant = "variant v0 { a(" + nested("option<", ">", 49) + "), b } ";
  const std::string lists = "type t = " + nested("list<", ">", 50) + "; ";
  const std::string list_of_variant = "package a:b; interface i { " + variant +
                                      lists.substr(0, lists.find("u8")) + "v0" +
                                      lists.substr(lists.find("u8") + 2) + "}";
  EXPECT_EQ(error_of(list_of_variant),
            at(list_of_variant, "list<") + ": types nested deeper than 100 levels");
}

// The input that took 7 s and 4.4 GB to resolve.
TEST(WitLimits, Depth8000IsRefusedQuickly) {
  const std::string text =
      "package a:b; interface i { type t = " + nested("list<", ">", 8'000) + "; }";
  std::string error;
  EXPECT_LT(seconds([&] { error = error_of(text); }), 1.0);
  EXPECT_EQ(error, "bad.wit:1:537: types nested deeper than 100 levels");
}

// Chains of aliases: 20,000 took minutes to resolve, in either order.
TEST(WitLimits, AliasChainsLongerThan100AreRefusedQuickly) {
  auto chain = [](int last, bool reversed) {
    std::vector<std::string> items{"type t0 = u8; "};
    for (int i = 1; i <= last; ++i)
      items.push_back("type t" + std::to_string(i) + " = t" + std::to_string(i - 1) + "; ");
    return "package a:b; interface i { " + joined(items, reversed) + "f: func(x: t" +
           std::to_string(last) + "); }";
  };
  // t0 is one alias, t99 a hundred: in either order, all of them are open at
  // once while the reversed chain resolves.
  for (bool reversed : {false, true}) {
    auto package = take(wit::parse(chain(99, reversed), "chain.wit"));
    EXPECT_EQ(wit::to_string(package.interfaces[0].functions[0]), "func(x: t99)");
    EXPECT_EQ(package.interfaces[0].functions[0].params[0].type.definition->name, "t99");
  }

  const std::string in_order = chain(20'000, false);
  std::string error;
  EXPECT_LT(seconds([&] { error = error_of(in_order); }), 1.0);
  EXPECT_EQ(error, at(in_order, "t100 =") + ": type aliases chained more than 100 deep");
  const std::string reversed = chain(20'000, true);
  EXPECT_LT(seconds([&] { error = error_of(reversed); }), 1.0);
  EXPECT_EQ(error, at(reversed, "t20000") + ": type aliases chained more than 100 deep");
}

// Types that share definitions: a result whose records, unfolded, would have
// 3^89 parts is checked for `borrow` handles, and its handles are found, by
// looking at each definition once (before, neither ended).
TEST(WitLimits, SharedDefinitionsAreLookedAtOnce) {
  auto dag = [](const std::string &handle) {
    std::string text = "package a:b; interface i { resource res; record r0 { a: " + handle + " } ";
    for (int i = 1; i < 90; ++i) {
      const std::string previous = "r" + std::to_string(i - 1);
      text += "record r" + std::to_string(i) + " { a: " + previous + ", b: " + previous +
              ", c: " + previous + " } ";
    }
    return text + "f: func() -> r89; }";
  };
  const std::string borrowing = dag("borrow<res>");
  std::string error;
  EXPECT_LT(seconds([&] { error = error_of(borrowing); }), 0.5);
  EXPECT_EQ(error,
            at(borrowing, "r89; }") + ": a result cannot hold a `borrow` handle, found `r89`");
  auto package = take(wit::parse(dag("res"), "dag.wit"));
  const Interface i = wit::binding_interface(package.interfaces[0]);
  EXPECT_EQ(i.find("f")->returns, ReturnKind::value_with_resources);
}

// `use` through 10,000 interfaces, one after the other.
TEST(WitLimits, LongUseChainResolves) {
  std::string text = "package a:b; interface i0 { type t = u8; } ";
  for (int i = 1; i < 10'000; ++i)
    text += "interface i" + std::to_string(i) + " { use i" + std::to_string(i - 1) + ".{t}; } ";
  text += "interface last { use i9999.{t}; f: func(x: t); }";
  auto package = take(wit::parse(text, "uses.wit"));
  const wit::Type &t = package.find_interface("last")->functions[0].params[0].type;
  ASSERT_TRUE(t.definition);
  EXPECT_EQ(wit::to_string(*t.definition->alias), "u8");
}

// Names along a `use` chain of 12,000 interfaces, each using the type before
// and naming it again. Each name walked the chain back to i0, so that
// resolving took 70 times as long as the same chain without the names (5.5 s
// against 0.08 s). Compared with that chain, not with a clock, so that
// sanitizers' slowdowns do not matter.
TEST(WitLimits, NamesAlongALongUseChainCostAboutWhatTheChainCosts) {
  auto chain = [](const std::string &named) {
    std::string text = "package a:b; interface i0 { type t = u8; } ";
    for (int i = 1; i < 12'000; ++i)
      text += "interface i" + std::to_string(i) + " { use i" + std::to_string(i - 1) + ".{t}; " +
              named + "} ";
    return text + "interface last { use i11999.{t}; f: func(x: t); }";
  };
  const std::string bare = chain(""), named = chain("type u = t; ");
  std::optional<Result<wit::Package>> package;
  const double chain_alone = seconds([&] { package = wit::parse(bare, "uses.wit"); });
  ASSERT_TRUE(*package) << package->err().message();
  const double with_names = seconds([&] { package = wit::parse(named, "uses.wit"); });
  ASSERT_TRUE(*package) << package->err().message();
  EXPECT_LT(with_names, 5 * chain_alone + 0.05);
  const wit::TypeDef &u = *package->ok_ref().find_interface("i11999")->find_type("u");
  EXPECT_EQ(wit::to_string(*u.alias), "t");
  EXPECT_EQ(wit::to_string(*u.alias->definition->alias), "u8");
}

TEST(WitLimits, MoreThan100000ItemsAreRefused) {
  // The package, the interface and the enum are three items; its cases the rest.
  std::string text = "package a:b; interface i { enum e { ";
  for (int i = 0; i < 99'998; ++i)
    text += "c" + std::to_string(i) + ", ";
  text += "} }";
  EXPECT_EQ(error_of(text), at(text, "c99997,") +
                                ": more than 100000 items (types, fields, functions, parameters "
                                "and the like) in the WIT read together");
}

TEST(WitLimits, FilesLargerThan1MiBAreRefused) {
  const std::string header = "package a:b;\n";
  std::string text =
      header + "//" + std::string(wit::max_file_bytes - header.size() - 3, 'x') + "\n";
  ASSERT_EQ(text.size(), wit::max_file_bytes);
  EXPECT_EQ(error_of(text), "");
  text += "\n";
  EXPECT_EQ(error_of(text),
            "bad.wit: the text is larger than the limit of 1048576 bytes (1048577 bytes)");
}

// parse_path reads regular files only, each up to 1 MiB and all up to 4 MiB.
TEST(WitLimits, ParsePathBoundsWhatItReads) {
  const auto folder = std::filesystem::path(::testing::TempDir()) / "wit_limits";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder / "deps");
  auto write = [](const std::filesystem::path &path, std::size_t comment_bytes) {
    std::ofstream(path) << "package a:b;\n//" << std::string(comment_bytes, 'x') << "\n";
  };
  write(folder / "big.wit", wit::max_file_bytes);
  auto big = wit::parse_path(folder / "big.wit");
  expect_error(big, Error::Kind::wit,
               (folder / "big.wit").string() +
                   ": cannot read the WIT file: it is larger than the limit "
                   "of 1048576 bytes (1048592 bytes)");
  std::filesystem::remove(folder / "big.wit");

  // Five files of 900 KB: the fifth, in name order, is past the total.
  for (char name = 'a'; name <= 'e'; ++name)
    write(folder / (std::string(1, name) + ".wit"), 900'000);
  auto total = wit::parse_path(folder);
  expect_error(total, Error::Kind::wit,
               (folder / "e.wit").string() +
                   ": with this file, the WIT files read together have more than 4194304 bytes");
  for (char name = 'b'; name <= 'e'; ++name)
    std::filesystem::remove(folder / (std::string(1, name) + ".wit"));

  // A FIFO would block the reader.
  ASSERT_EQ(mkfifo((folder / "deps" / "pipe.wit").c_str(), 0600), 0);
  auto fifo = wit::parse_path(folder);
  expect_error(fifo, Error::Kind::wit,
               (folder / "deps" / "pipe.wit").string() +
                   ": cannot read the WIT file: it is not a regular file");
  std::filesystem::remove_all(folder);
}

} // namespace
} // namespace wasm_link
