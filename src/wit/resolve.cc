#include "resolve.hh"

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>
#include <unordered_set>

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
    auto [same, added] = units_by_name_.emplace(to_string(unit.name), &unit);
    if (!added)
      fail(unit.location, "package `" + to_string(unit.name) + "` is defined twice (also at " +
                              to_string(same->second->location) + ")");
    versions_[unversioned(unit.name)].push_back(&unit);
  }
  static std::string unversioned(const PackageName &name) { return name.space + ":" + name.name; }

  // The package `name` names: the one of that version, or without a version
  // the only one of that name.
  const Unit *find_unit(const PackageName &name, const Location &location) {
    if (auto it = units_by_name_.find(to_string(name)); it != units_by_name_.end())
      return it->second;
    auto versions = versions_.find(unversioned(name));
    const std::size_t candidates =
        name.version.empty() && versions != versions_.end() ? versions->second.size() : 0;
    if (candidates == 1)
      return versions->second.front();
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
              inline_scopes_.emplace(item.inline_interface.get(), &inline_scope);
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

  // Interfaces linked by `use` must not form a cycle. The walk keeps its own
  // stack: a chain of `use` may be as long as there are interfaces.
  void check_interface_cycles() {
    std::map<const Scope *, int> state; // 1: on `path`, 2: done
    struct Step {
      const Scope *scope;
      std::size_t next_use = 0;
    };
    std::vector<Step> path;
    for (const Scope &start : scopes_) {
      if (state[&start] != 0)
        continue;
      state[&start] = 1;
      path.push_back({&start});
      while (!path.empty() && !failed()) {
        const auto &uses = uses_of(*path.back().scope);
        if (path.back().next_use == uses.size()) {
          state[path.back().scope] = 2;
          path.pop_back();
          continue;
        }
        const Use &use = uses[path.back().next_use++];
        const Scope *from = used_[&use];
        if (state[from] == 1) {
          std::string cycle;
          auto it = std::find_if(path.begin(), path.end(),
                                 [&](const Step &step) { return step.scope == from; });
          for (; it != path.end(); ++it)
            cycle += it->scope->what + " -> ";
          fail(use.from.location, "`use` forms a cycle: " + cycle + from->what);
        } else if (state[from] == 0) {
          state[from] = 1;
          path.push_back({from});
        }
      }
    }
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
  //
  // Each definition is resolved once, whatever refers to it and however often:
  // the resolved types share it, so resolving is linear in the size of the WIT.

  // What resolving a type learns besides its resolved form.
  struct Measure {
    // Its levels, as max_type_depth counts them, and the most aliases on one
    // path into it, as max_alias_chain counts them.
    std::uint32_t depth = 1, aliases = 0;
    // A name that stands for a resource, possibly through aliases: the resource.
    const TypeDef *resource = nullptr;
  };
  struct Resolved {
    // Null for resources: their names are handles, and their functions are
    // resolved with the interface that defines them (`resource_definition`).
    std::shared_ptr<const TypeDef> def;
    Measure measure;
  };

  // The definition a type name stands for in `scope`, through `use` items
  // (followed in a loop: there may be a chain of them as long as there are
  // interfaces, and they form no cycle). Each `use` name followed keeps what it
  // led to, so that a chain is walked once, not once for every name along it.
  std::pair<const Scope *, const TypeDef *> definition(const Scope &scope, const std::string &name,
                                                       const Location &location) {
    const Scope *at = &scope;
    const std::string *looked_up = &name;
    std::vector<const Entry *> followed;
    std::pair<const Scope *, const TypeDef *> found{nullptr, nullptr};
    while (true) {
      auto it = at->names.find(*looked_up);
      if (it == at->names.end() || (it->second.type == nullptr && it->second.from == nullptr)) {
        fail(location, it == at->names.end()
                           ? "no type `" + *looked_up + "` in " + at->what
                           : "`" + *looked_up + "` is a function of " + at->what + ", not a type");
        break;
      }
      if (it->second.type != nullptr) {
        found = {at, it->second.type};
        break;
      }
      if (auto known = used_definitions_.find(&it->second); known != used_definitions_.end()) {
        found = known->second; // null after an error, reported already
        break;
      }
      followed.push_back(&it->second);
      looked_up = &it->second.from_name;
      at = it->second.from;
    }
    for (const Entry *entry : followed)
      used_definitions_.emplace(entry, found);
    return found;
  }

  // The resource a handle's name stands for, through aliases (`type r2 = r;`),
  // or null.
  const TypeDef *resource(const Scope &scope, const std::string &name, const Location &location) {
    auto [at, def] = definition(scope, name, location);
    // A definition being resolved refers to itself through the handle: it is
    // no resource (those are not resolved that way), nor is an alias of itself.
    if (def == nullptr || resolving_.contains(def))
      return nullptr;
    const Resolved *resolved = resolve(*at, *def, location);
    return resolved != nullptr ? resolved->measure.resource : nullptr;
  }

  // The path from the type resolved first to the one resolved now is the
  // resolver's stack, so its levels and aliases are bounded as they open, not
  // only once the types are resolved and measured (`check`). The type at the
  // path's start holds all of the path: it is past the limit, and the error is
  // there.
  bool open(std::uint32_t levels, std::uint32_t aliases, const Location &location) {
    if (open_levels_ == 0 && open_aliases_ == 0)
      path_start_ = location;
    open_levels_ += levels;
    open_aliases_ += aliases;
    if (open_levels_ > max_type_depth)
      fail(path_start_, type_too_deep());
    else if (open_aliases_ > max_alias_chain)
      fail(path_start_, aliases_too_long());
    return !failed();
  }
  void close(std::uint32_t levels, std::uint32_t aliases) {
    open_levels_ -= levels;
    open_aliases_ -= aliases;
  }
  static std::string aliases_too_long() {
    return "type aliases chained more than " + std::to_string(max_alias_chain) + " deep";
  }
  // Checks what a resolved type or definition measures against the limits.
  void check(const Measure &measure, const Location &location) {
    if (measure.depth > max_type_depth)
      fail(location, type_too_deep());
    else if (measure.aliases > max_alias_chain)
      fail(location, aliases_too_long());
  }

  Type type(const Scope &scope, const Type &written) {
    Measure ignored;
    return type(scope, written, ignored);
  }

  Type type(const Scope &scope, const Type &written, Measure &measure) {
    if (written.kind == Type::Kind::named)
      return named(scope, written, measure);
    // Copied field by field, without its arguments, which are resolved one by
    // one: copying them whole at each level would make resolving quadratic in
    // the nesting.
    Type out;
    out.kind = written.kind;
    out.has_ok = written.has_ok;
    out.has_err = written.has_err;
    out.length = written.length;
    out.name = written.name;
    out.location = written.location;
    measure = Measure{};
    if (open(1, 0, written.location))
      for (const Type &argument : written.arguments) {
        Measure inner;
        out.arguments.push_back(type(scope, argument, inner));
        measure.depth = std::max(measure.depth, inner.depth + 1);
        measure.aliases = std::max(measure.aliases, inner.aliases);
      }
    close(1, 0);
    check(measure, written.location);
    if ((written.kind == Type::Kind::own || written.kind == Type::Kind::borrow) && !failed() &&
        resource(scope, written.name, written.location) == nullptr && !failed())
      fail(written.location, "`" + written.name + "` is not a resource, so `" + to_string(written) +
                                 "` is not a handle");
    return out;
  }

  // A name: an owned handle when it stands for a resource, else a link to
  // what it names.
  Type named(const Scope &scope, const Type &written, Measure &measure) {
    Type out = written;
    auto [at, def] = definition(scope, written.name, written.location);
    const Resolved *resolved = def != nullptr ? resolve(*at, *def, written.location) : nullptr;
    if (resolved == nullptr)
      return out;
    measure = resolved->measure;
    if (measure.resource != nullptr)
      out.kind = Type::Kind::own;
    else
      out.definition = resolved->def;
    return out;
  }

  // A definition, resolved the first time it is asked for.
  const Resolved *resolve(const Scope &scope, const TypeDef &def, const Location &reference) {
    if (auto it = resolved_.find(&def); it != resolved_.end())
      return &it->second;
    if (def.kind == TypeDef::Kind::resource)
      return &resolved_.emplace(&def, Resolved{nullptr, {1, 0, &def}}).first->second;
    if (!resolving_.insert(&def).second) {
      fail(reference, "type `" + def.name + "` depends on itself");
      return nullptr;
    }
    // Records and variants are a level around their parts; an alias adds no
    // level but is one more alias. (Enums and flags have no parts to open.)
    const bool alias = def.kind == TypeDef::Kind::alias;
    const bool level = def.kind == TypeDef::Kind::record || def.kind == TypeDef::Kind::variant;
    Resolved out{nullptr, {}};
    if (open(level ? 1 : 0, alias ? 1 : 0, def.location))
      out = resolve_parts(scope, def);
    close(level ? 1 : 0, alias ? 1 : 0);
    resolving_.erase(&def);
    check(out.measure, def.location);
    if (failed())
      return nullptr;
    return &resolved_.emplace(&def, std::move(out)).first->second;
  }

  // An alias's type, or the fields and cases of a record, variant, enum or flags.
  Resolved resolve_parts(const Scope &scope, const TypeDef &def) {
    auto out = std::make_shared<TypeDef>(def);
    Measure measure;
    if (def.alias) {
      out->alias = type(scope, *def.alias, measure);
      ++measure.aliases;
    }
    const std::string what = def.kind == TypeDef::Kind::record  ? "field"
                             : def.kind == TypeDef::Kind::flags ? "flag"
                             : def.kind == TypeDef::Kind::enum_ ? "enum case"
                                                                : "variant case";
    UniqueNames fields;
    for (Field &field : out->fields) {
      unique(fields, what, field.name, field.location);
      if (!field.type)
        continue;
      Measure inner;
      field.type = type(scope, *field.type, inner);
      measure.depth = std::max(measure.depth, inner.depth + 1);
      measure.aliases = std::max(measure.aliases, inner.aliases);
    }
    return {std::move(out), measure};
  }

  // A resource's definition with its functions resolved.
  std::shared_ptr<const TypeDef> resource_definition(const Scope &scope, const TypeDef &def) {
    auto out = std::make_shared<TypeDef>(def);
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
    return out;
  }

  // A definition of an interface or world, as the output holds it.
  std::shared_ptr<const TypeDef> type_definition(const Scope &scope, const TypeDef &def) {
    if (def.kind == TypeDef::Kind::resource)
      return resource_definition(scope, def);
    const Resolved *resolved = resolve(scope, def, def.location);
    return resolved != nullptr ? resolved->def : nullptr;
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
      if (!failed() && holds_borrow_(*out.result))
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
      def = type_definition(scope, *def);
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
      def = type_definition(scope, *def);
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
        if (item.inline_interface)
          item.inline_interface = std::make_shared<Interface>(
              interface(*inline_scopes_.at(item.inline_interface.get())));
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
  // Packages by `space:name@version`, and by `space:name` all their versions.
  std::map<std::string, const Unit *, std::less<>> units_by_name_;
  std::map<std::string, std::vector<const Unit *>, std::less<>> versions_;
  std::deque<Scope> scopes_;
  // The scopes of worlds' `import x: interface { ... }`.
  std::map<const Interface *, const Scope *> inline_scopes_;
  // The interface each `use` names.
  std::map<const Use *, const Scope *> used_;
  // What each `use` name followed so far stands for: see `definition`.
  std::unordered_map<const Entry *, std::pair<const Scope *, const TypeDef *>> used_definitions_;
  std::unordered_map<const TypeDef *, Resolved> resolved_;
  std::unordered_set<const TypeDef *> resolving_;
  // The path being resolved: see `open`.
  std::uint32_t open_levels_ = 0, open_aliases_ = 0;
  Location path_start_;
  Holds holds_borrow_{Type::Kind::borrow};
  std::optional<Error> error_;
};

} // namespace

bool Holds::operator()(const Type &type) {
  auto inside = [&](const Type &part) { return (*this)(part); };
  if (std::find(kinds_.begin(), kinds_.end(), type.kind) != kinds_.end() ||
      std::any_of(type.arguments.begin(), type.arguments.end(), inside))
    return true;
  if (!type.definition)
    return false;
  const TypeDef &def = *type.definition;
  if (auto known = known_.find(&def); known != known_.end())
    return known->second;
  const bool found = (def.alias && inside(*def.alias)) ||
                     std::any_of(def.fields.begin(), def.fields.end(), [&](const Field &field) {
                       return field.type && inside(*field.type);
                     });
  known_.emplace(&def, found);
  return found;
}

Result<Package> resolve(const PackageSources &root, const std::vector<PackageSources> &others) {
  return Resolver().run(root, others);
}

} // namespace wasm_link::wit::detail
