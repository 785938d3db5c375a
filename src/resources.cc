#include "resources.hh"

#include <atomic>
#include <limits>

namespace wasm_link::detail {

std::uint32_t fresh_host_type() {
  // Host types of bindings start high, away from ids an embedder picks by hand.
  static std::atomic<std::uint32_t> next{0x5741'0000};
  return next.fetch_add(1, std::memory_order_relaxed);
}

void ResourceNames::add(const wasmtime::component::ResourceType &type, std::size_t resource) {
  if (!find(type))
    entries_.emplace_back(type, resource);
}

std::optional<std::size_t>
ResourceNames::find(const wasmtime::component::ResourceType &type) const {
  for (const auto &[known, resource] : entries_)
    if (known == type)
      return resource;
  return std::nullopt;
}

bool equivalent(const ValType &a, const ResourceNames *a_names, const ValType &b,
                const ResourceNames *b_names) {
  if (a.kind() != b.kind())
    return false;
  auto same = [&](const ValType &x, const ValType &y) {
    return equivalent(x, a_names, y, b_names);
  };
  auto same_optional = [&](const std::optional<ValType> &x, const std::optional<ValType> &y) {
    return x.has_value() == y.has_value() && (!x || same(*x, *y));
  };
  auto same_resource = [&](const wasmtime::component::ResourceType &x,
                           const wasmtime::component::ResourceType &y) {
    if (a_names == nullptr || b_names == nullptr)
      return true;
    auto rx = a_names->find(x);
    auto ry = b_names->find(y);
    return rx && ry ? *rx == *ry : x == y;
  };
  switch (a.kind()) {
  case WASMTIME_COMPONENT_VALTYPE_OWN:
    return same_resource(a.own(), b.own());
  case WASMTIME_COMPONENT_VALTYPE_BORROW:
    return same_resource(a.borrow(), b.borrow());
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    return same(a.list().element(), b.list().element());
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    return same(a.option().ty(), b.option().ty());
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    return same(a.map().key(), b.map().key()) && same(a.map().value(), b.map().value());
  case WASMTIME_COMPONENT_VALTYPE_RESULT:
    return same_optional(a.result().ok(), b.result().ok()) &&
           same_optional(a.result().err(), b.result().err());
  case WASMTIME_COMPONENT_VALTYPE_RECORD: {
    const auto &x = a.record(), &y = b.record();
    if (x.field_count() != y.field_count())
      return false;
    for (std::size_t i = 0; i < x.field_count(); ++i) {
      auto fx = x.field_nth(i), fy = y.field_nth(i);
      if (fx->first != fy->first || !same(fx->second, fy->second))
        return false;
    }
    return true;
  }
  case WASMTIME_COMPONENT_VALTYPE_TUPLE: {
    const auto &x = a.tuple(), &y = b.tuple();
    if (x.types_count() != y.types_count())
      return false;
    for (std::size_t i = 0; i < x.types_count(); ++i)
      if (!same(*x.types_nth(i), *y.types_nth(i)))
        return false;
    return true;
  }
  case WASMTIME_COMPONENT_VALTYPE_VARIANT: {
    const auto &x = a.variant(), &y = b.variant();
    if (x.case_count() != y.case_count())
      return false;
    for (std::size_t i = 0; i < x.case_count(); ++i) {
      auto cx = x.case_nth(i), cy = y.case_nth(i);
      if (cx->first != cy->first || !same_optional(cx->second, cy->second))
        return false;
    }
    return true;
  }
  default:
    // Scalars, strings, enums and flags hold no resources; Wasmtime compares
    // them structurally.
    return a == b;
  }
}

std::vector<bool> handle_positions(const wasmtime::component::FuncType &type) {
  std::vector<bool> out;
  for (std::size_t i = 0; i < type.param_count(); ++i)
    out.push_back(holds_handles(type.param_nth(i)->second));
  auto result = type.result();
  out.push_back(result && holds_handles(*result));
  return out;
}

bool equivalent(const wasmtime::component::FuncType &a, const ResourceNames *a_names,
                const std::vector<bool> &a_handles, const wasmtime::component::FuncType &b,
                const ResourceNames *b_names) {
  // Parts without handles are compared by Wasmtime in one call; parts with
  // them are walked here. (Wasmtime's comparison of resource types of two
  // components panics, so it only sees parts of `a` that hold none.)
  auto same = [&](const ValType &x, const ValType &y, bool handles) {
    return handles ? equivalent(x, a_names, y, b_names) : x == y;
  };
  if (a.param_count() != b.param_count())
    return false;
  for (std::size_t i = 0; i < a.param_count(); ++i)
    if (!same(a.param_nth(i)->second, b.param_nth(i)->second, a_handles[i]))
      return false;
  auto ra = a.result(), rb = b.result();
  return ra.has_value() == rb.has_value() && (!ra || same(*ra, *rb, a_handles.back()));
}

namespace {

// Calls `f` on each type directly inside `type`.
template <typename F> bool any_child(const ValType &type, F &&f) {
  switch (type.kind()) {
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    return f(type.list().element());
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    return f(type.option().ty());
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    return f(type.map().key()) || f(type.map().value());
  case WASMTIME_COMPONENT_VALTYPE_RESULT: {
    auto ok = type.result().ok();
    auto err = type.result().err();
    return (ok && f(*ok)) || (err && f(*err));
  }
  case WASMTIME_COMPONENT_VALTYPE_RECORD:
    for (std::size_t i = 0; i < type.record().field_count(); ++i)
      if (f(type.record().field_nth(i)->second))
        return true;
    return false;
  case WASMTIME_COMPONENT_VALTYPE_TUPLE:
    for (std::size_t i = 0; i < type.tuple().types_count(); ++i)
      if (f(*type.tuple().types_nth(i)))
        return true;
    return false;
  case WASMTIME_COMPONENT_VALTYPE_VARIANT:
    for (std::size_t i = 0; i < type.variant().case_count(); ++i) {
      auto c = type.variant().case_nth(i);
      if (c->second && f(*c->second))
        return true;
    }
    return false;
  default:
    return false;
  }
}

// The C++ API hands out nested values as const; the value tree is the
// caller's own, so a handle inside it may be replaced in place.
Val &mutable_val(const Val &v) {
  return const_cast<Val &>(v);
}

} // namespace

bool holds_handles(const ValType &type) {
  if (type.kind() == WASMTIME_COMPONENT_VALTYPE_OWN ||
      type.kind() == WASMTIME_COMPONENT_VALTYPE_BORROW)
    return true;
  return any_child(type, holds_handles);
}

std::optional<std::string> unsupported_part(const ValType &type) {
  switch (type.kind()) {
  case WASMTIME_COMPONENT_VALTYPE_FUTURE:
  case WASMTIME_COMPONENT_VALTYPE_STREAM:
  case WASMTIME_COMPONENT_VALTYPE_ERROR_CONTEXT:
    return type_name(type);
  default:
    break;
  }
  std::optional<std::string> found;
  any_child(type, [&](const ValType &child) {
    found = unsupported_part(child);
    return found.has_value();
  });
  return found;
}

std::optional<DispatchError> visit_handles(Val &value, const ValType &type,
                                           const HandleVisitor &visit) {
  std::optional<DispatchError> error;
  auto go = [&](const Val &v, const ValType &t) {
    error = visit_handles(mutable_val(v), t, visit);
    return error.has_value();
  };
  switch (type.kind()) {
  case WASMTIME_COMPONENT_VALTYPE_OWN:
  case WASMTIME_COMPONENT_VALTYPE_BORROW:
    if (!value.is_resource())
      return DispatchError::invalid_argument_list("expected a resource handle");
    return visit(value, type);
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    if (holds_handles(type.list().element()))
      for (const Val &item : value.get_list())
        if (go(item, type.list().element()))
          return error;
    return std::nullopt;
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    if (const Val *inner = value.get_option().value())
      go(*inner, type.option().ty());
    return error;
  case WASMTIME_COMPONENT_VALTYPE_RESULT: {
    const auto &result = value.get_result();
    auto payload_type = result.is_ok() ? type.result().ok() : type.result().err();
    if (const Val *payload = result.payload(); payload && payload_type)
      go(*payload, *payload_type);
    return error;
  }
  case WASMTIME_COMPONENT_VALTYPE_RECORD: {
    std::size_t i = 0;
    for (const auto &field : value.get_record())
      if (go(field.value(), type.record().field_nth(i++)->second))
        return error;
    return std::nullopt;
  }
  case WASMTIME_COMPONENT_VALTYPE_TUPLE: {
    std::size_t i = 0;
    for (const Val &item : value.get_tuple())
      if (go(item, *type.tuple().types_nth(i++)))
        return error;
    return std::nullopt;
  }
  case WASMTIME_COMPONENT_VALTYPE_VARIANT: {
    const auto &variant = value.get_variant();
    const auto &cases = type.variant();
    for (std::size_t i = 0; i < cases.case_count(); ++i) {
      auto c = cases.case_nth(i);
      if (c->first == variant.discriminant() && c->second && variant.value())
        go(*variant.value(), *c->second);
    }
    return error;
  }
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    for (const auto &entry : value.get_map())
      if (go(entry.key(), type.map().key()) || go(entry.value(), type.map().value()))
        return error;
    return std::nullopt;
  default:
    return std::nullopt;
  }
}

// HandleTable ---------------------------------------------------------------

namespace {
constexpr std::uint32_t index_bits = 20;
constexpr std::uint32_t index_mask = (1u << index_bits) - 1;
} // namespace

std::optional<std::uint32_t> HandleTable::index_of(std::uint32_t rep) const {
  const std::uint32_t index = (rep & index_mask) - 1;
  if ((rep & index_mask) == 0 || index >= slots_.size())
    return std::nullopt;
  const Slot &slot = slots_[index];
  if (!slot.handle || slot.tag != rep >> index_bits)
    return std::nullopt;
  return index;
}

Result<std::uint32_t, DispatchError> HandleTable::insert(WrappedHandle handle,
                                                         std::uint32_t owner_cap) {
  std::lock_guard lock(mutex_);
  if (per_owner_.size() <= handle.owner)
    per_owner_.resize(handle.owner + 1);
  if (per_owner_[handle.owner] >= owner_cap)
    return DispatchError::resource_table_full(
        "the plugin already has " + std::to_string(owner_cap) +
        " live handles wrapped (max-resource-handles = " + std::to_string(owner_cap) + ")");
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else if (slots_.size() < max_slots) {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    return DispatchError::resource_table_full("the binding holds " + std::to_string(max_slots) +
                                              " wrapped handles");
  }
  Slot &slot = slots_[index];
  ++per_owner_[handle.owner];
  ++size_;
  slot.handle = std::move(handle);
  return (slot.tag << index_bits) | (index + 1);
}

std::optional<HandleTable::Owner> HandleTable::owner_of(std::uint32_t rep) const {
  std::lock_guard lock(mutex_);
  auto index = index_of(rep);
  if (!index)
    return std::nullopt;
  const WrappedHandle &handle = *slots_[*index].handle;
  return Owner{handle.owner, handle.generation, handle.resource};
}

std::optional<WrappedHandle> HandleTable::find(std::uint32_t rep) const {
  std::lock_guard lock(mutex_);
  auto index = index_of(rep);
  if (!index)
    return std::nullopt;
  return slots_[*index].handle;
}

std::optional<WrappedHandle> HandleTable::take(std::uint32_t rep) {
  std::lock_guard lock(mutex_);
  auto index = index_of(rep);
  if (!index)
    return std::nullopt;
  Slot &slot = slots_[*index];
  WrappedHandle out = std::move(*slot.handle);
  slot.handle.reset();
  slot.tag = (slot.tag + 1) & ((1u << (32 - index_bits)) - 1);
  free_.push_back(*index);
  --per_owner_[out.owner];
  --size_;
  return out;
}

std::vector<WrappedHandle> HandleTable::take_all() {
  std::lock_guard lock(mutex_);
  std::vector<WrappedHandle> out;
  for (Slot &slot : slots_)
    if (slot.handle)
      out.push_back(std::move(*slot.handle));
  slots_.clear();
  free_.clear();
  per_owner_.clear();
  size_ = 0;
  return out;
}

std::vector<WrappedHandle> HandleTable::release_owner(std::uint32_t owner) {
  std::lock_guard lock(mutex_);
  std::vector<WrappedHandle> out;
  for (Slot &slot : slots_)
    if (slot.handle && slot.handle->owner == owner && !slot.handle->released) {
      out.push_back(*slot.handle);
      slot.handle->released = true;
    }
  return out;
}

std::size_t HandleTable::size() const {
  std::lock_guard lock(mutex_);
  return size_;
}

// HostHandles ---------------------------------------------------------------

namespace {

// A component with, for each binding resource `r<i>`, an export `read-<i>`
// taking borrow<r<i>> that passes it to the host function `rep-<i>`.
std::string reader_component(std::size_t count) {
  std::string imports, core_imports, core_funcs, lowered, instance, lifted;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string n = std::to_string(i);
    imports += "(import \"r" + n + "\" (type $r" + n + " (sub resource)))\n";
    imports += "(import \"rep-" + n + "\" (func $rep" + n + " (param \"h\" (borrow $r" + n +
               ")) (result u32)))\n";
    lowered += "(core func $low" + n + " (canon lower (func $rep" + n + ")))\n";
    lowered += "(core func $drop" + n + " (canon resource.drop $r" + n + "))\n";
    core_imports +=
        "(import \"h\" \"rep-" + n + "\" (func $rep" + n + " (param i32) (result i32)))\n";
    core_imports += "(import \"h\" \"drop-" + n + "\" (func $drop" + n + " (param i32)))\n";
    // A borrow received must be dropped before the call returns.
    core_funcs += "(func (export \"read-" + n + "\") (param i32) (result i32) (call $rep" + n +
                  " (local.get 0)) (call $drop" + n + " (local.get 0)))\n";
    instance += "(export \"rep-" + n + "\" (func $low" + n + "))";
    instance += "(export \"drop-" + n + "\" (func $drop" + n + "))";
    lifted += "(func (export \"read-" + n + "\") (param \"h\" (borrow $r" + n +
              ")) (result u32) (canon lift (core func $i \"read-" + n + "\")))\n";
  }
  return "(component\n" + imports + lowered + "(core module $m\n" + core_imports + core_funcs +
         ")\n(core instance $i (instantiate $m (with \"h\" (instance " + instance + "))))\n" +
         lifted + ")";
}

} // namespace

Result<std::unique_ptr<HostHandles>>
HostHandles::create(const wasmtime::Engine &engine, const std::vector<BindingResource> &resources) {
  std::unique_ptr<HostHandles> out(new HostHandles(engine));
  auto fail = [](const std::string &why) {
    return Error(Error::Kind::binding, "cannot set up the host's resource handles: " + why);
  };
  const std::string text = reader_component(resources.size());
  wasmtime::Engine own_engine = engine;
  auto component = wasmtime::component::Component::compile(own_engine, std::string_view(text));
  if (!component)
    return fail(component.err().message());
  out->component_ = component.ok();
  {
    auto root = out->linker_.root();
    for (std::size_t i = 0; i < resources.size(); ++i) {
      const std::string n = std::to_string(i);
      out->host_types_.push_back(resources[i].host_type);
      auto added =
          root.add_resource("r" + n, wasmtime::component::ResourceType(resources[i].host_type),
                            [](wasmtime::Store::Context, std::uint32_t) {
                              return wasmtime::Result<std::monostate>(std::monostate());
                            });
      if (!added)
        return fail(added.err().message());
      added = root.add_func("rep-" + n,
                            [](wasmtime::Store::Context cx, const wasmtime::component::FuncType &,
                               wasmtime::Span<Val> args,
                               wasmtime::Span<Val> results) -> wasmtime::Result<std::monostate> {
                              auto host = args[0].get_resource().to_host(cx);
                              if (!host)
                                return host.err();
                              results[0] = Val(host.ok_ref().rep());
                              return std::monostate();
                            });
      if (!added)
        return fail(added.err().message());
    }
  }
  if (auto started = out->instantiate(); !started)
    return fail(started.err().message());
  return out;
}

Result<std::monostate> HostHandles::instantiate() {
  refuel();
  auto instance = linker_.instantiate(store_.context(), *component_);
  if (!instance)
    return Error(Error::Kind::instantiate, instance.err().message());
  readers_.clear();
  for (std::size_t i = 0; i < host_types_.size(); ++i) {
    auto index = component_->export_index(nullptr, "read-" + std::to_string(i));
    readers_.push_back(*instance.ok_ref().get_func(store_.context(), *index));
  }
  return std::monostate();
}

void HostHandles::refuel() {
  // No plugin code runs here, but an engine with fuel or epochs would stop
  // the reader at once without a budget.
  auto cx = store_.context();
  (void)cx.set_fuel(std::numeric_limits<std::uint64_t>::max() / 2);
  cx.set_epoch_deadline(std::uint64_t{1} << 62);
}

Result<std::uint32_t, DispatchError>
HostHandles::rep(const wasmtime::component::ResourceAny &handle, std::size_t resource, bool take) {
  if (!(handle.type() == wasmtime::component::ResourceType(host_types_[resource])))
    return DispatchError::invalid_resource_handle(
        "the handle is not one this binding gave out for this resource");
  std::lock_guard lock(mutex_);
  auto cx = store_.context();
  if (take) {
    auto host = handle.to_host(cx);
    if (!host)
      return DispatchError::invalid_resource_handle("the handle was already dropped or given away");
    return host.ok_ref().rep();
  }
  refuel();
  Val arg(handle), result(std::uint32_t{0});
  auto called = readers_[resource].call(cx, wasmtime::Span<const Val>(&arg, 1),
                                        wasmtime::Span<Val>(&result, 1));
  // A stale handle fails as the argument is lowered, before the reader is
  // entered, so the reader stays usable: making a fresh one per refusal (which
  // each stayed in the store until the binding went) is not needed.
  if (!called)
    return DispatchError::invalid_resource_handle("the handle was already dropped or given away");
  return result.get_u32();
}

Result<Val, DispatchError> HostHandles::issue(std::uint32_t rep, std::size_t resource) {
  std::lock_guard lock(mutex_);
  auto any =
      wasmtime::component::ResourceHost(true, rep, host_types_[resource]).to_any(store_.context());
  if (!any)
    return DispatchError::resource_handle_conversion_failed(any.err().message());
  return Val(any.ok());
}

} // namespace wasm_link::detail
