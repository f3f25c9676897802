#include "tessera/runtime/result_store.hpp"

namespace tessera {

void ResultStore::put(const TaskKey& key, ValuePtr value) {
  std::lock_guard lock(mutex_);
  const std::size_t bytes = value->bytes();
  auto [it, inserted] = values_.try_emplace(key, std::move(value));
  if (inserted) bytes_ += bytes;
}

ValuePtr ResultStore::get(const TaskKey& key) const {
  std::lock_guard lock(mutex_);
  const auto it = values_.find(key);
  return it == values_.end() ? nullptr : it->second;
}

void ResultStore::erase(const TaskKey& key) {
  std::lock_guard lock(mutex_);
  const auto it = values_.find(key);
  if (it == values_.end()) return;
  bytes_ -= it->second->bytes();
  values_.erase(it);
}

protocol::StoreStats ResultStore::stats() const {
  std::lock_guard lock(mutex_);
  return {values_.size(), bytes_, tasks_run_};
}

void ResultStore::count_task_run() {
  std::lock_guard lock(mutex_);
  ++tasks_run_;
}

}  // namespace tessera
