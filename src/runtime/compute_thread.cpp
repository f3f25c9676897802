#include "tessera/runtime/compute_thread.hpp"

#include "tessera/io/hdf5.hpp"
#include "tessera/runtime/task_runner.hpp"

namespace tessera {

ComputeThread::ComputeThread(const KernelRegistry& kernels, ResultStore& store, int rank)
    : kernels_(kernels), store_(store), rank_(rank), thread_([this] { loop(); }) {}

ComputeThread::~ComputeThread() {
  bool busy;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    busy = running_;
  }
  work_cv_.notify_all();
  if (busy)
    thread_.detach();  // stuck in a long kernel while the job is ending: do not wait for it
  else
    thread_.join();
}

void ComputeThread::submit(protocol::TaskMessage task, std::vector<ValuePtr> inputs) {
  {
    std::lock_guard lock(mutex_);
    queue_.push(Ready{std::move(task), std::move(inputs)});
  }
  work_cv_.notify_one();
}

bool ComputeThread::collect(protocol::Report& report) {
  std::lock_guard lock(mutex_);
  if (outcomes_.empty()) return false;
  report = std::move(outcomes_);
  outcomes_ = {};
  return true;
}

void ComputeThread::wait_for_outcome(std::chrono::microseconds timeout) {
  if (timeout.count() == 0) {
    std::this_thread::yield();
    return;
  }
  std::unique_lock lock(mutex_);
  outcome_cv_.wait_for(lock, timeout, [this] { return !outcomes_.empty(); });
}

void ComputeThread::cancel_queued() {
  std::lock_guard lock(mutex_);
  queue_ = {};
  stopping_ = true;
}

bool ComputeThread::running_a_task() const {
  std::lock_guard lock(mutex_);
  return running_;
}

void ComputeThread::loop() {
  hdf5::silence_errors_on_this_thread();
  std::unique_lock lock(mutex_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Ready ready = std::move(const_cast<Ready&>(queue_.top()));
    queue_.pop();
    running_ = true;
    lock.unlock();
    auto outcome = run_task(kernels_, ready.task, ready.inputs, store_, rank_);
    ready.inputs.clear();  // drop fetched inputs before reporting, so their memory is free
    lock.lock();
    running_ = false;
    if (auto* done = std::get_if<protocol::Done>(&outcome))
      outcomes_.done.push_back(*done);
    else
      outcomes_.failed.push_back(std::get<protocol::Failure>(outcome));
    outcome_cv_.notify_one();
  }
}

}  // namespace tessera
