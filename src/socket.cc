// Sockets: the host functions a consumer's imports resolve to. Each dispatches
// into its binding's plugins and builds the result in the shape the consumer's
// import declares, read once at link time (docs/ABI.md, "What a consumer sees
// through a socket").
#include "binding_state.hh"
#include "shim.h"

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
  bare,   // methods, which go to one plugin: result<T, E>
  plain,  // a constructor of an exactly-one or at-most-one binding: own<R>
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
  // For ErrorForm::variant: the ABI cases the consumer's variant declares, and
  // where each stands among its cases.
  std::array<bool, DispatchError::kind_count> cases{};
  std::array<std::uint32_t, DispatchError::kind_count> case_index{};

  // For ErrorForm::variant: the case `error` goes in, and what it carries. The
  // error's own case when the variant declares it, else runtime-exception
  // (which every such variant declares) with the whole message.
  std::pair<DispatchError::Kind, std::optional<std::string>>
  variant_case(const DispatchError &error) const {
    if (cases[static_cast<std::size_t>(error.kind())])
      return {error.kind(), error.has_payload() ? std::optional(error.payload()) : std::nullopt};
    return {DispatchError::Kind::runtime_exception, error.message()};
  }
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
      shape.case_index[static_cast<std::size_t>(*kind)] = static_cast<std::uint32_t>(i);
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

Result<Shape, std::string> read_shape(Cardinality cardinality, FunctionKind kind,
                                      const std::optional<ValType> &declared) {
  if (!declared)
    return std::string("nothing");
  Shape shape;
  std::optional<std::string> problem;
  const ValType &type = *declared;
  const bool one_plugin =
      cardinality == Cardinality::exactly_one || cardinality == Cardinality::at_most_one;
  if (kind == FunctionKind::constructor && one_plugin) {
    // Component validation makes an imported constructor return own<R> or
    // result<own<R>, E>, so neither can be a broadcast shape: it goes to the
    // binding's one plugin.
    if (type.kind() == WASMTIME_COMPONENT_VALTYPE_OWN) {
      shape.container = Container::plain;
      shape.ok_type = type;
      shape.ok_has_value = true;
      return shape;
    }
    kind = FunctionKind::method;
  }
  if (kind == FunctionKind::method) {
    shape.container = Container::bare;
    if (auto problem = read_result(type, shape))
      return type_name(type) + " (" + *problem + ")";
    return shape;
  }
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
                                              const ResourceNames &import_names, const Shape &shape,
                                              const wasmtime::component::FuncType &binding,
                                              const ResourceNames *binding_names,
                                              const std::vector<bool> &binding_handles) {
  // Where the binding's type holds no handles, Wasmtime's own comparison does
  // (see equivalent() on why it must not see resource types of two components).
  auto same = [&](const ValType &import_type, const ValType &binding_type, bool handles) {
    return handles ? equivalent(import_type, &import_names, binding_type, binding_names)
                   : import_type == binding_type;
  };
  bool same_params = import.param_count() == binding.param_count();
  for (std::size_t i = 0; same_params && i < import.param_count(); ++i)
    same_params =
        same(import.param_nth(i)->second, binding.param_nth(i)->second, binding_handles[i]);
  if (!same_params)
    return "takes other parameters: the import is " + type_name(import) +
           ", but the binding's function is " + type_name(binding);
  const auto result = binding.result();
  const bool same_result = shape.ok_type.has_value() == result.has_value() &&
                           (!result || same(*shape.ok_type, *result, binding_handles.back()));
  if (!same_result) {
    auto name = [](const std::optional<ValType> &t) { return t ? type_name(*t) : "nothing"; };
    return "expects a result of " + name(shape.ok_type) + ", but the binding's function is " +
           type_name(binding);
  }
  return std::nullopt;
}

// Handles on a consumer's side are host resources in its store, of the host
// types the binding defined in its linker. The branches of a parallel fan-out
// share it, and the consumer's store takes one of them at a time.
class ConsumerSide final : public HandleSide {
public:
  ConsumerSide(wasmtime::Store::Context store, const BindingState &binding)
      : store_(store), binding_(binding) {}

  Result<std::uint32_t, DispatchError> rep(const wasmtime::component::ResourceAny &handle,
                                           std::size_t resource, bool) override {
    std::lock_guard lock(mutex_);
    // Wasmtime lifted the consumer's handle for this call: reading it takes it
    // (an own handle is given away; a borrow ends).
    auto host = handle.to_host(store_);
    if (!host || host.ok_ref().type() != binding_.resources[resource].host_type)
      return DispatchError::invalid_resource_handle("not a handle this binding gave out");
    return host.ok_ref().rep();
  }

  Result<Val, DispatchError> issue(std::uint32_t rep, std::size_t resource) override {
    std::lock_guard lock(mutex_);
    auto any = wasmtime::component::ResourceHost(true, rep, binding_.resources[resource].host_type)
                   .to_any(store_);
    if (!any)
      return DispatchError::resource_handle_conversion_failed(any.err().message());
    return Val(any.ok());
  }
  Caller caller() const noexcept override { return Caller::socket; }

private:
  std::mutex mutex_;
  wasmtime::Store::Context store_;
  const BindingState &binding_;
};

struct SocketFunction {
  std::shared_ptr<const BindingState> binding;
  std::string interface;
  std::string function;
  std::size_t index;
  FunctionKind function_kind;
  Shape shape;
  // Unchecked when link time proved the import's parameters are the function's.
  Arguments arguments;

  std::optional<Val> error_value(const DispatchError &error) const {
    switch (shape.error) {
    case ErrorForm::none:
      return std::nullopt;
    case ErrorForm::string:
      return Val::string(error.message());
    case ErrorForm::variant: {
      auto [kind, message] = shape.variant_case(error);
      return Val(wasmtime::component::Variant(std::string(case_name(kind)),
                                              message ? std::optional(Val::string(*message))
                                                      : std::nullopt));
    }
    }
    return std::nullopt;
  }

  // The `result<T, E>` of one plugin's call.
  Val outcome(const PlugState &plug, std::span<const Val> args, HandleSide &side,
              ArgumentHandles *handles) const {
    CallResult result =
        call(*binding, plug, interface, function, index, args, arguments, side, handles);
    return outcome(plug, std::move(result));
  }

  Val outcome(const PlugState &plug, CallResult result) const {
    if (!result)
      return wasmtime::component::WitResult::err(error_value(result.err_ref()));
    std::optional<Val> &value = result.ok_ref();
    if (shape.ok_has_value && !value)
      return wasmtime::component::WitResult::err(error_value(DispatchError::missing_response(
          "plugin `" + plug.id + "` returned nothing from `" + function + "`")));
    return wasmtime::component::WitResult::ok(shape.ok_has_value ? std::move(value) : std::nullopt);
  }

  Val entry(const PlugState &plug, Val outcome) const {
    return wasmtime::component::Tuple({Val::string(plug.id), std::move(outcome)});
  }

  wasmtime::Result<std::monostate> operator()(wasmtime::Store::Context store,
                                              const wasmtime::component::FuncType &,
                                              wasmtime::Span<Val> args,
                                              wasmtime::Span<Val> results) const {
    const std::span<const Val> in(args.data(), args.size());
    // The plugins before or after any change made meanwhile, not a mix.
    const ReadSection section;
    const Roster &roster = binding->roster(section);
    const auto &plugs = roster.plugs;
    ConsumerSide side(store, *binding);

    // Handles among the arguments route the call to the plugin that owns them.
    std::optional<ArgumentHandles> handles;
    std::optional<DispatchError> refused;
    if (!plugs.empty() && plugs.front().export_of(index).unwraps_arguments) {
      auto read = read_handles(*binding, roster, index, in, side);
      if (read)
        handles = std::move(read.ok_ref());
      else
        refused = read.err();
    }
    auto outcome_of = [&](const PlugState &plug) {
      if (refused)
        return outcome(plug, *refused);
      if (handles && handles->owner != nullptr && handles->owner->key != plug.key)
        return outcome(plug,
                       DispatchError::invalid_resource_handle(
                           "the handles passed belong to plugin `" + handles->owner->id + "`"));
      return outcome(plug, in, side, handles ? &*handles : nullptr);
    };

    switch (shape.container) {
    case Container::plain: {
      // A constructor with its plain type: a failure can only trap the consumer.
      if (plugs.empty())
        return wasmtime::Error("constructor `" + function + "` of binding `" + binding->package +
                               "`: the binding has no plugin");
      CallResult made =
          call(*binding, plugs.front(), interface, function, index, in, arguments, side);
      if (made && !made.ok_ref())
        made = DispatchError::missing_response();
      if (!made)
        return wasmtime::Error("constructor `" + function + "` of binding `" + binding->package +
                               "` failed in plugin `" + plugs.front().id +
                               "`: " + made.err_ref().message());
      results[0] = std::move(*made.ok_ref());
      break;
    }
    case Container::bare: {
      if (function_kind == FunctionKind::constructor) {
        // A constructor returning result<own<R>, E>: the binding's one plugin.
        results[0] = plugs.empty() ? wasmtime::component::WitResult::err(error_value(
                                         DispatchError::missing_response("the binding is empty")))
                                   : outcome_of(plugs.front());
        break;
      }
      // A method: the plugin that made `self`.
      if (refused || !handles || !handles->owner) {
        auto error =
            refused ? *refused
                    : DispatchError::invalid_resource_handle("a method needs a handle as `self`");
        results[0] = wasmtime::component::WitResult::err(error_value(error));
        break;
      }
      results[0] = outcome_of(*handles->owner);
      break;
    }
    case Container::tuple:
      // Binding::create guarantees the one plugin of an exactly-one binding.
      results[0] = entry(plugs.front(), outcome_of(plugs.front()));
      break;
    case Container::option:
      results[0] = wasmtime::component::WitOption(
          plugs.empty() ? std::nullopt
                        : std::optional<Val>(entry(plugs.front(), outcome_of(plugs.front()))));
      break;
    case Container::map:
      results[0] = wasmtime::component::Map(
          binding->fan_out.run<std::pair<Val, Val>>(index, plugs.size(), [&](std::size_t i) {
            return std::pair(Val::string(plugs[i].id), outcome_of(plugs[i]));
          }));
      break;
    case Container::list:
      results[0] = wasmtime::component::List(
          binding->fan_out.run<Val>(index, plugs.size(), [&](std::size_t i) {
            return entry(plugs[i], outcome_of(plugs[i]));
          }));
      break;
    }
    return std::monostate();
  }
};

// A socket of a byte-path function (func(list<u8> or string) -> list<u8> or
// string) gathered in a tuple, an option or a list. The shim's typed host
// function (src/shim.h) reads the consumer's argument in place and lowers each
// plugin's bytes whole; each plugin's call goes through the byte path too.
struct BytesSocket {
  std::shared_ptr<const BindingState> binding;
  std::string interface;
  std::string function;
  std::size_t index;
  Shape shape;
  BytesShape bytes;

  static wasm_link_socket_bytes_shape_t shim_shape(const Shape &shape, BytesShape bytes) {
    wasm_link_socket_bytes_shape_t out{};
    out.container = shape.container == Container::tuple    ? WASM_LINK_SOCKET_TUPLE
                    : shape.container == Container::option ? WASM_LINK_SOCKET_OPTION
                                                           : WASM_LINK_SOCKET_LIST;
    out.input_is_string = bytes.input_is_string;
    out.output_is_string = bytes.output_is_string;
    out.error = shape.error == ErrorForm::none     ? WASM_LINK_SOCKET_ERROR_NONE
                : shape.error == ErrorForm::string ? WASM_LINK_SOCKET_ERROR_STRING
                                                   : WASM_LINK_SOCKET_ERROR_VARIANT;
    return out;
  }

  // `error` as the consumer's `E`, as SocketFunction::error_value gives it.
  void add_error(wasm_link_socket_results_t *results, const std::string &id,
                 const DispatchError &error) const {
    std::uint32_t error_case = 0;
    std::optional<std::string> message;
    switch (shape.error) {
    case ErrorForm::none:
      break;
    case ErrorForm::string:
      message = error.message();
      break;
    case ErrorForm::variant: {
      auto [kind, payload] = shape.variant_case(error);
      error_case = shape.case_index[static_cast<std::size_t>(kind)];
      message = std::move(payload);
      break;
    }
    }
    wasm_link_socket_results_err(results, id.data(), id.size(), error_case,
                                 message ? message->data() : nullptr,
                                 message ? message->size() : 0);
  }

  Result<std::monostate, DispatchError>
  call_into(const PlugState &plug, std::span<const std::uint8_t> input, BytesSink sink) const {
    return call_bytes(*binding, plug, interface, function, index, input, bytes, Caller::socket,
                      sink);
  }

  // One plugin's outcome. Its bytes are taken as Wasmtime lifts them, before
  // the plugin's post-return, and added once the call has succeeded: a trap in
  // post-return makes the outcome an error, not a second entry.
  void add(wasm_link_socket_results_t *results, const PlugState &plug,
           std::span<const std::uint8_t> input) const {
    std::vector<std::uint8_t> out;
    if (auto called = call_into(plug, input, into(out)); !called)
      add_error(results, plug.id, called.err_ref());
    else
      wasm_link_socket_results_ok(results, plug.id.data(), plug.id.size(), out.data(), out.size());
  }

  wasmtime_error_t *operator()(std::span<const std::uint8_t> input,
                               wasm_link_socket_results_t *results) const {
    // The plugins before or after any change made meanwhile, not a mix.
    const ReadSection section;
    const auto &plugs = binding->roster(section).plugs;
    switch (shape.container) {
    case Container::tuple:
    case Container::option:
      // Binding::create guarantees the one plugin of an exactly-one binding.
      if (!plugs.empty())
        add(results, plugs.front(), input);
      break;
    default: {
      using Outcome = Result<std::vector<std::uint8_t>, DispatchError>;
      auto outcomes = binding->fan_out.run<Outcome>(index, plugs.size(), [&](std::size_t i) {
        std::vector<std::uint8_t> out;
        auto called = call_into(plugs[i], input, into(out));
        return called ? Outcome(std::move(out)) : Outcome(std::move(called.err_ref()));
      });
      for (std::size_t i = 0; i < plugs.size(); ++i) {
        const Outcome &outcome = outcomes[i];
        if (outcome)
          wasm_link_socket_results_ok(results, plugs[i].id.data(), plugs[i].id.size(),
                                      outcome.ok_ref().data(), outcome.ok_ref().size());
        else
          add_error(results, plugs[i].id, outcome.err_ref());
      }
    }
    }
    return nullptr;
  }
};

// The byte-path shape of a socket function: one list<u8> or string parameter,
// a list<u8> or string result, gathered in a tuple, an option or a list.
std::optional<BytesShape> bytes_socket_shape(const wasmtime::component::FuncType &type,
                                             const Shape &shape) {
  const bool gathered = shape.container == Container::tuple ||
                        shape.container == Container::option || shape.container == Container::list;
  if (!gathered || type.param_count() != 1 || !shape.ok_type)
    return std::nullopt;
  return bytes_shape(type.param_nth(0)->second, *shape.ok_type);
}

} // namespace

namespace {

// Which of the binding's resources each resource type the consumer imports from
// it stands for; functions of one interface may use another's.
Result<ResourceNames> imported_resources(const wasmtime::Engine &engine,
                                         const wasmtime::component::ComponentType &consumer_type,
                                         const BindingState &binding) {
  ResourceNames names;
  for (const auto &[interface, functions] : binding.slots) {
    auto import = consumer_type.import_get(engine, binding.path(interface));
    if (!import || !import->is_component_instance())
      continue;
    const auto &imported = import->component_instance();
    for (std::size_t n = 0; n < imported.export_count(engine); ++n) {
      auto [name, item] = *imported.export_nth(engine, n);
      if (!item.is_resource())
        continue;
      auto resource = binding.resource_index(interface, name);
      if (!resource)
        return Error(Error::Kind::link, "socket `" + binding.package + "`: import `" +
                                            binding.path(interface) + "` asks for resource `" +
                                            std::string(name) + "`, which interface `" + interface +
                                            "` of the binding does not have");
      names.add(item.resource(), *resource);
    }
  }
  return names;
}

// LinkerInstance::add_func for an import of an `async func` type, through the
// shim's concurrent host function (src/shim.h): `f` runs to completion within
// the call, as it does for a sync import.
template <typename F>
wasmtime::Result<std::monostate> add_concurrent_func(wasmtime::component::LinkerInstance &instance,
                                                     std::string_view name, F f) {
  auto callback = [](void *env, wasmtime_context_t *store,
                     const wasmtime_component_func_type_t *type, wasmtime_component_val_t *args,
                     std::size_t nargs, wasmtime_component_val_t *results,
                     std::size_t nresults) -> wasmtime_error_t * {
    static_assert(sizeof(Val) == sizeof(wasmtime_component_val_t));
    auto *raw = const_cast<wasmtime_component_func_type_t *>(type);
    auto result = (*static_cast<F *>(env))(wasmtime::Store::Context(store),
                                           *wasmtime::component::FuncType::from_capi(&raw),
                                           wasmtime::Span<Val>(Val::from_capi(args), nargs),
                                           wasmtime::Span<Val>(Val::from_capi(results), nresults));
    return result ? nullptr : result.err().capi_release();
  };
  auto finalize = [](void *env) { delete static_cast<F *>(env); };
  auto *env = new F(std::move(f));
  if (wasmtime_error_t *error = wasm_link_component_linker_instance_add_func_concurrent(
          instance.capi(), name.data(), name.size(), callback, env, finalize))
    return wasmtime::Error(error);
  return std::monostate();
}

// One socket import's member: a resource whose drop reaches the plugin that
// made it, or a function that dispatches into the binding, shaped for the
// binding's cardinality and checked against the binding's type.
class SocketImport {
public:
  SocketImport(std::shared_ptr<const BindingState> binding, const ResourceNames &names,
               const std::string &interface, wasmtime::component::LinkerInstance &instance)
      : binding_(std::move(binding)), names_(names), interface_(interface), instance_(instance),
        functions_(binding_->slots.find(interface)->second) {}

  Result<std::monostate> define(std::string_view name,
                                const wasmtime::component::ComponentItem &item) {
    if (item.is_resource())
      return resource(name, item.resource());
    if (item.is_type())
      return std::monostate();
    if (!item.is_component_func())
      return fail("asks for `" + std::string(name) + "`, which is not a function");
    return function(name, item.component_func());
  }

private:
  Error fail(const std::string &what) const {
    return Error(Error::Kind::link, "socket `" + binding_->package + "`: import `" +
                                        binding_->path(interface_) + "`" +
                                        (what.starts_with(':') ? "" : " ") + what);
  }

  Result<std::monostate> resource(std::string_view name,
                                  const wasmtime::component::ResourceType &type) {
    const BindingResource &resource = binding_->resources[*names_.find(type)];
    auto added =
        instance_.add_resource(name, wasmtime::component::ResourceType(resource.host_type),
                               [binding = binding_](wasmtime::Store::Context, std::uint32_t rep) {
                                 drop_wrapped(*binding, rep);
                                 return wasmtime::Result<std::monostate>(std::monostate());
                               });
    if (!added)
      return fail(": cannot define resource `" + std::string(name) + "`: " + added.err().message());
    return std::monostate();
  }

  Result<std::monostate> function(std::string_view name,
                                  const wasmtime::component::FuncType &type) {
    auto slot = functions_.find(name);
    if (slot == functions_.end())
      return fail("asks for function `" + std::string(name) + "`, which interface `" + interface_ +
                  "` of the binding does not have");
    const Function &function = *binding_->interfaces.find(interface_)->second.find(name);
    auto shape = read_shape(binding_->cardinality, function.kind, type.result());
    if (!shape)
      return fail(": `" + std::string(name) + "` returns " + shape.err() + ", but " +
                  std::string(to_string(binding_->cardinality)) + " sockets return " +
                  std::string(expected_shape(binding_->cardinality)));
    const ExpectedType &expected = binding_->expected[slot->second];
    const bool fixed = expected.fixed();
    if (fixed)
      if (auto why = signature_mismatch(type, names_, shape.ok_ref(), *expected.type,
                                        expected.names.get(), expected.handles))
        return fail(": `" + std::string(name) + "` " + *why + " (" + expected.origin + ")");
    if (fixed && !type.async())
      if (auto bytes = bytes_socket_shape(type, shape.ok_ref()))
        return bytes_socket(name, BytesSocket{binding_, interface_, std::string(name), slot->second,
                                              shape.ok(), *bytes});
    SocketFunction socket{binding_,
                          interface_,
                          std::string(name),
                          slot->second,
                          function.kind,
                          shape.ok(),
                          fixed ? Arguments::unchecked : Arguments::checked};
    // Wasmtime links an `async func` import only to a concurrent host function.
    auto added = type.async() ? add_concurrent_func(instance_, name, std::move(socket))
                              : instance_.add_func(name, std::move(socket));
    if (!added)
      return fail(": cannot define `" + std::string(name) + "`: " + added.err().message());
    return std::monostate();
  }

  // Defines `name` through the shim's byte socket.
  Result<std::monostate> bytes_socket(std::string_view name, BytesSocket socket) {
    auto callback = [](void *data, const std::uint8_t *input, std::size_t size,
                       wasm_link_socket_results_t *results) -> wasmtime_error_t * {
      try { // nothing may unwind into Wasmtime's frames
        return (*static_cast<const BytesSocket *>(data))(std::span(input, size), results);
      } catch (const std::exception &error) {
        return wasmtime::Error(std::string("socket failed: ") + error.what()).capi_release();
      }
    };
    auto finalize = [](void *data) { delete static_cast<BytesSocket *>(data); };
    const auto shape = BytesSocket::shim_shape(socket.shape, socket.bytes);
    if (wasmtime_error_t *error = wasm_link_component_linker_instance_add_socket_bytes(
            instance_.capi(), name.data(), name.size(), shape, callback,
            new BytesSocket(std::move(socket)), finalize))
      return fail(": cannot define `" + std::string(name) +
                  "`: " + wasmtime::Error(error).message());
    return std::monostate();
  }

  std::shared_ptr<const BindingState> binding_;
  const ResourceNames &names_;
  const std::string &interface_;
  wasmtime::component::LinkerInstance &instance_;
  const std::map<std::string, std::size_t, std::less<>> &functions_;
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
    auto names = imported_resources(engine, consumer_type, *binding);
    if (!names)
      return names.err();
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
      auto instance = root.add_instance(path);
      if (!instance)
        return Error(Error::Kind::link,
                     where() + " cannot be defined: " + instance.err().message());
      SocketImport members(binding, names.ok_ref(), interface, instance.ok_ref());
      const auto &imported = import->component_instance();
      for (std::size_t n = 0; n < imported.export_count(engine); ++n) {
        auto [name, item] = *imported.export_nth(engine, n);
        if (auto defined_member = members.define(name, item); !defined_member)
          return defined_member.err();
      }
    }
  }
  return std::monostate();
}

} // namespace wasm_link::detail
