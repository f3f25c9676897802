#pragma once
/// @file
/// The results a rank holds, by key. Shared by the compute thread (which adds results) and the
/// communication thread (which serves fetches and releases), hence the lock.
#include <mutex>
#include <unordered_map>

#include "tessera/graph/task.hpp"
#include "tessera/runtime/protocol.hpp"
#include "tessera/core/value.hpp"

namespace tessera {

class ResultStore {
 public:
  void put(const TaskKey& key, ValuePtr value);
  /// Null when the key is not held.
  ValuePtr get(const TaskKey& key) const;
  void erase(const TaskKey& key);
  protocol::StoreStats stats() const;
  void count_task_run();

 private:
  mutable std::mutex mutex_;
  std::unordered_map<TaskKey, ValuePtr, TaskKeyHash> values_;
  std::uint64_t bytes_ = 0, tasks_run_ = 0;
};

}  // namespace tessera
