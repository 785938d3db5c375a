#include "resolve.hh"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>

namespace wasm_link::wit::detail {
namespace {

std::string fold(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

struct Scope;

// What a name of an interface or world stands for.
struct Entry {
  const TypeDef *type = nullptr; // a type defined there
  const Scope *from = nullptr;   // or a type `use`d from another interface,
  std::string from_name;         // under this name there
  // Neither: a function, which takes the name without being a type.
};

// One file, or one nested block, of a package: where its items are written and
// the interface names its top-level `use` items give.
struct Part {
  const PackageSource *source;
  std::map<std::string, const FileUse *, std::less<>> uses;
};

struct Unit;

// An interface or a world: a namespace of types.
struct Scope {
  const Unit *unit;
  const Part *part;
  const Interface *interface = nullptr; // one of these two
  const World *world = nullptr;
  std::string what; // "interface `a:b/c`", for messages
  std::map<std::string, Entry, std::less<>> names;
};

struct Unit {
  PackageName name;
  Location location;
  std::string docs;
  std::deque<Part> parts;
  std::map<std::string, Scope *, std::less<>> interfaces, worlds;
  std::vector<Scope *> interface_order, world_order;
};

// Names that must differ other than by case, as WIT requires in every scope.
class UniqueNames {
public:
  // The location of an earlier name equal to `name` but for case, if any.
  std::optional<std::pair<std::string, Location>> add(const std::string &name,
                                                      const Location &location) {
    auto [it, added] = seen_.try_emplace(fold(name), name, location);
    if (added)
      return std::nullopt;
    return it->second;
  }

private:
  std::map<std::string, std::pair<std::string, Location>> seen_;
};

class Resolver {
public:
  Result<Package> run(const PackageSources &root, const std::vector<PackageSources> &others) {
    // Each phase needs the previous one complete.
    add_unit(root);
    for (const auto &sources : others)
      add_unit(sources);
    for (auto &unit : units_)
      index(unit);
    if (error_)
      return *error_;
    for (auto &scope : scopes_)
      add_uses(scope);
    if (error_)
      return *error_;
    check_interface_cycles();
    for (auto &scope : scopes_)
      check_used_names(scope);
    if (error_)
      return *error_;
    std::vector<Package> packages;
    for (const auto &unit : units_)
      packages.push_back(package(unit));
    if (error_)
      return *error_;
    Package out = std::move(packages.front());
    out.dependencies.assign(std::make_move_iterator(packages.begin() + 1),
                            std::make_move_iterator(packages.end()));
    return out;
  }

private:
  bool failed() const { return error_.has_value(); }
  void fail(const Location &location, const std::string &message) {
    if (!error_)
      error_ = Error(Error::Kind::wit, to_string(location) + ": " + message);
  }
  void unique(UniqueNames &names, const std::string &what, const std::string &name,
              const Location &location, const std::string &where = "") {
    if (auto earlier = names.add(name, location))
      fail(location, "duplicate " + what + " `" + name + "`" + where + " (first defined" +
                         (earlier->first == name ? "" : " as `" + earlier->first + "`") + " at " +
                         to_string(earlier->second) + ")");
  }

  // Packages.

  void add_unit(const PackageSources &sources) {
    Unit &unit = units_.emplace_back();
    const PackageSource *declared = nullptr;
    for (const PackageSource *part : sources.parts) {
      unit.parts.push_back(Part{part, {}});
      if (!part->name)
        continue;
      if (declared != nullptr && *part->name != *declared->name)
        fail(part->location, "the package is declared as `" + to_string(*part->name) +
                                 "` here but as `" + to_string(*declared->name) + "` at " +
                                 to_string(declared->location));
      if (declared == nullptr || unit.docs.empty())
        unit.docs = part->docs;
      declared = declared != nullptr ? declared : part;
    }
    if (declared == nullptr) {
      fail(Location{sources.where, 1, 1},
           "expected a package declaration (`package namespace:name;`) in one of the files");
      return;
    }
    unit.name = *declared->name;
    unit.location = declared->location;
    for (const Unit &other : units_)
      if (&other != &unit && other.name == unit.name)
        fail(unit.location, "package `" + to_string(unit.name) + "` is defined twice (also at " +
                                to_string(other.location) + ")");
  }

  const Unit *find_unit(const PackageName &name, const Location &location) {
    const Unit *found = nullptr;
    std::size_t candidates = 0;
    for (const Unit &unit : units_) {
      if (unit.name == name)
        return &unit;
      if (name.version.empty() && unit.name.space == name.space && unit.name.name == name.name) {
        found = &unit;
        ++candidates;
      }
    }
    if (candidates == 1)
      return found;
    fail(location, candidates > 1
                       ? "package `" + to_string(name) + "` has several versions here: give one"
                       : "unknown package `" + to_string(name) +
                             "` (packages come from the folder's deps/ and from nested "
                             "`package` blocks)");
    return nullptr;
  }

  // Interfaces and worlds, with the names they define.
  void index(Unit &unit) {
    UniqueNames items;
    for (Part &part : unit.parts) {
      for (const Interface &interface : part.source->interfaces) {
        unique(items, "interface or world", interface.name, interface.location);
        Scope &scope =
            scopes_.emplace_back(Scope{&unit,
                                       &part,
                                       &interface,
                                       nullptr,
                                       "interface `" + qualified(unit, interface.name) + "`",
                                       {}});
        unit.interfaces.emplace(interface.name, &scope);
        unit.interface_order.push_back(&scope);
        define(scope, interface);
      }
      for (const World &world : part.source->worlds) {
        unique(items, "interface or world", world.name, world.location);
        Scope &scope = scopes_.emplace_back(Scope{
            &unit, &part, nullptr, &world, "world `" + qualified(unit, world.name) + "`", {}});
        unit.worlds.emplace(world.name, &scope);
        unit.world_order.push_back(&scope);
        define(scope, world.types, world.uses, {});
        for (const auto *items : {&world.imports, &world.exports})
          for (const WorldItem &item : *items)
            if (item.inline_interface) {
              Scope &inline_scope = scopes_.emplace_back(
                  Scope{&unit,
                        &part,
                        item.inline_interface.get(),
                        nullptr,
                        "interface `" + item.name + "` of world `" + world.name + "`",
                        {}});
              define(inline_scope, *item.inline_interface);
            }
      }
    }
    for (Part &part : unit.parts)
      for (const FileUse &use : part.source->uses) {
        if (unit.interfaces.contains(use.as) || unit.worlds.contains(use.as))
          fail(use.location, "`use` names `" + use.as +
                                 "`, which is already an interface or world of the package");
        if (!part.uses.emplace(use.as, &use).second)
          fail(use.location, "duplicate top-level `use` name `" + use.as + "`");
      }
  }
  static std::string qualified(const Unit &unit, const std::string &name) {
    std::string out = unit.name.space + ":" + unit.name.name + "/" + name;
    return unit.name.version.empty() ? out : out + "@" + unit.name.version;
  }

  void define(Scope &scope, const Interface &interface) {
    std::vector<const Function *> functions;
    for (const Function &function : interface.functions)
      functions.push_back(&function);
    define(scope, interface.types, interface.uses, functions);
  }
  void define(Scope &scope, const std::vector<std::shared_ptr<const TypeDef>> &types,
              const std::vector<Use> &uses, const std::vector<const Function *> &functions) {
    UniqueNames names;
    for (const auto &type : types) {
      unique(names, "name", type->name, type->location);
      scope.names.emplace(type->name, Entry{type.get(), nullptr, {}});
    }
    for (const Function *function : functions) {
      unique(names, "name", function->name, function->location);
      scope.names.emplace(function->name, Entry{});
    }
    for (const Use &use : uses)
      for (const UseName &name : use.names) {
        const std::string &local = name.as.empty() ? name.name : name.as;
        unique(names, "name", local, name.location);
        scope.names.emplace(local, Entry{nullptr, nullptr, name.name}); // `from` comes next
      }
  }

  // The interface (or world) a path names, from a scope of `part`.
  const Scope *find(const Unit &unit, const Part &part, const UsePath &path, bool world) {
    const auto &items = [&](const Unit &in) -> const std::map<std::string, Scope *, std::less<>> & {
      return world ? in.worlds : in.interfaces;
    };
    const std::string kind = world ? "world" : "interface";
    if (!path.package) {
      if (auto renamed = part.uses.find(path.name); renamed != part.uses.end()) {
        static const Part no_renames{nullptr, {}};
        return find(unit, no_renames, renamed->second->path, world);
      }
      if (auto it = items(unit).find(path.name); it != items(unit).end())
        return it->second;
      fail(path.location,
           "no " + kind + " `" + path.name + "` in package `" + to_string(unit.name) + "`");
      return nullptr;
    }
    const Unit *target = find_unit(*path.package, path.location);
    if (target == nullptr)
      return nullptr;
    if (auto it = items(*target).find(path.name); it != items(*target).end())
      return it->second;
    fail(path.location,
         "package `" + to_string(target->name) + "` has no " + kind + " `" + path.name + "`");
    return nullptr;
  }

  // `use` items point their names at the interfaces they come from.
  void add_uses(Scope &scope) {
    for (const Use &use : uses_of(scope)) {
      const Scope *from = find(*scope.unit, *scope.part, use.from, false);
      used_[&use] = from;
      for (const UseName &name : use.names)
        scope.names[name.as.empty() ? name.name : name.as].from = from;
    }
  }
  static const std::vector<Use> &uses_of(const Scope &scope) {
    return scope.interface ? scope.interface->uses : scope.world->uses;
  }

  // Interfaces linked by `use` must not form a cycle.
  void check_interface_cycles() {
    std::map<const Scope *, int> state; // 1: on `stack`, 2: done
    std::vector<const Scope *> stack;
    std::function<void(const Scope &)> visit = [&](const Scope &scope) {
      state[&scope] = 1;
      stack.push_back(&scope);
      for (const Use &use : uses_of(scope)) {
        const Scope *from = used_[&use];
        if (failed())
          return;
        if (state[from] == 1) {
          std::string cycle;
          for (auto it = std::find(stack.begin(), stack.end(), from); it != stack.end(); ++it)
            cycle += (*it)->what + " -> ";
          fail(use.from.location, "`use` forms a cycle: " + cycle + from->what);
        } else if (state[from] == 0) {
          visit(*from);
        }
      }
      stack.pop_back();
      state[&scope] = 2;
    };
    for (const Scope &scope : scopes_)
      if (state[&scope] == 0 && !failed())
        visit(scope);
  }

  void check_used_names(const Scope &scope) {
    for (const Use &use : uses_of(scope))
      for (const UseName &name : use.names) {
        const Scope *from = used_[&use];
        auto it = from->names.find(name.name);
        if (it == from->names.end() || (it->second.type == nullptr && it->second.from == nullptr))
          fail(name.location, from->what + " has no type `" + name.name + "`");
      }
  }

  // Types.

  // The definition a type name stands for in `scope`, through `use` items.
  std::pair<const Scope *, const TypeDef *> definition(const Scope &scope, const std::string &name,
                                                       const Location &location) {
    auto it = scope.names.find(name);
    if (it == scope.names.end() || (it->second.type == nullptr && it->second.from == nullptr)) {
      fail(location, it == scope.names.end()
                         ? "no type `" + name + "` in " + scope.what
                         : "`" + name + "` is a function of " + scope.what + ", not a type");
      return {nullptr, nullptr};
    }
    if (it->second.type != nullptr)
      return {&scope, it->second.type};
    return definition(*it->second.from, it->second.from_name, location);
  }

  // The resource a name stands for, through aliases (`type r2 = r;`), or null.
  const TypeDef *resource(const Scope &scope, const std::string &name, const Location &location) {
    auto [at, def] = definition(scope, name, location);
    std::set<const TypeDef *> seen; // aliases in a cycle are reported when resolved
    while (def != nullptr && def->kind == TypeDef::Kind::alias &&
           def->alias->kind == Type::Kind::named && seen.insert(def).second)
      std::tie(at, def) = definition(*at, def->alias->name, def->alias->location);
    return def != nullptr && def->kind == TypeDef::Kind::resource ? def : nullptr;
  }

  Type type(const Scope &scope, const Type &written) {
    Type out = written;
    for (Type &argument : out.arguments)
      argument = type(scope, argument);
    if (failed())
      return out;
    if (written.kind == Type::Kind::own || written.kind == Type::Kind::borrow) {
      if (resource(scope, written.name, written.location) == nullptr && !failed())
        fail(written.location, "`" + written.name + "` is not a resource, so `" +
                                   to_string(written) + "` is not a handle");
    } else if (written.kind == Type::Kind::named) {
      if (resource(scope, written.name, written.location) != nullptr) {
        out.kind = Type::Kind::own;
      } else if (auto [at, def] = definition(scope, written.name, written.location); def) {
        out.definition = type_definition(*at, *def, written.location);
      }
    }
    return out;
  }

  std::shared_ptr<const TypeDef> type_definition(const Scope &scope, const TypeDef &def,
                                                 const Location &reference) {
    if (auto it = resolved_.find(&def); it != resolved_.end())
      return it->second;
    if (!resolving_.insert(&def).second) {
      fail(reference, "type `" + def.name + "` depends on itself");
      return nullptr;
    }
    auto out = std::make_shared<TypeDef>(def);
    if (def.alias)
      out->alias = type(scope, *def.alias);
    const std::string what = def.kind == TypeDef::Kind::record  ? "field"
                             : def.kind == TypeDef::Kind::flags ? "flag"
                             : def.kind == TypeDef::Kind::enum_ ? "enum case"
                                                                : "variant case";
    UniqueNames fields;
    for (Field &field : out->fields) {
      unique(fields, what, field.name, field.location);
      if (field.type)
        field.type = type(scope, *field.type);
    }
    UniqueNames functions;
    const Function *constructor = nullptr;
    for (Function &function : out->functions) {
      if (function.kind != Function::Kind::constructor)
        unique(functions, "function", function.name, function.location,
               " in resource `" + def.name + "`");
      else if (constructor != nullptr)
        fail(function.location, "resource `" + def.name +
                                    "` has a second constructor (the first "
                                    "is at " +
                                    to_string(constructor->location) + ")");
      else
        constructor = &function;
      function = this->function(scope, function, &def);
    }
    resolving_.erase(&def);
    resolved_.emplace(&def, out);
    return out;
  }

  Function function(const Scope &scope, const Function &written, const TypeDef *owner) {
    Function out = written;
    UniqueNames params;
    for (Param &param : out.params) {
      unique(params, "parameter", param.name, param.location);
      param.type = type(scope, param.type);
    }
    if (written.result) {
      out.result = type(scope, *written.result);
      // Borrowed handles live for one call, so results cannot hold them.
      if (!failed() && holds(*out.result, {Type::Kind::borrow}))
        fail(written.result->location,
             "a result cannot hold a `borrow` handle, found `" + to_string(*written.result) + "`");
    }
    if (written.kind == Function::Kind::constructor && written.result && !failed()) {
      const Type &result = *written.result;
      const bool fits =
          result.kind == Type::Kind::result && result.ok() != nullptr &&
          (result.ok()->kind == Type::Kind::named || result.ok()->kind == Type::Kind::own) &&
          resource(scope, result.ok()->name, result.ok()->location) == owner;
      if (!fits)
        fail(result.location, "expected `result<" + owner->name + ">` or `result<" + owner->name +
                                  ", E>` (a constructor's result), found `" + to_string(result) +
                                  "`");
    }
    return out;
  }

  // Output.

  // Gates with versions need the package to have one.
  void check_gates(const Unit &unit, const Gates &gates, const Location &location) {
    if (unit.name.version.empty() && (!gates.since.empty() || !gates.deprecated.empty()))
      fail(location, "`@since` and `@deprecated` need a package version (`package " +
                         to_string(unit.name) + "@<version>;`)");
  }

  Interface interface(const Scope &scope) {
    Interface out = *scope.interface;
    check_gates(*scope.unit, out.gates, out.location);
    for (const Use &use : out.uses)
      check_gates(*scope.unit, use.gates, use.location);
    for (auto &def : out.types) {
      check_gates(*scope.unit, def->gates, def->location);
      for (const Function &function : def->functions)
        check_gates(*scope.unit, function.gates, function.location);
      def = type_definition(scope, *def, def->location);
    }
    for (Function &function : out.functions) {
      check_gates(*scope.unit, function.gates, function.location);
      function = this->function(scope, function, nullptr);
    }
    return out;
  }

  World world(const Scope &scope) {
    World out = *scope.world;
    check_gates(*scope.unit, out.gates, out.location);
    for (auto &def : out.types)
      def = type_definition(scope, *def, def->location);
    for (auto *items : {&out.imports, &out.exports}) {
      UniqueNames names;
      const std::string what = items == &out.imports ? "import" : "export";
      for (WorldItem &item : *items) {
        check_gates(*scope.unit, item.gates, item.location);
        if (item.interface) {
          const Scope *target = find(*scope.unit, *scope.part, *item.interface, false);
          if (item.name.empty() && target != nullptr)
            unique(names, what, qualified(*target->unit, target->interface->name), item.location);
        }
        if (!item.name.empty())
          unique(names, what, item.name, item.location);
        if (item.function)
          item.function = function(scope, *item.function, nullptr);
        if (item.inline_interface) {
          auto inline_scope =
              std::find_if(scopes_.begin(), scopes_.end(), [&](const Scope &candidate) {
                return candidate.interface == item.inline_interface.get();
              });
          item.inline_interface = std::make_shared<Interface>(interface(*inline_scope));
        }
      }
    }
    for (const Include &include : out.includes) {
      check_gates(*scope.unit, include.gates, include.location);
      find(*scope.unit, *scope.part, include.world, true);
    }
    return out;
  }

  Package package(const Unit &unit) {
    Package out;
    out.name = unit.name;
    out.docs = unit.docs;
    out.location = unit.location;
    for (const Scope *scope : unit.interface_order)
      out.interfaces.push_back(interface(*scope));
    for (const Scope *scope : unit.world_order)
      out.worlds.push_back(world(*scope));
    return out;
  }

  std::deque<Unit> units_;
  std::deque<Scope> scopes_;
  std::map<const TypeDef *, std::shared_ptr<const TypeDef>> resolved_;
  std::set<const TypeDef *> resolving_;
  std::map<const Use *, const Scope *> used_; // the interface each `use` names
  std::optional<Error> error_;
};

} // namespace

bool holds(const Type &type, std::initializer_list<Type::Kind> kinds) {
  auto inside = [&](const Type &part) { return holds(part, kinds); };
  if (std::find(kinds.begin(), kinds.end(), type.kind) != kinds.end() ||
      std::any_of(type.arguments.begin(), type.arguments.end(), inside))
    return true;
  if (!type.definition)
    return false;
  const TypeDef &def = *type.definition;
  return (def.alias && inside(*def.alias)) ||
         std::any_of(def.fields.begin(), def.fields.end(),
                     [&](const Field &field) { return field.type && inside(*field.type); });
}

Result<Package> resolve(const PackageSources &root, const std::vector<PackageSources> &others) {
  return Resolver().run(root, others);
}

} // namespace wasm_link::wit::detail
