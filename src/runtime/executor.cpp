#include "tessera/runtime/executor.hpp"

#include <array>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>
#include <utility>

#include "tessera/io/hdf5.hpp"
#include "tessera/runtime/task_runner.hpp"

namespace tessera {

struct Executor::Shared {
  struct Ready {
    protocol::TaskMessage task;
    std::vector<ValuePtr> inputs;
  };
  struct LaterFirst {
    bool operator()(const Ready& a, const Ready& b) const { return a.task.priority > b.task.priority; }
  };
  struct LaneState {
    std::priority_queue<Ready, std::vector<Ready>, LaterFirst> queue;
    std::condition_variable work_cv;
    bool running = false;
    std::thread thread;
  };

  /// Results per report before the communication thread is woken anyway.
  static constexpr std::size_t report_batch = 32;

  Shared(const KernelRegistry& k, int r) : kernels(k), rank(r) {}

  const KernelRegistry& kernels;
  const int rank;
  ResultStore store;
  std::mutex mutex;
  std::condition_variable outcome_cv;
  std::array<LaneState, lane_count> lanes;
  protocol::Report outcomes;
  bool stopping = false;

  void loop(LaneState& lane) {
    hdf5::silence_errors_on_this_thread();
    std::unique_lock lock(mutex);
    for (;;) {
      lane.work_cv.wait(lock, [&] { return stopping || !lane.queue.empty(); });
      if (stopping) return;
      Ready ready = std::move(const_cast<Ready&>(lane.queue.top()));
      lane.queue.pop();
      lane.running = true;
      lock.unlock();
      auto outcome = run_task(kernels, ready.task, ready.inputs, store, rank);
      ready.inputs.clear();  // drop fetched inputs before reporting, so their memory is free
      lock.lock();
      lane.running = false;
      const bool failed = std::holds_alternative<protocol::Failure>(outcome);
      if (failed)
        outcomes.failed.push_back(std::get<protocol::Failure>(outcome));
      else
        outcomes.done.push_back(std::get<protocol::Done>(outcome));
      // Wake the communication thread when a lane runs dry, on a failure, or every so many
      // results: one report then carries many tasks, while a chain of dependent tasks (where
      // the queue is always empty) still reports each one at once.
      if (failed || lane.queue.empty() || outcomes.done.size() >= report_batch) outcome_cv.notify_one();
    }
  }
};

Executor::Executor(const KernelRegistry& kernels, int rank) : shared_(std::make_shared<Shared>(kernels, rank)) {
  for (auto& lane : shared_->lanes) lane.thread = std::thread([shared = shared_, &lane] { shared->loop(lane); });
}

Executor::~Executor() {
  std::array<bool, lane_count> busy{};
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    for (int i = 0; i < lane_count; ++i) busy[i] = shared_->lanes[i].running;
  }
  for (int i = 0; i < lane_count; ++i) {
    auto& lane = shared_->lanes[i];
    lane.work_cv.notify_all();
    if (busy[i])
      lane.thread.detach();  // stuck in a long kernel while the job ends: do not wait for it
    else
      lane.thread.join();
  }
}

ResultStore& Executor::store() { return shared_->store; }

void Executor::submit(protocol::TaskMessage task, std::vector<ValuePtr> inputs) {
  auto& lane = shared_->lanes[static_cast<std::size_t>(shared_->kernels.lane(task.kernel))];
  {
    std::lock_guard lock(shared_->mutex);
    lane.queue.push(Shared::Ready{std::move(task), std::move(inputs)});
  }
  lane.work_cv.notify_one();
}

bool Executor::collect(protocol::Report& report) {
  std::lock_guard lock(shared_->mutex);
  if (shared_->outcomes.empty()) return false;
  report = std::exchange(shared_->outcomes, {});
  return true;
}

void Executor::wait_for_outcome(std::chrono::microseconds timeout) {
  if (timeout.count() == 0) {
    std::this_thread::yield();
    return;
  }
  std::unique_lock lock(shared_->mutex);
  shared_->outcome_cv.wait_for(lock, timeout, [this] { return !shared_->outcomes.empty(); });
}

void Executor::cancel_queued() {
  std::lock_guard lock(shared_->mutex);
  for (auto& lane : shared_->lanes) lane.queue = {};
  shared_->stopping = true;
}

}  // namespace tessera
