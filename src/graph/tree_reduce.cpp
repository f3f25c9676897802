#include "tessera/graph/tree_reduce.hpp"

#include "tessera/error.hpp"

namespace tessera {

TaskKey tree_reduce(Graph& graph, std::vector<TaskKey> leaves, const std::string& kernel, const Params& params,
                    std::uint32_t version) {
  if (leaves.empty()) throw Error("tree_reduce: nothing to reduce");
  while (leaves.size() > 1) {
    std::vector<TaskKey> next;
    for (std::size_t i = 0; i + 1 < leaves.size(); i += 2) next.push_back(graph.add(Task{kernel, params, {leaves[i], leaves[i + 1]}, std::nullopt, version}));
    if (leaves.size() % 2 == 1) next.push_back(leaves.back());
    leaves = std::move(next);
  }
  return leaves.front();
}

}  // namespace tessera
