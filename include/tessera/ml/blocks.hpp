#pragma once
/// @file
/// Graph-building pieces shared by the jobs: row-block reads spread over workers, and
/// reduction trees whose shape depends only on the number of leaves.
#include "tessera/graph/graph.hpp"
#include "tessera/ml/data_source.hpp"

namespace tessera {

/// A read of rows `chunk` of `source`, hinted to run on the worker that owns chunk `index` of `count`.
Task read_rows_task(const MatrixSource& source, const RowChunk& chunk, std::int64_t index, std::int64_t count);

/// Reads of the same row chunks of X and y, one pair per chunk, spread over the workers.
struct ChunkReads {
  std::vector<TaskKey> x, y;
};
ChunkReads read_xy_chunks(Graph& graph, const MatrixSource& x, const MatrixSource& y, std::int64_t chunk_rows);

/// For each chunk, a task `kernel` {params} on (x chunk, y chunk).
std::vector<TaskKey> per_chunk(Graph& graph, const ChunkReads& reads, const std::string& kernel, const Params& params = {});

/// Combines `leaves` pairwise with `kernel` {params}, level by level ((0,1), (2,3), ...; an odd last
/// one moves up as is), so the order of operations is fixed by the leaf indices alone:
/// bit-identical on any rank count.
TaskKey tree_reduce(Graph& graph, std::vector<TaskKey> leaves, const std::string& kernel = "sum", const Params& params = {});

}  // namespace tessera
