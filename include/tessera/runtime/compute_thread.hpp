#pragma once
/// @file
/// A worker's compute thread: runs ready tasks in priority order while the communication thread
/// (the rank's main thread, the only one that calls MPI) keeps answering messages.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>

#include "tessera/runtime/kernel_registry.hpp"
#include "tessera/runtime/protocol.hpp"
#include "tessera/runtime/result_store.hpp"

namespace tessera {

class ComputeThread {
 public:
  ComputeThread(const KernelRegistry& kernels, ResultStore& store, int rank);
  /// Joins the thread if it is idle; a thread stuck in a kernel is detached (the process is ending).
  ~ComputeThread();
  ComputeThread(const ComputeThread&) = delete;
  ComputeThread& operator=(const ComputeThread&) = delete;

  void submit(protocol::TaskMessage task, std::vector<ValuePtr> inputs);
  /// Moves finished outcomes into `report`; true if there were any.
  bool collect(protocol::Report& report);
  /// Blocks until an outcome is ready or `timeout` has passed (zero: yield once).
  void wait_for_outcome(std::chrono::microseconds timeout);
  /// Drops queued tasks and stops taking new ones.
  void cancel_queued();
  bool running_a_task() const;

 private:
  struct Ready {
    protocol::TaskMessage task;
    std::vector<ValuePtr> inputs;
  };
  struct LaterFirst {
    bool operator()(const Ready& a, const Ready& b) const { return a.task.priority > b.task.priority; }
  };
  void loop();

  const KernelRegistry& kernels_;
  ResultStore& store_;
  const int rank_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_, outcome_cv_;
  std::priority_queue<Ready, std::vector<Ready>, LaterFirst> queue_;
  protocol::Report outcomes_;
  bool stopping_ = false, running_ = false;
  std::thread thread_;
};

}  // namespace tessera
