#pragma once
/// @file
/// One rank's side of a checkpoint store: it writes the results it keeps to its own pack
/// (io/pack_file.hpp) on a thread of its own, off the compute path, and reads stored results back
/// when rank 0 says a task's result is in the store.
///
/// Writing is best effort: a store that fails (a full disk) costs the job nothing but the results
/// not stored. The first failure becomes one warning, and nothing more is written.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "tessera/core/value.hpp"
#include "tessera/graph/task.hpp"
#include "tessera/io/pack_file.hpp"

namespace tessera {

class Checkpoint {
 public:
  /// Results are flushed to disk (one fdatasync) at most this often; a kill loses at most the
  /// results of the last interval.
  static constexpr std::chrono::milliseconds flush_interval{50};

  Checkpoint() = default;
  /// Writes what is queued (the job is ending), then stops the writer.
  ~Checkpoint();
  Checkpoint(const Checkpoint&) = delete;
  Checkpoint& operator=(const Checkpoint&) = delete;

  /// Starts writing to `directory`/`pack` (created on the first result).
  void configure(const std::string& directory, const std::string& pack);
  bool enabled() const;
  /// Queues a result to be written.
  void keep(const TaskKey& key, ValuePtr value);
  /// The stored result of `key`; IoError saying why it cannot be used.
  Value load(const TaskKey& key, const PackLocation& location) const;
  /// True when everything queued is on disk (or writing has stopped); waits until `deadline`.
  /// Called when the run ends or drains: from then on results are written without delay.
  bool flushed(std::chrono::steady_clock::time_point deadline);
  /// The warning of a failed store, once.
  std::optional<std::string> take_warning();
  /// Results written and flushed so far.
  std::uint64_t stored() const;

 private:
  void loop();

  mutable std::mutex mutex_;
  std::condition_variable work_cv_, idle_cv_;
  std::string directory_, pack_;
  std::deque<std::pair<TaskKey, ValuePtr>> queue_;
  bool writing_ = false, stopping_ = false, failed_ = false, draining_ = false;
  std::optional<std::string> warning_;
  std::uint64_t stored_ = 0;
  std::thread thread_;
};

}  // namespace tessera
