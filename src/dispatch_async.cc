// The host's asynchronous dispatch: Binding::dispatch on an executor's worker,
// its outcome delivered through a future.
#include <wasm_link/binding.hh>

#include <string>
#include <vector>

namespace wasm_link {
namespace {

using Dispatched = Result<DispatchResults, DispatchError>;

// Runs `dispatch` on one of `executor`'s workers; the future gets what it
// returns, or executor-unavailable when it never runs.
std::future<Dispatched> on_executor(Executor &executor, std::function<Dispatched()> dispatch) {
  auto promise = std::make_shared<std::promise<Dispatched>>();
  std::future<Dispatched> future = promise->get_future();
  const bool queued =
      executor.submit([promise, dispatch = std::move(dispatch)] { promise->set_value(dispatch()); },
                      [promise] {
                        promise->set_value(DispatchError::executor_unavailable(
                            "the executor shut down before the dispatch started"));
                      });
  if (!queued)
    promise->set_value(DispatchError::executor_unavailable("the executor is shut down"));
  return future;
}

} // namespace

std::future<Dispatched> Binding::dispatch_async(Executor &executor, std::string_view interface,
                                                std::string_view function,
                                                std::span<const Val> args) const {
  return on_executor(executor, [binding = *this, interface = std::string(interface),
                                function = std::string(function),
                                args = std::vector<Val>(args.begin(), args.end())] {
    return binding.dispatch(interface, function, args);
  });
}

std::future<Dispatched> Binding::dispatch_to_async(Executor &executor, std::string_view plugin,
                                                   std::string_view interface,
                                                   std::string_view function,
                                                   std::span<const Val> args) const {
  return on_executor(executor,
                     [binding = *this, plugin = std::string(plugin),
                      interface = std::string(interface), function = std::string(function),
                      args = std::vector<Val>(args.begin(), args.end())] {
                       return binding.dispatch_to(plugin, interface, function, args);
                     });
}

} // namespace wasm_link
