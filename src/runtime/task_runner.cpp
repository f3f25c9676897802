#include "tessera/runtime/task_runner.hpp"

#include "tessera/core/trace.hpp"
#include "tessera/error.hpp"

namespace tessera {

std::variant<protocol::Done, protocol::Failure> run_task(const KernelRegistry& kernels, const protocol::TaskMessage& task,
                                                         const std::vector<ValuePtr>& inputs, ResultStore& store,
                                                         Checkpoint& checkpoint, int rank) {
  const bool io = task.from_store || kernels.lane(task.kernel) == Lane::io;
  trace::Span span(io ? trace::Track::io : trace::Track::compute, task.from_store ? trace::Kind::store_read : trace::Kind::task,
                   task.kernel);
  // The span's clock times the task for the report too: one clock read at its start, not two.
  const auto seconds = [&] {
    return static_cast<double>(trace::Recorder::instance().now_ns() - span.event.start_ns) * 1e-9;
  };
  span.event.key = task.key;
  span.event.chunk = task.chunk;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i]) span.event.bytes_in += inputs[i]->bytes();
    auto& count = task.inputs[i].holder == rank ? span.event.inputs_local : span.event.inputs_fetched;
    if (count < 255) ++count;
  }
  if (task.from_store) {
    try {
      auto value = std::make_shared<const Value>(checkpoint.load(task.key, task.stored));
      const std::uint64_t bytes = value->bytes();
      span.event.bytes_out = bytes;
      store.put(task.key, std::move(value));
      return protocol::Done{task.key, bytes, seconds(), true};
    } catch (const std::exception& e) {
      protocol::Failure stale{task.key, task.kernel, e.what(), false};
      stale.stale = true;
      return stale;
    }
  }
  try {
    const Kernel& kernel = kernels.find(task.kernel);
    auto value = std::make_shared<const Value>(kernel(KernelContext{task.params, inputs, rank}));
    const std::uint64_t bytes = value->bytes();
    span.event.bytes_out = bytes;
    if (task.keep) checkpoint.keep(task.key, value);
    store.put(task.key, std::move(value));
    store.count_task_run();
    return protocol::Done{task.key, bytes, seconds()};
  } catch (const InputError& e) {
    return protocol::Failure{task.key, task.kernel, e.what(), true};
  } catch (const std::exception& e) {
    return protocol::Failure{task.key, task.kernel, e.what(), false};
  } catch (...) {
    return protocol::Failure{task.key, task.kernel, "unknown exception", false};
  }
}

}  // namespace tessera
