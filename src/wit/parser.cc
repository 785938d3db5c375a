#include "parser.hh"

#include "lexer.hh"

#include <charconv>
#include <limits>

namespace wasm_link::wit::detail {
namespace {

// Attributes before an item: feature gates and `@external-id`.
struct Attributes {
  Gates gates;
  std::string external_id;
  Location external_id_location;
};

// A recursive-descent parser over the grammar of WIT.md. The first error sticks:
// it is kept, the current token becomes the end of the file, and every loop
// stops there, so productions need not check for failure after each step.
class Parser {
public:
  Parser(std::string_view text, const std::string &file, std::size_t &items)
      : lexer_(text, file), items_(items) {
    advance();
  }

  Result<File> file() {
    File out;
    // `package name;` may open the file; `package name { ... }` may come anywhere.
    for (bool first = true; !failed() && current_.kind != Token::Kind::end; first = false) {
      count_item();
      if (!at("package")) {
        package_item(out.package);
        continue;
      }
      const std::string docs = current_.docs;
      advance();
      const Location location = current_.location;
      PackageName name = package_name();
      if (at("{") || !first) {
        out.nested.push_back(nested_package(std::move(name), location, docs));
      } else {
        expect(";", "`;` or `{`");
        out.package.name = std::move(name);
        out.package.location = location;
        out.package.docs = docs;
      }
    }
    if (error_)
      return *error_;
    return out;
  }

private:
  // Tokens.

  void advance() {
    if (failed())
      return;
    current_ = lexer_.next();
    if (current_.kind == Token::Kind::error)
      fail(current_.location, current_.text);
  }
  bool failed() const { return error_.has_value(); }
  void fail(const Location &location, const std::string &message) {
    if (!error_)
      error_ = Error(Error::Kind::wit, to_string(location) + ": " + message);
    current_ = Token{};
  }
  std::string found() const {
    switch (current_.kind) {
    case Token::Kind::end:
    case Token::Kind::error:
      return "end of file";
    case Token::Kind::keyword:
      return "keyword `" + current_.text + "`";
    case Token::Kind::string:
      return "string " + std::string(current_.source);
    default:
      return "`" + std::string(current_.source) + "`";
    }
  }
  void expected(const std::string &what) {
    if (!failed())
      fail(current_.location, "expected " + what + ", found " + found());
  }
  bool at(std::string_view word) const {
    return (current_.kind == Token::Kind::symbol || current_.kind == Token::Kind::keyword) &&
           current_.text == word;
  }
  bool eat(std::string_view word) {
    if (!at(word))
      return false;
    advance();
    return true;
  }
  void expect(std::string_view word) {
    if (!eat(word))
      expected("`" + std::string(word) + "`");
  }
  // `word`, or an error that names everything that could have come instead.
  void expect(std::string_view word, const std::string &what) {
    if (!eat(word))
      expected(what);
  }
  std::string identifier(const std::string &what = "an identifier") {
    if (current_.kind != Token::Kind::identifier) {
      expected(what);
      return {};
    }
    std::string name = current_.text;
    advance();
    return name;
  }
  // The version after an `@`, which the lexer reads on request: `1.0.0` is
  // not one token in the rest of the grammar.
  std::string version() {
    if (failed())
      return {};
    current_ = lexer_.version(current_);
    if (current_.kind == Token::Kind::error) {
      fail(current_.location, current_.text);
      return {};
    }
    std::string out = current_.text;
    advance();
    return out;
  }
  // Items separated by `,` until `close`, which ends the list; a trailing `,`
  // is allowed. With `first`, the list may not be empty.
  template <typename Item> void comma_list(std::string_view close, const char *first, Item item) {
    if (first != nullptr && at(close))
      expected(first);
    while (!failed() && !at(close)) {
      item();
      if (!eat(","))
        break;
    }
    expect(close, "`,` or `" + std::string(close) + "`");
  }
  bool at_end_of_block() const { return at("}") || current_.kind == Token::Kind::end; }
  // Called where each item starts: items count against max_items, across the
  // files read together.
  void count_item() {
    if (++items_ > max_items)
      fail(current_.location, "more than " + std::to_string(max_items) +
                                  " items (types, fields, functions, parameters and the like) "
                                  "in the WIT read together");
  }

  // Names.

  PackageName package_name() {
    PackageName name;
    name.space = identifier("a package namespace");
    expect(":");
    name.name = identifier("a package name");
    if (eat("@"))
      name.version = version();
    return name;
  }

  // `name`, or `space:package/name@version`.
  UsePath use_path(const std::string &what) {
    UsePath path;
    path.location = current_.location;
    std::string first = identifier(what);
    if (!eat(":")) {
      path.name = std::move(first);
      return path;
    }
    return qualified_path(std::move(first), path.location);
  }
  // The rest of `space:package/name@version` after `space:`.
  UsePath qualified_path(std::string space, Location location) {
    std::string package = identifier("a package name");
    return interface_path(std::move(space), std::move(package), std::move(location));
  }
  // The rest of `space:package/name@version` after `space:package`.
  UsePath interface_path(std::string space, std::string package, Location location) {
    UsePath path;
    path.location = std::move(location);
    path.package = PackageName{std::move(space), std::move(package), {}};
    expect("/");
    path.name = identifier("an interface name");
    if (eat("@"))
      path.package->version = version();
    return path;
  }

  // Attributes.

  Attributes attributes() {
    Attributes out;
    std::optional<Location> since, unstable, deprecated;
    while (!failed() && at("@")) {
      advance();
      const Location location = current_.location;
      const std::string name = current_.kind == Token::Kind::identifier ? current_.text : "";
      std::string *value = name == "since"         ? &out.gates.since
                           : name == "unstable"    ? &out.gates.unstable
                           : name == "deprecated"  ? &out.gates.deprecated
                           : name == "external-id" ? &out.external_id
                                                   : nullptr;
      if (value == nullptr) {
        expected("`since`, `unstable`, `deprecated` or `external-id`");
        break;
      }
      if (!value->empty()) {
        fail(location, "`@" + name + "` is given twice");
        break;
      }
      advance();
      expect("(");
      if (name == "external-id") {
        out.external_id_location = location;
        if (current_.kind != Token::Kind::string)
          expected("a string");
        *value = current_.text;
        advance();
      } else {
        const std::string field = name == "unstable" ? "feature" : "version";
        if (current_.kind != Token::Kind::identifier || current_.text != field)
          expected("`" + field + "`");
        advance();
        expect("=");
        *value = name == "unstable" ? identifier("a feature name") : version();
        (name == "since" ? since : name == "unstable" ? unstable : deprecated) = location;
      }
      expect(")");
    }
    if (since && unstable) {
      const bool since_last =
          std::pair(since->line, since->column) > std::pair(unstable->line, unstable->column);
      fail(since_last ? *since : *unstable, "an item is either `@since` or `@unstable`, not both");
    }
    if (deprecated && !since && !unstable)
      fail(*deprecated, "`@deprecated` needs `@since` or `@unstable` on the same item");
    return out;
  }
  void no_external_id(const Attributes &attributes, const std::string &what) {
    if (!attributes.external_id.empty())
      fail(attributes.external_id_location, "`@external-id` cannot annotate " + what);
  }
  void no_gates(const Gates &gates, const Location &location, const std::string &what) {
    if (!gates.since.empty() || !gates.unstable.empty() || !gates.deprecated.empty())
      fail(location, "feature gates cannot annotate " + what);
  }

  // Top level.

  PackageSource nested_package(PackageName name, Location location, std::string docs) {
    PackageSource out;
    out.name = std::move(name);
    out.location = std::move(location);
    out.docs = std::move(docs);
    expect("{", "`{` (a nested package)");
    while (!failed() && !at_end_of_block()) {
      count_item();
      package_item(out);
    }
    expect("}", "`}` or an item of the package");
    return out;
  }

  void package_item(PackageSource &into) {
    const std::string docs = current_.docs;
    const Location location = current_.location;
    Attributes attributes = this->attributes();
    if (at("interface")) {
      no_external_id(attributes, "an interface");
      advance();
      Interface interface;
      interface.docs = docs;
      interface.gates = std::move(attributes.gates);
      interface.location = current_.location;
      interface.name = identifier("an interface name");
      expect("{");
      interface_items(interface);
      expect("}", "`}` or an item of the interface");
      into.interfaces.push_back(std::move(interface));
    } else if (at("world")) {
      no_external_id(attributes, "a world");
      into.worlds.push_back(world(docs, std::move(attributes.gates)));
    } else if (at("use")) {
      no_external_id(attributes, "`use`");
      no_gates(attributes.gates, location, "a top-level `use`");
      advance();
      FileUse use;
      use.location = current_.location;
      use.path = use_path("an interface name");
      use.as = eat("as") ? identifier("a name") : use.path.name;
      expect(";");
      into.uses.push_back(std::move(use));
    } else {
      expected("`interface`, `world`, `use` or `package`");
    }
  }

  // Interfaces.

  void interface_items(Interface &into) {
    while (!failed() && !at_end_of_block()) {
      count_item();
      const std::string docs = current_.docs;
      Attributes attributes = this->attributes();
      if (at("use")) {
        no_external_id(attributes, "`use`");
        into.uses.push_back(use_item(std::move(attributes.gates)));
      } else if (at_typedef()) {
        into.types.push_back(typedef_item(docs, std::move(attributes)));
      } else if (current_.kind == Token::Kind::identifier) {
        Function function;
        function.docs = docs;
        function.gates = std::move(attributes.gates);
        function.external_id = std::move(attributes.external_id);
        function.location = current_.location;
        function.name = identifier();
        expect(":");
        function_type(function);
        into.functions.push_back(std::move(function));
      } else {
        expected("a type definition, a function, `use` or `}`");
      }
    }
  }

  Use use_item(Gates gates) {
    Use use;
    use.gates = std::move(gates);
    use.location = current_.location;
    advance();
    use.from = use_path("an interface name");
    expect(".");
    expect("{");
    comma_list("}", "a name to use", [&] {
      count_item();
      UseName name;
      name.location = current_.location;
      name.name = identifier("a name to use");
      if (eat("as"))
        name.as = identifier("a name");
      use.names.push_back(std::move(name));
    });
    expect(";");
    return use;
  }

  // `async? func(params) (-> result)?;` after `name:`.
  void function_type(Function &function) {
    function.async = eat("async");
    expect("func", function.async ? "`func`" : "`func` or `async`");
    params(function);
    if (eat("->"))
      function.result = type();
    expect(";", function.result ? "`;`" : "`->` or `;`");
  }
  void params(Function &function) {
    expect("(");
    comma_list(")", nullptr, [&] {
      count_item();
      Param param;
      param.location = current_.location;
      param.name = identifier("a parameter name");
      expect(":");
      param.type = type();
      function.params.push_back(std::move(param));
    });
  }

  // Type definitions.

  bool at_typedef() const {
    return at("type") || at("record") || at("variant") || at("enum") || at("flags") ||
           at("resource");
  }

  std::shared_ptr<const TypeDef> typedef_item(const std::string &docs, Attributes attributes) {
    auto def = std::make_shared<TypeDef>();
    def->docs = docs;
    def->gates = std::move(attributes.gates);
    def->external_id = std::move(attributes.external_id);
    const std::string keyword = current_.text;
    advance();
    def->location = current_.location;
    def->name = identifier("a type name");
    auto cases = [&](const char *first, bool payloads) {
      expect("{");
      comma_list("}", first, [&] {
        count_item();
        Field field;
        field.docs = current_.docs;
        field.location = current_.location;
        field.name = identifier(first);
        if (payloads && eat("(")) {
          field.type = type();
          expect(")");
        }
        def->fields.push_back(std::move(field));
      });
    };
    if (keyword == "type") {
      def->kind = TypeDef::Kind::alias;
      expect("=");
      def->alias = type();
      expect(";");
    } else if (keyword == "record") {
      def->kind = TypeDef::Kind::record;
      expect("{");
      comma_list("}", "a record field", [&] {
        count_item();
        Field field;
        field.docs = current_.docs;
        field.location = current_.location;
        field.name = identifier("a record field");
        expect(":");
        field.type = type();
        def->fields.push_back(std::move(field));
      });
    } else if (keyword == "variant") {
      def->kind = TypeDef::Kind::variant;
      cases("a variant case", true);
    } else if (keyword == "enum") {
      def->kind = TypeDef::Kind::enum_;
      cases("an enum case", false);
    } else if (keyword == "flags") {
      def->kind = TypeDef::Kind::flags;
      cases("a flag", false);
    } else {
      def->kind = TypeDef::Kind::resource;
      if (!eat(";")) {
        expect("{", "`;` or `{`");
        while (!failed() && !at_end_of_block()) {
          count_item();
          def->functions.push_back(resource_function(def->name));
        }
        expect("}", "`}`, a method, a static function or `constructor`");
      }
    }
    return def;
  }

  Function resource_function(const std::string &resource) {
    Function function;
    function.resource = resource;
    function.docs = current_.docs;
    Attributes attributes = this->attributes();
    function.gates = std::move(attributes.gates);
    function.external_id = std::move(attributes.external_id);
    function.location = current_.location;
    if (eat("constructor")) {
      function.kind = Function::Kind::constructor;
      params(function);
      if (eat("->"))
        function.result = type();
      expect(";", function.result ? "`;`" : "`->` or `;`");
      return function;
    }
    function.name = identifier("a method, a static function, `constructor` or `}`");
    expect(":");
    function.kind = eat("static") ? Function::Kind::static_ : Function::Kind::method;
    function_type(function);
    return function;
  }

  // Types.

  // A type. Each level of nesting is a call deeper, so the levels are counted
  // and bounded here, before hostile nesting can exhaust the stack.
  Type type() {
    if (depth_ == max_type_depth) {
      fail(current_.location, type_too_deep());
      return {};
    }
    ++depth_;
    Type out = type_at_this_level();
    --depth_;
    return out;
  }

  Type type_at_this_level() {
    Type out;
    out.location = current_.location;
    static constexpr std::pair<std::string_view, Type::Kind> simple[] = {
        {"bool", Type::Kind::bool_},    {"s8", Type::Kind::s8},
        {"s16", Type::Kind::s16},       {"s32", Type::Kind::s32},
        {"s64", Type::Kind::s64},       {"u8", Type::Kind::u8},
        {"u16", Type::Kind::u16},       {"u32", Type::Kind::u32},
        {"u64", Type::Kind::u64},       {"f32", Type::Kind::f32},
        {"f64", Type::Kind::f64},       {"char", Type::Kind::char_},
        {"string", Type::Kind::string}, {"error-context", Type::Kind::error_context}};
    for (const auto &[word, kind] : simple)
      if (eat(word)) {
        out.kind = kind;
        return out;
      }
    if (current_.kind == Token::Kind::identifier) {
      out.kind = Type::Kind::named;
      out.name = identifier();
    } else if (eat("list")) {
      out.kind = Type::Kind::list;
      expect("<");
      out.arguments.push_back(type());
      if (eat(","))
        out.length = list_length();
      expect(">", out.length ? "`>`" : "`,` or `>`");
    } else if (eat("option")) {
      out.kind = Type::Kind::option;
      expect("<");
      out.arguments.push_back(type());
      expect(">");
    } else if (eat("result")) {
      out.kind = Type::Kind::result;
      result_arguments(out);
    } else if (eat("tuple")) {
      out.kind = Type::Kind::tuple;
      expect("<");
      comma_list(">", "a type", [&] { out.arguments.push_back(type()); });
    } else if (eat("map")) {
      out.kind = Type::Kind::map;
      map_arguments(out);
    } else if (at("future") || at("stream")) {
      out.kind = at("future") ? Type::Kind::future : Type::Kind::stream;
      advance();
      if (eat("<")) {
        out.arguments.push_back(type());
        expect(">");
      }
    } else if (at("own") || at("borrow")) {
      out.kind = at("own") ? Type::Kind::own : Type::Kind::borrow;
      advance();
      expect("<");
      out.name = identifier("a resource name");
      expect(">");
    } else {
      expected("a type");
    }
    return out;
  }

  // `<T, E>`, `<T>`, `<_, E>` or nothing, after `result`.
  void result_arguments(Type &out) {
    if (!eat("<"))
      return;
    if (eat("_")) {
      expect(",");
    } else {
      out.arguments.push_back(type());
      out.has_ok = true;
      if (!eat(",")) {
        expect(">", "`,` or `>`");
        return;
      }
    }
    out.arguments.push_back(type());
    out.has_err = true;
    expect(">");
  }

  // `<K, V>` after `map`, where K is a type a map may be keyed by.
  void map_arguments(Type &out) {
    expect("<");
    const Type &key = out.arguments.emplace_back(type());
    using K = Type::Kind;
    if (!failed() && !(key.kind == K::bool_ || key.kind == K::char_ || key.kind == K::string ||
                       (key.kind >= K::s8 && key.kind <= K::u64)))
      fail(key.location,
           "expected a map key type (bool, an integer type, char or string), found `" +
               to_string(key) + "`");
    expect(",");
    out.arguments.push_back(type());
    expect(">");
  }

  std::uint32_t list_length() {
    std::uint32_t length = 0;
    const std::string &digits = current_.text;
    auto [end, problem] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (current_.kind != Token::Kind::integer || digits[0] == '0' || problem != std::errc() ||
        end != digits.data() + digits.size()) {
      expected("a list length (an integer from 1 to " +
               std::to_string(std::numeric_limits<std::uint32_t>::max()) + ")");
      return 0;
    }
    advance();
    return length;
  }

  // Worlds.

  World world(const std::string &docs, Gates gates) {
    World world;
    world.docs = docs;
    world.gates = std::move(gates);
    advance();
    world.location = current_.location;
    world.name = identifier("a world name");
    expect("{");
    while (!failed() && !at_end_of_block()) {
      count_item();
      const std::string item_docs = current_.docs;
      Attributes attributes = this->attributes();
      if (at("import") || at("export")) {
        auto &items = at("import") ? world.imports : world.exports;
        items.push_back(world_item(item_docs, std::move(attributes)));
      } else if (at("use")) {
        no_external_id(attributes, "`use`");
        world.uses.push_back(use_item(std::move(attributes.gates)));
      } else if (at_typedef()) {
        world.types.push_back(typedef_item(item_docs, std::move(attributes)));
      } else if (at("include")) {
        no_external_id(attributes, "`include`");
        world.includes.push_back(include_item(std::move(attributes.gates)));
      } else {
        expected("`import`, `export`, `include`, `use`, a type definition or `}`");
      }
    }
    expect("}", "`}` or an item of the world");
    return world;
  }

  // `import path;`, `import name: path;`, `import name: func(...);` or
  // `import name: interface { ... }` (and the same with `export`).
  WorldItem world_item(const std::string &docs, Attributes attributes) {
    WorldItem item;
    item.docs = docs;
    item.gates = std::move(attributes.gates);
    item.external_id = std::move(attributes.external_id);
    advance();
    item.location = current_.location;
    std::string first = identifier("an interface or a name");
    if (!eat(":")) {
      item.interface = UsePath{std::nullopt, std::move(first), item.location};
      expect(";", "`:` or `;`");
      return item;
    }
    if (at("func") || at("async")) {
      Function function;
      function.location = item.location;
      function.name = first;
      function_type(function);
      item.name = std::move(first);
      item.function = std::move(function);
      return item;
    }
    if (eat("interface")) {
      auto interface = std::make_shared<Interface>();
      interface->name = first;
      interface->location = item.location;
      expect("{");
      interface_items(*interface);
      expect("}", "`}` or an item of the interface");
      item.name = std::move(first);
      item.inline_interface = std::move(interface);
      return item;
    }
    // `space:package/name` as a whole, or `name: path` where path may be
    // qualified itself.
    const Location second_location = current_.location;
    std::string second = identifier("`func`, `interface` or an interface");
    if (at("/")) {
      item.interface = interface_path(std::move(first), std::move(second), item.location);
    } else {
      item.name = std::move(first);
      item.interface = eat(":") ? qualified_path(std::move(second), second_location)
                                : UsePath{std::nullopt, std::move(second), second_location};
    }
    expect(";");
    return item;
  }

  Include include_item(Gates gates) {
    Include include;
    include.gates = std::move(gates);
    include.location = current_.location;
    advance();
    include.world = use_path("a world");
    if (!eat("with")) {
      expect(";", "`with` or `;`");
      return include;
    }
    expect("{");
    comma_list("}", "a name to rename", [&] {
      count_item();
      UseName name;
      name.location = current_.location;
      name.name = identifier("a name to rename");
      expect("as");
      name.as = identifier("a name");
      include.with.push_back(std::move(name));
    });
    return include;
  }

  Lexer lexer_;
  Token current_;
  std::optional<Error> error_;
  std::size_t &items_;
  std::uint32_t depth_ = 0; // levels of the type being read
};

} // namespace

Result<File> parse_file(std::string_view text, const std::string &file_name, std::size_t &items) {
  if (text.size() > max_file_bytes)
    return Error(Error::Kind::wit, file_name + ": the text is larger than the limit of " +
                                       std::to_string(max_file_bytes) + " bytes (" +
                                       std::to_string(text.size()) + " bytes)");
  return Parser(text, file_name, items).file();
}

} // namespace wasm_link::wit::detail
