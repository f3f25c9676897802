#include "tessera/runtime/checkpoint.hpp"

#include "tessera/core/trace.hpp"
#include "tessera/error.hpp"

namespace tessera {

Checkpoint::~Checkpoint() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpoint::configure(const std::string& directory, const std::string& pack) {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) throw Error("checkpoint configured twice");
  directory_ = directory;
  pack_ = pack;
  thread_ = std::thread([this] { loop(); });
}

bool Checkpoint::enabled() const {
  std::lock_guard lock(mutex_);
  return !directory_.empty();
}

void Checkpoint::keep(const TaskKey& key, ValuePtr value) {
  {
    std::lock_guard lock(mutex_);
    if (directory_.empty() || failed_ || stopping_) return;
    queue_.emplace_back(key, std::move(value));
  }
  work_cv_.notify_one();
}

Value Checkpoint::load(const TaskKey& key, const PackLocation& location) const {
  std::string directory;
  {
    std::lock_guard lock(mutex_);
    directory = directory_;
  }
  if (directory.empty()) throw IoError("this rank was given no checkpoint directory");
  return read_pack_record(directory, key, location);
}

bool Checkpoint::flushed(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  // The run is ending: from now on write what is queued at once, not at the next interval.
  draining_ = true;
  work_cv_.notify_all();
  return idle_cv_.wait_until(lock, deadline, [&] { return (queue_.empty() && !writing_) || failed_; });
}

std::optional<std::string> Checkpoint::take_warning() {
  std::lock_guard lock(mutex_);
  return std::exchange(warning_, std::nullopt);
}

std::uint64_t Checkpoint::stored() const {
  std::lock_guard lock(mutex_);
  return stored_;
}

void Checkpoint::loop() {
  trace::Recorder::set_thread_track(trace::Track::store);
  std::unique_ptr<PackWriter> writer;
  std::unique_lock lock(mutex_);
  auto next_flush = std::chrono::steady_clock::now();
  for (;;) {
    work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything written
    // Group commit: results that arrive within a flush interval share one fdatasync, and the
    // thread wakes a few times a second rather than once per result (a drain or the end of the
    // job does not wait for the interval).
    work_cv_.wait_until(lock, next_flush, [&] { return stopping_ || draining_; });
    // Everything queued goes out as one batch with one flush: few fdatasyncs, however many results.
    auto batch = std::exchange(queue_, {});
    writing_ = true;
    lock.unlock();
    std::optional<std::string> failure;
    const std::size_t count = batch.size();
    try {
      trace::Span span(trace::Kind::store_write, "store write");
      if (!writer) writer = std::make_unique<PackWriter>(directory_, pack_);
      for (const auto& [key, value] : batch) {
        writer->append(key, *value);
        span.event.bytes_out += value->bytes();
      }
      writer->flush();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    batch.clear();  // the values' memory goes before the lock is taken again
    lock.lock();
    writing_ = false;
    if (failure) {
      failed_ = true;
      queue_.clear();
      warning_ = "checkpoint: " + *failure + "; the job goes on without storing more results";
    } else {
      stored_ += count;
    }
    next_flush = std::chrono::steady_clock::now() + flush_interval;
    idle_cv_.notify_all();
    if (failed_) {
      // Keep the thread until stopping, so keep() stays a no-op and the destructor joins it.
      work_cv_.wait(lock, [&] { return stopping_; });
      return;
    }
  }
}

}  // namespace tessera
