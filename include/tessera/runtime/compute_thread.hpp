#pragma once
/// @file
/// A worker's compute thread: runs ready tasks in priority order while the communication thread
/// (the rank's main thread, the only one that calls MPI) keeps answering messages.
#include <chrono>
#include <memory>

#include "tessera/runtime/kernel_registry.hpp"
#include "tessera/runtime/protocol.hpp"
#include "tessera/runtime/result_store.hpp"

namespace tessera {

class ComputeThread {
 public:
  /// `kernels` must outlive the thread (registries live for the whole program).
  ComputeThread(const KernelRegistry& kernels, int rank);
  /// Joins the thread if it is idle. A thread still inside a kernel is detached: it co-owns
  /// everything it touches, so it can finish safely after this object is gone.
  ~ComputeThread();
  ComputeThread(const ComputeThread&) = delete;
  ComputeThread& operator=(const ComputeThread&) = delete;

  /// Where finished tasks' results are kept.
  ResultStore& store();
  void submit(protocol::TaskMessage task, std::vector<ValuePtr> inputs);
  /// Moves finished outcomes into `report`; true if there were any.
  bool collect(protocol::Report& report);
  /// Blocks until an outcome is ready or `timeout` has passed (zero: yield once).
  void wait_for_outcome(std::chrono::microseconds timeout);
  /// Drops queued tasks and stops taking new ones.
  void cancel_queued();

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace tessera
