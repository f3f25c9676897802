#pragma once
/// @file
/// Runs one task whose inputs are at hand and turns the outcome into a protocol message: the
/// same code on a worker's compute thread and on rank 0 when it runs alone.
#include <variant>

#include "tessera/core/kernel_registry.hpp"
#include "tessera/runtime/checkpoint.hpp"
#include "tessera/runtime/protocol.hpp"
#include "tessera/runtime/result_store.hpp"

namespace tessera {

/// Runs `task` with `inputs` (or reads its result from `checkpoint`, when the task says it is
/// stored), puts the result in `store` (and queues it for `checkpoint` when the task says keep),
/// and reports Done or Failure. Never throws: a kernel's exception becomes a Failure, a stored
/// result that cannot be read a stale one.
std::variant<protocol::Done, protocol::Failure> run_task(const KernelRegistry& kernels, const protocol::TaskMessage& task,
                                                         const std::vector<ValuePtr>& inputs, ResultStore& store,
                                                         Checkpoint& checkpoint, int rank);

}  // namespace tessera
