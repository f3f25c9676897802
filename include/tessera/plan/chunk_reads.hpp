#pragma once
/// @file
/// Graph-building pieces shared by the jobs: row-block reads spread over workers, and one task of
/// a kernel contract per chunk.
#include "tessera/graph/graph.hpp"
#include "tessera/plan/data_source.hpp"
#include "tessera/plan/tasks.hpp"

namespace tessera {

/// A read of rows `chunk` of `source`, hinted to run on the worker that owns chunk `index` of `count`.
Task read_rows_task(const MatrixSource& source, const RowChunk& chunk, std::int64_t index, std::int64_t count);

/// Reads of the same row chunks of X and y, one pair per chunk, spread over the workers.
struct ChunkReads {
  std::vector<TaskKey> x, y;
};
ChunkReads read_xy_chunks(Graph& graph, const MatrixSource& x, const MatrixSource& y, std::int64_t chunk_rows);

/// For each chunk, a task of contract K (two inputs: the chunk of x, the chunk of y) with `params`.
template <class K>
std::vector<TaskKey> per_chunk(Graph& graph, const ChunkReads& reads, const typename K::Params& params = {}) {
  std::vector<TaskKey> out;
  for (std::size_t i = 0; i < reads.x.size(); ++i) out.push_back(graph.add(task_of<K>(params, {reads.x[i], reads.y[i]})));
  return out;
}

}  // namespace tessera
