#include "tessera/runtime/compute_thread.hpp"

#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>
#include <utility>

#include "tessera/io/hdf5.hpp"
#include "tessera/runtime/task_runner.hpp"

namespace tessera {

struct ComputeThread::Shared {
  struct Ready {
    protocol::TaskMessage task;
    std::vector<ValuePtr> inputs;
  };
  struct LaterFirst {
    bool operator()(const Ready& a, const Ready& b) const { return a.task.priority > b.task.priority; }
  };

  static constexpr std::size_t report_batch = 32;

  Shared(const KernelRegistry& k, int r) : kernels(k), rank(r) {}

  const KernelRegistry& kernels;
  const int rank;
  ResultStore store;
  std::mutex mutex;
  std::condition_variable work_cv, outcome_cv;
  std::priority_queue<Ready, std::vector<Ready>, LaterFirst> queue;
  protocol::Report outcomes;
  bool stopping = false, running = false;
  std::thread thread;

  void loop() {
    hdf5::silence_errors_on_this_thread();
    std::unique_lock lock(mutex);
    for (;;) {
      work_cv.wait(lock, [this] { return stopping || !queue.empty(); });
      if (stopping) return;
      Ready ready = std::move(const_cast<Ready&>(queue.top()));
      queue.pop();
      running = true;
      lock.unlock();
      auto outcome = run_task(kernels, ready.task, ready.inputs, store, rank);
      ready.inputs.clear();  // drop fetched inputs before reporting, so their memory is free
      lock.lock();
      running = false;
      const bool failed = std::holds_alternative<protocol::Failure>(outcome);
      if (failed)
        outcomes.failed.push_back(std::get<protocol::Failure>(outcome));
      else
        outcomes.done.push_back(std::get<protocol::Done>(outcome));
      // Wake the communication thread when the queue runs dry, on a failure, or every so many
      // results: one report then carries many tasks, while a chain of dependent tasks (where
      // the queue is always empty) still reports each one at once.
      if (failed || queue.empty() || outcomes.done.size() >= report_batch) outcome_cv.notify_one();
    }
  }
};

ComputeThread::ComputeThread(const KernelRegistry& kernels, int rank) : shared_(std::make_shared<Shared>(kernels, rank)) {
  shared_->thread = std::thread([shared = shared_] { shared->loop(); });
}

ComputeThread::~ComputeThread() {
  bool busy;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    busy = shared_->running;
  }
  shared_->work_cv.notify_all();
  if (busy)
    shared_->thread.detach();  // stuck in a long kernel while the job ends: do not wait for it
  else
    shared_->thread.join();
}

ResultStore& ComputeThread::store() { return shared_->store; }

void ComputeThread::submit(protocol::TaskMessage task, std::vector<ValuePtr> inputs) {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->queue.push(Shared::Ready{std::move(task), std::move(inputs)});
  }
  shared_->work_cv.notify_one();
}

bool ComputeThread::collect(protocol::Report& report) {
  std::lock_guard lock(shared_->mutex);
  if (shared_->outcomes.empty()) return false;
  report = std::exchange(shared_->outcomes, {});
  return true;
}

void ComputeThread::wait_for_outcome(std::chrono::microseconds timeout) {
  if (timeout.count() == 0) {
    std::this_thread::yield();
    return;
  }
  std::unique_lock lock(shared_->mutex);
  shared_->outcome_cv.wait_for(lock, timeout, [this] { return !shared_->outcomes.empty(); });
}

void ComputeThread::cancel_queued() {
  std::lock_guard lock(shared_->mutex);
  shared_->queue = {};
  shared_->stopping = true;
}

}  // namespace tessera
