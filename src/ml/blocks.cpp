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

ChunkReads read_xy_chunks(Graph& graph, const MatrixSource& x, const MatrixSource& y, std::int64_t chunk_rows) {
  const auto chunks = row_chunks(x.rows, chunk_rows);
  const auto count = static_cast<std::int64_t>(chunks.size());
  ChunkReads reads;
  for (std::int64_t i = 0; i < count; ++i) {
    reads.x.push_back(graph.add(read_rows_task(x, chunks[static_cast<std::size_t>(i)], i, count)));
    reads.y.push_back(graph.add(read_rows_task(y, chunks[static_cast<std::size_t>(i)], i, count)));
  }
  return reads;
}

std::vector<TaskKey> per_chunk(Graph& graph, const ChunkReads& reads, const std::string& kernel, const Params& params) {
  std::vector<TaskKey> out;
  for (std::size_t i = 0; i < reads.x.size(); ++i) out.push_back(graph.add(Task{kernel, params, {reads.x[i], reads.y[i]}}));
  return out;
}

TaskKey tree_reduce(Graph& graph, std::vector<TaskKey> leaves, const std::string& kernel, const Params& params) {
  if (leaves.empty()) throw Error("tree_reduce: nothing to reduce");
  while (leaves.size() > 1) {
    std::vector<TaskKey> next;
    for (std::size_t i = 0; i + 1 < leaves.size(); i += 2) next.push_back(graph.add(Task{kernel, params, {leaves[i], leaves[i + 1]}}));
    if (leaves.size() % 2 == 1) next.push_back(leaves.back());
    leaves = std::move(next);
  }
  return leaves.front();
}

}  // namespace tessera
