#include <wasm_link/wit.hh>

#include <wasm_link/files.hh>

#include "parser.hh"
#include "resolve.hh"

#include <algorithm>

namespace wasm_link::wit {
namespace {

Result<std::string> read_file(const std::filesystem::path &path) {
  auto bytes = read_regular_file(path, max_file_bytes);
  if (!bytes)
    return Error(Error::Kind::wit, path.string() + ": cannot read the WIT file: " + bytes.err());
  return std::string(bytes.ok_ref().begin(), bytes.ok_ref().end());
}

// The .wit files directly in `folder`, in name order so that errors and the
// order of interfaces do not depend on the file system.
std::vector<std::filesystem::path> wit_files(const std::filesystem::path &folder) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator(folder, ec))
    if (entry.path().extension() == ".wit" && entry.is_regular_file(ec))
      out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Parsed files, kept alive while the resolver points into them.
struct Sources {
  std::vector<std::unique_ptr<detail::File>> files;
  std::vector<detail::PackageSources> nested;
  std::size_t bytes = 0, items = 0; // of all files so far, against the limits

  Result<detail::PackageSources> add(const std::vector<std::filesystem::path> &paths,
                                     std::string where) {
    detail::PackageSources package{{}, std::move(where)};
    for (const auto &path : paths) {
      auto text = read_file(path);
      if (!text)
        return text.err();
      bytes += text.ok_ref().size();
      if (bytes > max_total_bytes)
        return Error(Error::Kind::wit, path.string() +
                                           ": with this file, the WIT files read "
                                           "together have more than " +
                                           std::to_string(max_total_bytes) + " bytes");
      auto file = detail::parse_file(text.ok_ref(), path.string(), items);
      if (!file)
        return file.err();
      add(std::make_unique<detail::File>(file.ok()), package);
    }
    return package;
  }
  void add(std::unique_ptr<detail::File> file, detail::PackageSources &package) {
    package.parts.push_back(&file->package);
    for (const auto &block : file->nested)
      nested.push_back({{&block}, {}});
    files.push_back(std::move(file));
  }
};

ReturnKind returns(const Function &function, detail::Holds &holds_handles) {
  if (function.kind == Function::Kind::constructor && !function.result)
    return ReturnKind::value_with_resources; // the implicit `own<R>`
  if (!function.result)
    return ReturnKind::none;
  return holds_handles(*function.result) ? ReturnKind::value_with_resources : ReturnKind::value;
}

} // namespace

std::string to_string(const Location &location) {
  return location.file + ":" + std::to_string(location.line) + ":" +
         std::to_string(location.column);
}

std::string to_string(const PackageName &name) {
  return name.space + ":" + name.name + (name.version.empty() ? "" : "@" + name.version);
}

std::string to_string(const UsePath &path) {
  if (!path.package)
    return path.name;
  return path.package->space + ":" + path.package->name + "/" + path.name +
         (path.package->version.empty() ? "" : "@" + path.package->version);
}

std::string Function::component_name() const {
  switch (kind) {
  case Kind::constructor:
    return "[constructor]" + resource;
  case Kind::method:
    return "[method]" + resource + "." + name;
  case Kind::static_:
    return "[static]" + resource + "." + name;
  case Kind::freestanding:
    break;
  }
  return name;
}

const TypeDef *Interface::find_type(std::string_view name) const {
  auto it =
      std::find_if(types.begin(), types.end(), [&](const auto &def) { return def->name == name; });
  return it == types.end() ? nullptr : it->get();
}

const Function *Interface::find_function(std::string_view name) const {
  auto it = std::find_if(functions.begin(), functions.end(),
                         [&](const Function &function) { return function.name == name; });
  return it == functions.end() ? nullptr : &*it;
}

const Interface *Package::find_interface(std::string_view name) const {
  auto it = std::find_if(interfaces.begin(), interfaces.end(),
                         [&](const Interface &interface) { return interface.name == name; });
  return it == interfaces.end() ? nullptr : &*it;
}

const World *Package::find_world(std::string_view name) const {
  auto it = std::find_if(worlds.begin(), worlds.end(),
                         [&](const World &world) { return world.name == name; });
  return it == worlds.end() ? nullptr : &*it;
}

Result<Package> parse(std::string_view text, std::string_view file_name) {
  std::size_t items = 0;
  auto file = detail::parse_file(text, std::string(file_name), items);
  if (!file)
    return file.err();
  Sources sources;
  detail::PackageSources root{{}, std::string(file_name)};
  sources.add(std::make_unique<detail::File>(file.ok()), root);
  return detail::resolve(root, sources.nested);
}

Result<Package> parse_path(const std::filesystem::path &path) {
  std::error_code ec;
  Sources sources;
  if (std::filesystem::is_regular_file(path, ec)) {
    auto root = sources.add({path}, path.string());
    if (!root)
      return root.err();
    return detail::resolve(root.ok_ref(), sources.nested);
  }
  if (!std::filesystem::is_directory(path, ec))
    return Error(Error::Kind::wit, path.string() + ": no such file or folder");
  const auto files = wit_files(path);
  if (files.empty())
    return Error(Error::Kind::wit, path.string() + ": the folder has no .wit files");
  auto root = sources.add(files, files.front().string());
  if (!root)
    return root.err();
  // Each dependency is a .wit file or a folder of them (whose own deps/ is not read).
  std::vector<detail::PackageSources> dependencies;
  std::vector<std::filesystem::path> entries;
  for (const auto &entry : std::filesystem::directory_iterator(path / "deps", ec))
    entries.push_back(entry.path());
  std::sort(entries.begin(), entries.end());
  for (const auto &entry : entries) {
    const bool folder = std::filesystem::is_directory(entry, ec);
    if (!folder && entry.extension() != ".wit")
      continue;
    const auto paths = folder ? wit_files(entry) : std::vector{entry};
    if (paths.empty())
      continue;
    auto dependency = sources.add(paths, paths.front().string());
    if (!dependency)
      return dependency.err();
    dependencies.push_back(dependency.ok());
  }
  dependencies.insert(dependencies.end(), sources.nested.begin(), sources.nested.end());
  return detail::resolve(root.ok_ref(), dependencies);
}

std::string to_string(const Type &type) {
  using K = Type::Kind;
  auto arguments = [&] {
    std::string out;
    for (const Type &argument : type.arguments)
      out += (out.empty() ? "" : ", ") + to_string(argument);
    return out;
  };
  switch (type.kind) {
  case K::bool_:
    return "bool";
  case K::s8:
    return "s8";
  case K::s16:
    return "s16";
  case K::s32:
    return "s32";
  case K::s64:
    return "s64";
  case K::u8:
    return "u8";
  case K::u16:
    return "u16";
  case K::u32:
    return "u32";
  case K::u64:
    return "u64";
  case K::f32:
    return "f32";
  case K::f64:
    return "f64";
  case K::char_:
    return "char";
  case K::string:
    return "string";
  case K::error_context:
    return "error-context";
  case K::list:
    return "list<" + arguments() + (type.length ? ", " + std::to_string(type.length) : "") + ">";
  case K::option:
    return "option<" + arguments() + ">";
  case K::result:
    if (!type.has_ok && !type.has_err)
      return "result";
    return "result<" + std::string(type.has_ok ? "" : "_, ") + arguments() + ">";
  case K::tuple:
    return "tuple<" + arguments() + ">";
  case K::map:
    return "map<" + arguments() + ">";
  case K::future:
  case K::stream: {
    const std::string name = type.kind == K::future ? "future" : "stream";
    return type.arguments.empty() ? name : name + "<" + arguments() + ">";
  }
  case K::own:
  case K::named:
    return type.name;
  case K::borrow:
    return "borrow<" + type.name + ">";
  }
  return "unknown type";
}

std::string to_string(const Function &function) {
  std::string out = function.async ? "async func(" : "func(";
  if (function.kind == Function::Kind::method)
    out += "self: borrow<" + function.resource + ">" + (function.params.empty() ? "" : ", ");
  for (std::size_t i = 0; i < function.params.size(); ++i)
    out += (i ? ", " : "") + function.params[i].name + ": " + to_string(function.params[i].type);
  out += ")";
  if (function.result)
    out += " -> " + to_string(*function.result);
  else if (function.kind == Function::Kind::constructor)
    out += " -> " + function.resource;
  return out;
}

std::vector<const Function *> exported_functions(const Interface &interface) {
  std::vector<const Function *> out;
  for (const auto &def : interface.types)
    if (def->gates.unstable.empty())
      for (const Function &function : def->functions)
        if (function.gates.unstable.empty())
          out.push_back(&function);
  for (const Function &function : interface.functions)
    if (function.gates.unstable.empty())
      out.push_back(&function);
  return out;
}

wasm_link::Interface binding_interface(const Interface &interface) {
  wasm_link::Interface out;
  for (const auto &def : interface.types)
    if (def->kind == TypeDef::Kind::resource && def->gates.unstable.empty())
      out.resource(def->name);
  detail::Holds holds_handles{Type::Kind::own, Type::Kind::borrow};
  for (const Function *function : exported_functions(interface))
    out.function(function->component_name(), returns(*function, holds_handles));
  return out;
}

} // namespace wasm_link::wit
