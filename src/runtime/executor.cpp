#include "tessera/runtime/executor.hpp"

#include <array>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>
#include <utility>

#include "tessera/core/trace.hpp"
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

  /// A copy, owned with the threads: a thread still inside a kernel when the Executor is
  /// destroyed (and detached) must not outlive the registry its kernel lives in.
  const KernelRegistry kernels;
  const int rank;
  ResultStore store;
  Checkpoint checkpoint;
  std::mutex mutex;
  std::condition_variable outcome_cv;
  std::array<LaneState, lane_count> lanes;
  protocol::Report outcomes;
  bool stopping = false;

  void loop(LaneState& lane) {
    // No HDF5 call here, not even to silence its error printing (main did that, and in the
    // non-thread-safe build it is a global setting): HDF5 may only run on one thread at a time,
    // and on a worker that thread is the io lane, inside its kernels.
    std::unique_lock lock(mutex);
    for (;;) {
      lane.work_cv.wait(lock, [&] { return stopping || !lane.queue.empty(); });
      if (stopping) return;
      Ready ready = std::move(const_cast<Ready&>(lane.queue.top()));
      lane.queue.pop();
      lane.running = true;
      lock.unlock();
      auto outcome = run_task(kernels, ready.task, ready.inputs, store, checkpoint, rank);
      ready.inputs.clear();  // drop fetched inputs before reporting, so their memory is free
      lock.lock();
      lane.running = false;
      if (stopping) {
        outcome_cv.notify_all();  // the destructor may be waiting for this lane to finish
        return;
      }
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
  for (int i = 0; i < lane_count; ++i) {
    auto& lane = shared_->lanes[static_cast<std::size_t>(i)];
    const auto track = static_cast<Lane>(i) == Lane::io ? trace::Track::io : trace::Track::compute;
    lane.thread = std::thread([shared = shared_, &lane, track] {
      trace::Recorder::set_thread_track(track);
      shared->loop(lane);
    });
  }
}

Executor::~Executor() {
  std::unique_lock lock(shared_->mutex);
  shared_->stopping = true;
  for (auto& lane : shared_->lanes) lane.work_cv.notify_all();
  // An io kernel (an HDF5 read) is given time to finish: MPI_Finalize shuts HDF5 down, which must
  // not happen under a running read. Reads take milliseconds; compute kernels may take hours and
  // touch nothing global, so they are not waited for.
  auto& io = shared_->lanes[static_cast<std::size_t>(Lane::io)];
  shared_->outcome_cv.wait_for(lock, std::chrono::seconds(10), [&] { return !io.running; });
  std::array<bool, lane_count> busy{};
  for (int i = 0; i < lane_count; ++i) busy[i] = shared_->lanes[i].running;
  lock.unlock();
  for (int i = 0; i < lane_count; ++i) {
    if (busy[i])
      shared_->lanes[i].thread.detach();  // still inside a long kernel as the job ends
    else
      shared_->lanes[i].thread.join();
  }
}

ResultStore& Executor::store() { return shared_->store; }
Checkpoint& Executor::checkpoint() { return shared_->checkpoint; }

void Executor::submit(protocol::TaskMessage task, std::vector<ValuePtr> inputs) {
  // A stored result is a read: the io lane's, like a chunk read.
  const Lane lane_of_task = task.from_store ? Lane::io : shared_->kernels.lane(task.kernel);
  auto& lane = shared_->lanes[static_cast<std::size_t>(lane_of_task)];
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

bool Executor::drop_queued() {
  std::lock_guard lock(shared_->mutex);
  bool running = false;
  for (auto& lane : shared_->lanes) {
    lane.queue = {};
    running |= lane.running;
  }
  return running;
}

bool Executor::idle() const {
  std::lock_guard lock(shared_->mutex);
  for (const auto& lane : shared_->lanes)
    if (lane.running || !lane.queue.empty()) return false;
  return true;
}

void Executor::cancel_queued() {
  std::lock_guard lock(shared_->mutex);
  for (auto& lane : shared_->lanes) lane.queue = {};
  shared_->stopping = true;
}

}  // namespace tessera
