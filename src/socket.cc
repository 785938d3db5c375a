// Sockets: the host functions a consumer's imports resolve to. Each dispatches
// into its binding's plugins and builds the result in the shape the consumer's
// import declares, read once at link time (docs/ABI.md, "What a consumer sees
// through a socket").
#include "binding_state.hh"

#include <array>
#include <set>

namespace wasm_link::detail {
namespace {

// How the per-plugin results are gathered, by cardinality.
enum class Container {
  tuple,  // exactly-one: tuple<string, result<T, E>>
  option, // at-most-one: option<tuple<string, result<T, E>>>
  map,    // at-least-one, any: map<string, result<T, E>>
  list,   // at-least-one, any: list<tuple<string, result<T, E>>>
};

// What the consumer declared as `E`.
enum class ErrorForm {
  none,    // result<T>: an error is a bare `err`
  string,  // result<T, string>: the error's message
  variant, // result<T, dispatch-error>
};

struct Shape {
  Container container = Container::tuple;
  bool ok_has_value = false;
  std::optional<ValType> ok_type; // what the consumer expects the function to return
  ErrorForm error = ErrorForm::none;
  // For ErrorForm::variant: the ABI cases the consumer's variant declares.
  std::array<bool, DispatchError::kind_count> cases{};
};

std::string_view expected_shape(Cardinality cardinality) {
  switch (cardinality) {
  case Cardinality::exactly_one:
    return "tuple<string, result<T, E>>";
  case Cardinality::at_most_one:
    return "option<tuple<string, result<T, E>>>";
  case Cardinality::at_least_one:
  case Cardinality::any:
    return "map<string, result<T, E>> or list<tuple<string, result<T, E>>>";
  }
  return "";
}

// Reads `result<T, E>`; says what is wrong with it, if anything.
std::optional<std::string> read_result(const ValType &type, Shape &shape) {
  if (!type.is_result())
    return "expected result<T, E>, found " + type_name(type);
  shape.ok_type = type.result().ok();
  shape.ok_has_value = shape.ok_type.has_value();
  auto err = type.result().err();
  if (!err) {
    shape.error = ErrorForm::none;
  } else if (err->is_string()) {
    shape.error = ErrorForm::string;
  } else if (err->is_variant()) {
    shape.error = ErrorForm::variant;
    const auto &variant = err->variant();
    for (std::size_t i = 0; i < variant.case_count(); ++i) {
      auto [name, payload] = *variant.case_nth(i);
      auto kind = parse_case_name(name);
      if (!kind)
        return "error case `" + std::string(name) + "` is not a dispatch-error case";
      const bool wants_payload = has_payload(*kind);
      if (wants_payload != payload.has_value() || (payload && !payload->is_string()))
        return "error case `" + std::string(name) + "` must " +
               (wants_payload ? "carry a string" : "carry nothing");
      shape.cases[static_cast<std::size_t>(*kind)] = true;
    }
    if (!shape.cases[static_cast<std::size_t>(DispatchError::Kind::runtime_exception)])
      return "the error variant has no `runtime-exception` case";
  } else {
    return "the error type must be the dispatch-error variant, string, or absent; found " +
           type_name(*err);
  }
  return std::nullopt;
}

// `tuple<string, result<T, E>>`
std::optional<std::string> read_entry(const ValType &type, Shape &shape) {
  if (!type.is_tuple() || type.tuple().types_count() != 2 ||
      !type.tuple().types_nth(0)->is_string())
    return "expected tuple<string, result<T, E>>, found " + type_name(type);
  return read_result(*type.tuple().types_nth(1), shape);
}

Result<Shape, std::string> read_shape(Cardinality cardinality,
                                      const std::optional<ValType> &declared) {
  if (!declared)
    return std::string("nothing");
  Shape shape;
  std::optional<std::string> problem;
  const ValType &type = *declared;
  switch (cardinality) {
  case Cardinality::exactly_one:
    shape.container = Container::tuple;
    problem = read_entry(type, shape);
    break;
  case Cardinality::at_most_one:
    shape.container = Container::option;
    problem = type.is_option() ? read_entry(type.option().ty(), shape)
                               : "expected option<...>, found " + type_name(type);
    break;
  case Cardinality::at_least_one:
  case Cardinality::any:
    if (type.is_map() && type.map().key().is_string()) {
      shape.container = Container::map;
      problem = read_result(type.map().value(), shape);
    } else if (type.is_list()) {
      shape.container = Container::list;
      problem = read_entry(type.list().element(), shape);
    } else {
      problem = "expected a map or a list, found " + type_name(type);
    }
    break;
  }
  if (problem)
    return type_name(type) + " (" + *problem + ")";
  return shape;
}

// Whether the consumer's import takes the binding function's parameters and
// expects its result; says how they differ if not.
std::optional<std::string> signature_mismatch(const wasmtime::component::FuncType &import,
                                              const Shape &shape,
                                              const wasmtime::component::FuncType &binding) {
  bool same_params = import.param_count() == binding.param_count();
  for (std::size_t i = 0; same_params && i < import.param_count(); ++i)
    same_params = import.param_nth(i)->second == binding.param_nth(i)->second;
  if (!same_params)
    return "takes other parameters: the import is " + type_name(import) +
           ", but the binding's function is " + type_name(binding);
  if (shape.ok_type != binding.result()) {
    auto name = [](const std::optional<ValType> &t) { return t ? type_name(*t) : "nothing"; };
    return "expects a result of " + name(shape.ok_type) + ", but the binding's function is " +
           type_name(binding);
  }
  return std::nullopt;
}

struct SocketFunction {
  std::shared_ptr<const BindingState> binding;
  std::string interface;
  std::string function;
  std::size_t index;
  Shape shape;
  // Unchecked when link time proved the import's parameters are the function's.
  Arguments arguments;

  std::optional<Val> error_value(const DispatchError &error) const {
    switch (shape.error) {
    case ErrorForm::none:
      return std::nullopt;
    case ErrorForm::string:
      return Val::string(error.message());
    case ErrorForm::variant:
      if (!shape.cases[static_cast<std::size_t>(error.kind())])
        return Val(wasmtime::component::Variant("runtime-exception", Val::string(error.message())));
      return Val(wasmtime::component::Variant(
          error.case_name(),
          error.has_payload() ? std::optional<Val>(Val::string(error.payload())) : std::nullopt));
    }
    return std::nullopt;
  }

  // The `result<T, E>` of one plugin's call.
  Val outcome(const PlugState &plug, std::span<const Val> args) const {
    CallResult result =
        call(*binding, plug, interface, function, plug.exports[index], args, arguments);
    if (!result)
      return wasmtime::component::WitResult::err(error_value(result.err_ref()));
    std::optional<Val> &value = result.ok_ref();
    if (shape.ok_has_value && !value)
      return wasmtime::component::WitResult::err(error_value(DispatchError::missing_response(
          "plugin `" + plug.id + "` returned nothing from `" + function + "`")));
    return wasmtime::component::WitResult::ok(shape.ok_has_value ? std::move(value) : std::nullopt);
  }

  Val entry(const PlugState &plug, std::span<const Val> args) const {
    return wasmtime::component::Tuple({Val::string(plug.id), outcome(plug, args)});
  }

  wasmtime::Result<std::monostate> operator()(wasmtime::Store::Context,
                                              const wasmtime::component::FuncType &,
                                              wasmtime::Span<Val> args,
                                              wasmtime::Span<Val> results) const {
    const std::span<const Val> in(args.data(), args.size());
    const auto &plugs = binding->plugs;
    switch (shape.container) {
    case Container::tuple:
      // Binding::create guarantees the one plugin of an exactly-one binding.
      results[0] = entry(plugs.front(), in);
      break;
    case Container::option:
      results[0] = wasmtime::component::WitOption(
          plugs.empty() ? std::nullopt : std::optional<Val>(entry(plugs.front(), in)));
      break;
    case Container::map: {
      std::vector<std::pair<Val, Val>> entries;
      entries.reserve(plugs.size());
      for (const PlugState &plug : plugs)
        entries.emplace_back(Val::string(plug.id), outcome(plug, in));
      results[0] = wasmtime::component::Map(std::move(entries));
      break;
    }
    case Container::list: {
      std::vector<Val> entries;
      entries.reserve(plugs.size());
      for (const PlugState &plug : plugs)
        entries.push_back(entry(plug, in));
      results[0] = wasmtime::component::List(std::move(entries));
      break;
    }
    }
    return std::monostate();
  }
};

} // namespace

Result<std::monostate> define_sockets(const wasmtime::Engine &engine,
                                      wasmtime::component::Linker &linker,
                                      const wasmtime::component::Component &consumer,
                                      const std::vector<Binding> &sockets) {
  if (consumer.capi() == nullptr)
    return Error(Error::Kind::link, "cannot link plugin: its component was moved from");
  const auto consumer_type = consumer.type();
  std::set<std::string, std::less<>> defined;
  auto root = linker.root();
  for (const Binding &socket : sockets) {
    auto binding = share(socket);
    for (const auto &[interface, functions] : binding->slots) {
      const std::string path = binding->path(interface);
      if (!defined.insert(path).second)
        return Error(Error::Kind::link, "two sockets both provide `" + path + "`");
      auto import = consumer_type.import_get(engine, path);
      if (!import)
        continue; // the consumer does not use this interface
      auto where = [&] { return "socket `" + binding->package + "`: import `" + path + "`"; };
      if (!import->is_component_instance())
        return Error(Error::Kind::link, where() + " is not an instance");
      const auto &imported = import->component_instance();
      auto instance = root.add_instance(path);
      if (!instance)
        return Error(Error::Kind::link,
                     where() + " cannot be defined: " + instance.err().message());
      for (std::size_t n = 0; n < imported.export_count(engine); ++n) {
        auto [name, item] = *imported.export_nth(engine, n);
        if (item.is_type())
          continue;
        if (!item.is_component_func())
          return Error(Error::Kind::link,
                       where() + " asks for `" + std::string(name) + "`, which is not a function");
        auto slot = functions.find(name);
        if (slot == functions.end())
          return Error(Error::Kind::link, where() + " asks for function `" + std::string(name) +
                                              "`, which interface `" + interface +
                                              "` of the binding does not have");
        auto shape = read_shape(binding->cardinality, item.component_func().result());
        if (!shape)
          return Error(Error::Kind::link,
                       where() + ": `" + std::string(name) + "` returns " + shape.err() + ", but " +
                           std::string(to_string(binding->cardinality)) + " sockets return " +
                           std::string(expected_shape(binding->cardinality)));
        const auto &expected = binding->types[slot->second];
        if (expected) {
          if (auto why = signature_mismatch(item.component_func(), shape.ok_ref(), *expected))
            return Error(Error::Kind::link, where() + ": `" + std::string(name) + "` " + *why +
                                                " (" + binding->type_origins[slot->second] + ")");
        }
        auto added = instance.ok_ref().add_func(
            name, SocketFunction{binding, interface, std::string(name), slot->second, shape.ok(),
                                 expected ? Arguments::unchecked : Arguments::checked});
        if (!added)
          return Error(Error::Kind::link, where() + ": cannot define `" + std::string(name) +
                                              "`: " + added.err().message());
      }
    }
  }
  return std::monostate();
}

} // namespace wasm_link::detail
