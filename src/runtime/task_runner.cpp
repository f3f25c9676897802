#include "tessera/runtime/task_runner.hpp"

#include <chrono>

#include "tessera/error.hpp"

namespace tessera {

std::variant<protocol::Done, protocol::Failure> run_task(const KernelRegistry& kernels, const protocol::TaskMessage& task,
                                                         const std::vector<ValuePtr>& inputs, ResultStore& store, int rank) {
  const auto start = std::chrono::steady_clock::now();
  try {
    const Kernel& kernel = kernels.find(task.kernel);
    auto value = std::make_shared<const Value>(kernel(KernelContext{task.params, inputs, rank}));
    const std::uint64_t bytes = value->bytes();
    store.put(task.key, std::move(value));
    store.count_task_run();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return protocol::Done{task.key, bytes, seconds};
  } catch (const InputError& e) {
    return protocol::Failure{task.key, task.kernel, e.what(), true};
  } catch (const std::exception& e) {
    return protocol::Failure{task.key, task.kernel, e.what(), false};
  } catch (...) {
    return protocol::Failure{task.key, task.kernel, "unknown exception", false};
  }
}

}  // namespace tessera
