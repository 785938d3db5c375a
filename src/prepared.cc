// Host dispatch: Binding::prepare resolves a function once, and PreparedCall
// calls it in the binding's plugins; Binding::dispatch is both in one.
#include <wasm_link/binding.hh>

#include "binding_state.hh"

#include <algorithm>

namespace wasm_link {
namespace {

// Handles on the host's side live in the binding's own store (HostHandles).
class HostSide final : public detail::HandleSide {
public:
  explicit HostSide(const detail::BindingState &binding) : binding_(binding) {}

  Result<std::uint32_t, DispatchError> rep(const wasmtime::component::ResourceAny &handle,
                                           std::size_t resource, bool take) override {
    detail::HostHandles *host = binding_.host();
    if (host == nullptr)
      return DispatchError::invalid_resource_handle("the binding has given out no handles");
    return host->rep(handle, resource, take);
  }
  Result<Val, DispatchError> issue(std::uint32_t rep, std::size_t resource) override {
    // Wrapping a result needs resources and a plugin, which made the host's store.
    return binding_.host()->issue(rep, resource);
  }
  detail::Caller caller() const noexcept override { return detail::Caller::host; }

private:
  const detail::BindingState &binding_;
};

// Outcomes with a copy of each id, as Binding::dispatch gives them.
Result<DispatchResults, DispatchError> with_own_ids(Result<Outcomes, DispatchError> outcomes) {
  if (!outcomes)
    return outcomes.err();
  std::vector<PluginResult> results;
  results.reserve(outcomes.ok_ref().size());
  for (Outcome &outcome : outcomes.ok_ref())
    results.push_back({std::string(outcome.id), std::move(outcome.result)});
  return DispatchResults(std::move(results));
}

// Calls function `slot` (`interface`.`function`, the binding's own strings) in
// the binding's plugins, or in plugin `*only`.
Result<Outcomes, DispatchError> call_slot(const detail::BindingState &state, std::size_t slot,
                                          std::string_view interface, std::string_view function,
                                          std::span<const Val> args, const std::string_view *only) {
  // The plugins before or after any change made meanwhile, not a mix.
  const detail::ReadSection section;
  const detail::Roster &roster = state.roster(section);
  const auto &plugs = roster.plugs;
  if (plugs.empty())
    return Outcomes();
  HostSide side(state);
  auto one = [&](const detail::PlugState &plug, std::span<const Val> call_args,
                 detail::Arguments arguments, detail::ArgumentHandles *handles) {
    return Outcome{plug.id, detail::call(state, plug, interface, function, slot, call_args,
                                         arguments, side, handles)};
  };
  const detail::Export &reference = plugs.front().export_of(slot);
  if (!reference.unwraps_arguments) {
    if (only != nullptr) {
      const detail::PlugState *plug = roster.by_id(*only);
      if (plug == nullptr)
        return Outcomes();
      return Outcomes(one(*plug, args, detail::Arguments::checked, nullptr));
    }
    if (plugs.size() == 1)
      return Outcomes(one(plugs.front(), args, detail::Arguments::checked, nullptr));
    return Outcomes(state.fan_out.run<Outcome>(slot, plugs.size(), [&](std::size_t i) {
      return one(plugs[i], args, detail::Arguments::checked, nullptr);
    }));
  }

  // Handles among the arguments: the call goes to the plugin that owns them.
  const bool method = reference.metadata->kind == FunctionKind::method;
  for (std::size_t i = 0; i < args.size() && i < reference.params.size(); ++i)
    if (auto why = (*reference.checks)[i].mismatch(args[i]))
      return DispatchError::invalid_argument_list(
          "`" + state.path(interface) + "`.`" + std::string(function) + "`: argument " +
          std::to_string(i) + " `" + reference.params[i].first + "`: " + *why);
  auto handles = detail::read_handles(state, roster, slot, args, side);
  if (!handles)
    return handles.err();
  const auto owner = handles.ok_ref().owner;
  if (method && !owner)
    return DispatchError::invalid_resource_handle("a method needs a handle as `self`");
  std::vector<Outcome> outcomes;
  for (const auto &plug : plugs) {
    if (only != nullptr && plug.id != *only)
      continue;
    if (owner != nullptr && owner->key != plug.key) {
      if (!method || only != nullptr)
        outcomes.push_back(
            {plug.id, CallResult(DispatchError::invalid_resource_handle(
                          "the handles passed belong to plugin `" + owner->id + "`"))});
      continue;
    }
    // The arguments were checked above (call() still checks their count).
    outcomes.push_back(
        one(plug, handles.ok_ref().args, detail::Arguments::unchecked, &handles.ok_ref()));
  }
  return Outcomes(std::move(outcomes));
}

// Binding::dispatch and dispatch_to: prepare() and a call, without a handle on
// the state to copy.
Result<DispatchResults, DispatchError>
dispatch_named(const detail::BindingState &state, std::string_view interface,
               std::string_view function, std::span<const Val> args, const std::string_view *only) {
  auto slot = state.slot_of(interface, function);
  if (!slot)
    return slot.err();
  const auto &[index, own_interface, own_function] = slot.ok_ref();
  return with_own_ids(call_slot(state, index, own_interface, own_function, args, only));
}

} // namespace

const CallResult *Outcomes::find(std::string_view id) const noexcept {
  auto it = std::lower_bound(begin(), end(), id,
                             [](const Outcome &o, std::string_view id) { return o.id < id; });
  return it != end() && it->id == id ? &it->result : nullptr;
}

Result<PreparedCall, DispatchError> Binding::prepare(std::string_view interface,
                                                     std::string_view function) const {
  auto slot = state_->slot_of(interface, function);
  if (!slot)
    return slot.err();
  return PreparedCall(state_, slot.ok().index, slot.ok().interface, slot.ok().function);
}

Result<DispatchResults, DispatchError> Binding::dispatch(std::string_view interface,
                                                         std::string_view function,
                                                         std::span<const Val> args) const {
  return dispatch_named(*state_, interface, function, args, nullptr);
}

Result<DispatchResults, DispatchError> Binding::dispatch_to(std::string_view plugin,
                                                            std::string_view interface,
                                                            std::string_view function,
                                                            std::span<const Val> args) const {
  return dispatch_named(*state_, interface, function, args, &plugin);
}

Result<Outcomes, DispatchError> PreparedCall::operator()(std::span<const Val> args) const {
  return call(args, nullptr);
}

Result<Outcomes, DispatchError> PreparedCall::to(std::string_view plugin,
                                                 std::span<const Val> args) const {
  return call(args, &plugin);
}

Result<Outcomes, DispatchError> PreparedCall::call(std::span<const Val> args,
                                                   const std::string_view *only) const {
  return call_slot(*state_, slot_, interface_, function_, args, only);
}

} // namespace wasm_link
