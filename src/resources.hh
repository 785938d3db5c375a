// Resources across plugins (docs/ABI.md, "Resources across plugins"): which
// resource of a binding a component's resource type stands for, the table of
// guest handles the runtime has wrapped, and the host's side of those handles.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>
#include <wasm_link/dispatch_error.hh>
#include <wasm_link/error.hh>
#include <wasm_link/value.hh>
#include <wasmtime.hh>
#include <wasmtime/component.hh>

namespace wasm_link::detail {

// A resource type of a binding's interfaces, and the host resource type its
// wrapped handles have in consumers and in the host's store.
struct BindingResource {
  std::string interface;
  std::string name;
  std::uint32_t host_type;
};

// A host resource type id no other binding uses.
std::uint32_t fresh_host_type();

// Which binding resource (an index into BindingState::resources) each resource
// type of one component stands for. Component types name resources per
// component, so two plugins' types compare equal only through this.
class ResourceNames {
public:
  void add(const wasmtime::component::ResourceType &type, std::size_t resource);
  std::optional<std::size_t> find(const wasmtime::component::ResourceType &type) const;
  bool empty() const noexcept { return entries_.empty(); }

private:
  std::vector<std::pair<wasmtime::component::ResourceType, std::size_t>> entries_;
};

// Structural equality where own<R> and borrow<R> match when both sides' R stand
// for the same binding resource. Where a side's names are not known (an
// interface written by hand), own and borrow match any resource.
bool equivalent(const ValType &a, const ResourceNames *a_names, const ValType &b,
                const ResourceNames *b_names);
// Which parts of a function type can hold handles: each parameter, then the
// result.
std::vector<bool> handle_positions(const wasmtime::component::FuncType &type);
// Function types equivalent as above; `a_handles` is handle_positions(a).
bool equivalent(const wasmtime::component::FuncType &a, const ResourceNames *a_names,
                const std::vector<bool> &a_handles, const wasmtime::component::FuncType &b,
                const ResourceNames *b_names);
// Whether a value of `type` can hold a resource handle.
bool holds_handles(const ValType &type);
// The WIT name of a future, stream or error-context type inside `type`.
std::optional<std::string> unsupported_part(const ValType &type);

// Calls `visit(slot, type)` on every handle inside `value`, whose type is
// `type`, with the own<R> or borrow<R> type of its position; `visit` may
// replace the handle in place. Stops at the first error.
using HandleVisitor =
    std::function<std::optional<DispatchError>(Val &slot, const ValType &handle_type)>;
std::optional<DispatchError> visit_handles(Val &value, const ValType &type,
                                           const HandleVisitor &visit);

// A guest handle the runtime holds for a consumer or the host.
struct WrappedHandle {
  std::uint32_t owner;      // PlugState::key
  std::uint64_t generation; // the owner's instance when it was wrapped
  std::size_t resource;     // index into BindingState::resources
  wasmtime::component::ResourceAny guest;
  // The owner left the binding and `guest` was dropped in it (release_owner):
  // the wrapper stays, to say so, until the holder drops it.
  bool released = false;
};

// Wrapped handles by rep: the rep given out (as a host resource) is a slot
// index and a tag that changes each time the slot is reused, so a stale rep
// finds nothing. Each owner may hold up to its Limits::max_resource_handles.
class HandleTable {
public:
  static constexpr std::uint32_t max_slots = (1u << 20) - 1;

  Result<std::uint32_t, DispatchError> insert(WrappedHandle handle, std::uint32_t owner_cap);
  // Whose handle `rep` is, without copying the guest handle.
  struct Owner {
    std::uint32_t owner;
    std::uint64_t generation;
    std::size_t resource;
  };
  std::optional<Owner> owner_of(std::uint32_t rep) const;
  // A copy of the entry (sharing the guest handle), or nothing.
  std::optional<WrappedHandle> find(std::uint32_t rep) const;
  std::optional<WrappedHandle> take(std::uint32_t rep);
  std::vector<WrappedHandle> take_all();
  // Marks the handles of `owner` released and gives their guest handles, to be
  // dropped in the owner (see WrappedHandle::released).
  std::vector<WrappedHandle> release_owner(std::uint32_t owner);
  std::size_t size() const;

private:
  struct Slot {
    std::optional<WrappedHandle> handle;
    std::uint32_t tag = 0;
  };
  std::optional<std::uint32_t> index_of(std::uint32_t rep) const;

  mutable std::mutex mutex_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::vector<std::uint32_t> per_owner_;
  std::size_t size_ = 0;
};

// The host's side of a binding's wrapped handles: a store of the binding's own
// in which Binding::dispatch gives the host its handles, and a small component
// that reads a handle's rep without taking it. (Wasmtime's C API reads a host
// resource's rep only by taking the handle, which a method call must not do to
// the host's `self`; calling a function with a borrow parameter reads it.)
class HostHandles {
public:
  static Result<std::unique_ptr<HostHandles>> create(const wasmtime::Engine &engine,
                                                     const std::vector<BindingResource> &resources);

  // The rep of a handle the host passed for binding resource `resource`: taken
  // when the host gives ownership away (`take`), read otherwise.
  Result<std::uint32_t, DispatchError> rep(const wasmtime::component::ResourceAny &handle,
                                           std::size_t resource, bool take);
  // A new owned handle for the host.
  Result<Val, DispatchError> issue(std::uint32_t rep, std::size_t resource);

private:
  explicit HostHandles(wasmtime::Engine engine) : store_(engine), linker_(engine) {}
  Result<std::monostate> instantiate();
  void refuel();

  std::mutex mutex_;
  wasmtime::Store store_;
  wasmtime::component::Linker linker_;
  std::optional<wasmtime::component::Component> component_;
  std::vector<wasmtime::component::Func> readers_;
  std::vector<std::uint32_t> host_types_;
};

} // namespace wasm_link::detail
