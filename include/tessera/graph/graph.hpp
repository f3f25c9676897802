#pragma once
/// @file
/// A task graph: tasks keyed by content hash, validated (no cycles, no missing inputs), in a
/// deterministic topological order, and drawable as Graphviz DOT.
///
/// @code
/// Graph g;
/// TaskKey a = g.add({"read_rows", {{"row_begin", 0}, ...}, {}});
/// TaskKey b = g.add({"gram", {}, {a}});
/// g.validate();               // throws InputError naming the cycle or the missing input
/// std::cout << g.to_dot();
/// @endcode
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tessera/graph/task.hpp"

namespace tessera {

class Graph {
 public:
  /// Adds a task under its content key. Adding an identical task again returns the same key
  /// and counts one deduplication.
  TaskKey add(Task task);
  /// Adds a task under a chosen key (hand-made graphs, where inputs may be named before they exist).
  void add(const TaskKey& key, Task task);

  /// Inputs from outside the graph: results a driver submitted before and still holds (the
  /// costs k-means seeding keeps on the workers between its passes).
  using Outside = std::function<bool(const TaskKey&)>;
  /// Throws InputError for an input key that no task produces (nor `outside` has), or a cycle
  /// (naming its keys).
  void validate(const Outside& outside = {}) const;
  /// Every key, inputs before the tasks that use them, ties broken by insertion order.
  std::vector<TaskKey> topological_order(const Outside& outside = {}) const;

  const Task& task(const TaskKey& key) const;
  bool contains(const TaskKey& key) const { return index_.count(key) != 0; }
  std::size_t size() const { return keys_.size(); }
  std::size_t deduplicated() const { return deduplicated_; }

  /// Graphviz DOT: one node per task labelled with its kernel, edges from inputs to consumers.
  std::string to_dot(const std::vector<TaskKey>& outputs = {}) const;

 private:
  std::vector<TaskKey> keys_;
  std::vector<Task> tasks_;
  std::unordered_map<TaskKey, std::size_t, TaskKeyHash> index_;
  std::size_t deduplicated_ = 0;
};

}  // namespace tessera
