#include "tessera/plan/chunk_reads.hpp"

#include <fmt/format.h>

#include "tessera/kernels/io.hpp"

namespace tessera {

Task read_rows_task(const MatrixSource& source, const RowChunk& chunk, std::int64_t index, std::int64_t count) {
  ReadRows::Params params{source.path, source.dataset, chunk.begin, chunk.end, source.cols, std::nullopt, std::nullopt, std::nullopt};
  if (source.classes) params.classes = std::vector<double>{source.classes->negative, source.classes->positive};
  if (!source.column_datasets.empty()) params.column_datasets = fmt::format("{}", fmt::join(source.column_datasets, "\n"));
  if (!source.column_indices.empty()) params.columns = std::vector<double>(source.column_indices.begin(), source.column_indices.end());
  return task_of<ReadRows>(params, {}, Locality{index, count});
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

}  // namespace tessera
