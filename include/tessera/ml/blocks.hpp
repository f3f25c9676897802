#pragma once
/// @file
/// Graph-building pieces shared by the jobs: row-block reads spread over workers, and
/// reduction trees whose shape depends only on the number of leaves.
#include "tessera/graph/graph.hpp"
#include "tessera/ml/data_source.hpp"

namespace tessera {

/// A read of rows `chunk` of `source`, hinted to run on the worker that owns chunk `index` of `count`.
Task read_rows_task(const MatrixSource& source, const RowChunk& chunk, std::int64_t index, std::int64_t count);

/// Sums `leaves` pairwise, level by level ((0,1), (2,3), ...; an odd last one moves up as is), so
/// the order of additions is fixed by the leaf indices alone: bit-identical on any rank count.
TaskKey tree_reduce(Graph& graph, std::vector<TaskKey> leaves, const std::string& kernel = "sum");

}  // namespace tessera
