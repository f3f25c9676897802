#pragma once
/// @file
/// A worker's task threads, one per lane (compute, io), each running its ready tasks in priority
/// order, while the communication thread (the rank's main thread, the only one that calls MPI)
/// keeps answering messages. HDF5 is not thread-safe, so only the io lane touches it on a worker.
#include <chrono>
#include <memory>

#include "tessera/core/kernel_registry.hpp"
#include "tessera/runtime/checkpoint.hpp"
#include "tessera/runtime/protocol.hpp"
#include "tessera/runtime/result_store.hpp"

namespace tessera {

class Executor {
 public:
  /// Keeps its own copy of `kernels`, which its threads share.
  Executor(const KernelRegistry& kernels, int rank);
  /// Joins idle threads. A thread still inside a kernel is detached: it co-owns everything it
  /// touches, so it can finish safely after this object is gone (the process is ending).
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Where finished tasks' results are kept.
  ResultStore& store();
  /// This rank's side of the checkpoint store (unconfigured: nothing is written).
  Checkpoint& checkpoint();
  void submit(protocol::TaskMessage task, std::vector<ValuePtr> inputs);
  /// Moves finished outcomes into `report`; true if there were any.
  bool collect(protocol::Report& report);
  /// Blocks until an outcome is ready or `timeout` has passed (zero: yield once).
  void wait_for_outcome(std::chrono::microseconds timeout);
  /// Drops queued tasks and stops taking new ones.
  void cancel_queued();
  /// Drops queued tasks; those running finish and report as usual. True if any is running.
  bool drop_queued();
  /// Nothing running or queued.
  bool idle() const;

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace tessera
