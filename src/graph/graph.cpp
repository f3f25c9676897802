#include "tessera/graph/graph.hpp"

#include <algorithm>
#include <queue>
#include <set>

#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {

TaskKey Graph::add(Task task) {
  const TaskKey key = task.key();
  if (contains(key)) {
    ++deduplicated_;
    return key;
  }
  add(key, std::move(task));
  return key;
}

void Graph::add(const TaskKey& key, Task task) {
  if (contains(key)) throw Error("graph already has a task with key " + key.hex());
  index_.emplace(key, tasks_.size());
  keys_.push_back(key);
  tasks_.push_back(std::move(task));
}

const Task& Graph::task(const TaskKey& key) const {
  const auto it = index_.find(key);
  if (it == index_.end()) throw Error("graph has no task with key " + key.hex());
  return tasks_[it->second];
}

void Graph::validate(const Outside& outside) const {
  for (std::size_t i = 0; i < tasks_.size(); ++i)
    for (const TaskKey& in : tasks_[i].inputs)
      if (!contains(in) && !(outside && outside(in)))
        throw InputError(fmt::format("task {} needs input {}, which no task in the graph produces",
                                     short_name(tasks_[i].kernel, keys_[i]), in.hex()));

  // Iterative depth-first search with colours; a grey node met again closes a cycle.
  enum Colour : char { white, grey, black };
  std::vector<Colour> colour(tasks_.size(), white);
  std::vector<std::size_t> parent(tasks_.size(), SIZE_MAX);
  for (std::size_t root = 0; root < tasks_.size(); ++root) {
    if (colour[root] != white) continue;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};  // node, next input
    colour[root] = grey;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next == tasks_[node].inputs.size()) {
        colour[node] = black;
        stack.pop_back();
        continue;
      }
      const auto found = index_.find(tasks_[node].inputs[next++]);
      if (found == index_.end()) continue;  // from outside: no cycle through it
      const std::size_t in = found->second;
      if (colour[in] == grey) {
        std::vector<std::string> names{short_name(tasks_[in].kernel, keys_[in])};
        for (std::size_t v = node; v != in; v = parent[v]) names.push_back(short_name(tasks_[v].kernel, keys_[v]));
        names.push_back(names.front());
        std::reverse(names.begin(), names.end());
        throw InputError("the task graph has a cycle: " + fmt::format("{}", fmt::join(names, " -> ")));
      }
      if (colour[in] == white) {
        colour[in] = grey;
        parent[in] = node;
        stack.emplace_back(in, 0);
      }
    }
  }
}

std::vector<TaskKey> Graph::topological_order(const Outside& outside) const {
  validate(outside);
  std::vector<std::size_t> missing(tasks_.size());
  std::vector<std::vector<std::size_t>> consumers(tasks_.size());
  for (std::size_t i = 0; i < tasks_.size(); ++i)
    for (const TaskKey& in : tasks_[i].inputs)
      if (const auto found = index_.find(in); found != index_.end()) {
        ++missing[i];
        consumers[found->second].push_back(i);
      }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < tasks_.size(); ++i)
    if (missing[i] == 0) ready.push(i);
  std::vector<TaskKey> order;
  order.reserve(tasks_.size());
  while (!ready.empty()) {
    const std::size_t i = ready.top();
    ready.pop();
    order.push_back(keys_[i]);
    for (std::size_t c : consumers[i])
      if (--missing[c] == 0) ready.push(c);
  }
  return order;
}

std::string Graph::to_dot(const std::vector<TaskKey>& outputs) const {
  const std::set<TaskKey> wanted(outputs.begin(), outputs.end());
  std::string dot = "digraph tessera {\n  rankdir=BT;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    std::string label = tasks_[i].kernel;
    for (const auto& [name, value] : tasks_[i].params.values())
      if (const auto* n = std::get_if<std::int64_t>(&value); n && (name == "row_begin" || name == "level" || name == "index"))
        label += fmt::format("\\n{}={}", name, *n);
    dot += fmt::format("  \"{}\" [label=\"{}\"{}];\n", keys_[i].hex(), label,
                       wanted.count(keys_[i]) ? ", style=bold, peripheries=2" : "");
  }
  for (std::size_t i = 0; i < tasks_.size(); ++i)
    for (const TaskKey& in : tasks_[i].inputs) dot += fmt::format("  \"{}\" -> \"{}\";\n", in.hex(), keys_[i].hex());
  return dot + "}\n";
}

}  // namespace tessera
