#include <wasm_link/interface.hh>

#include "resources.hh"

#include <wasm_link/value.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link {

std::string type_name(const wasmtime::component::FuncType &type) {
  return type_name(type, ResourceNamer());
}

std::string type_name(const wasmtime::component::FuncType &type, const ResourceNamer &names) {
  std::string out = type.async() ? "async func(" : "func(";
  for (std::size_t i = 0; i < type.param_count(); ++i) {
    auto param = type.param_nth(i);
    out += (i ? ", " : "") + std::string(param->first) + ": " + type_name(param->second, names);
  }
  out += ")";
  if (auto result = type.result())
    out += " -> " + type_name(*result, names);
  return out;
}

bool same_signature(const wasmtime::component::FuncType &a,
                    const wasmtime::component::FuncType &b) {
  if (a.param_count() != b.param_count())
    return false;
  for (std::size_t i = 0; i < a.param_count(); ++i)
    if (a.param_nth(i)->second != b.param_nth(i)->second)
      return false;
  return a.result() == b.result();
}

std::pair<FunctionKind, std::string> classify_function_name(std::string_view name) {
  auto after = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (name.substr(0, prefix.size()) == prefix)
      return name.substr(prefix.size());
    return std::nullopt;
  };
  if (auto rest = after("[constructor]"))
    return {FunctionKind::constructor, std::string(*rest)};
  if (auto rest = after("[method]"))
    return {FunctionKind::method, std::string(rest->substr(0, rest->find('.')))};
  if (auto rest = after("[static]"))
    return {FunctionKind::static_, std::string(rest->substr(0, rest->find('.')))};
  return {FunctionKind::freestanding, {}};
}

Interface &Interface::function(std::string name, ReturnKind returns) {
  auto [kind, resource] = classify_function_name(name);
  functions_.insert_or_assign(std::move(name), Function{kind, returns, std::move(resource), {}});
  return *this;
}

Interface &Interface::resource(std::string name) {
  resources_.insert(std::move(name));
  return *this;
}

const Function *Interface::find(std::string_view name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

Result<Interface> Interface::from_component(const wasmtime::Engine &engine,
                                            const wasmtime::component::Component &component,
                                            std::string_view export_name) {
  if (component.capi() == nullptr)
    return Error(Error::Kind::link, "cannot read interface `" + std::string(export_name) +
                                        "`: the component was moved from");
  auto item = component.type().export_get(engine, export_name);
  if (!item || !item->is_component_instance())
    return Error(Error::Kind::link,
                 "the component exports no instance `" + std::string(export_name) + "`");
  const auto &instance = item->component_instance();
  Interface out;
  for (std::size_t i = 0; i < instance.export_count(engine); ++i) {
    auto entry = instance.export_nth(engine, i);
    const auto &[name, export_item] = *entry;
    if (export_item.is_resource()) {
      out.resource(std::string(name));
      out.resource_types_.emplace_back(export_item.resource(), std::string(name));
    } else if (export_item.is_component_func()) {
      const auto &type = export_item.component_func();
      auto result = type.result();
      ReturnKind returns = !result                          ? ReturnKind::none
                           : detail::holds_handles(*result) ? ReturnKind::value_with_resources
                                                            : ReturnKind::value;
      auto [kind, resource] = classify_function_name(name);
      out.functions_.insert_or_assign(std::string(name),
                                      Function{kind, returns, std::move(resource), type});
    }
  }
  return out;
}

std::optional<std::string>
Interface::resource_name(const wasmtime::component::ResourceType &type) const {
  for (const auto &[known, name] : resource_types_)
    if (known == type)
      return name;
  return std::nullopt;
}

} // namespace wasm_link
