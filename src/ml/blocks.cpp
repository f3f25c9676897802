#include "tessera/ml/blocks.hpp"

#include "tessera/error.hpp"

namespace tessera {

Task read_rows_task(const MatrixSource& source, const RowChunk& chunk, std::int64_t index, std::int64_t count) {
  Task t{"read_rows",
         {{"path", source.path},
          {"dataset", source.dataset},
          {"row_begin", chunk.begin},
          {"row_end", chunk.end},
          {"cols", source.cols}},
         {},
         Locality{index, count}};
  return t;
}

TaskKey tree_reduce(Graph& graph, std::vector<TaskKey> leaves, const std::string& kernel) {
  if (leaves.empty()) throw Error("tree_reduce: nothing to reduce");
  while (leaves.size() > 1) {
    std::vector<TaskKey> next;
    for (std::size_t i = 0; i + 1 < leaves.size(); i += 2) next.push_back(graph.add(Task{kernel, {}, {leaves[i], leaves[i + 1]}}));
    if (leaves.size() % 2 == 1) next.push_back(leaves.back());
    leaves = std::move(next);
  }
  return leaves.front();
}

}  // namespace tessera
