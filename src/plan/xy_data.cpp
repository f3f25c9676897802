#include "tessera/plan/chunk_advice.hpp"
#include "tessera/plan/xy_data.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/stats/folds.hpp"

namespace tessera {

XyData open_xy(const JobSpec& job, std::int64_t most_components) {
  XyData in{open_features(job.data.path, job.data.features, job.data.feature_columns, "data"), open_source(job.data.path, job.data.target, 1)};
  if (in.y.rows != in.x.rows)
    throw InputError(fmt::format("{}:{} has {} rows but {}:{} has {}", in.y.path, in.y.dataset, in.y.rows, in.x.path,
                                 in.x.dataset, in.x.rows));
  if (job.cv) {
    Folds(in.x.rows, job.cv->folds);  // throws for folds > rows
    // Every chunk's task returns one (p + 2)² Gram matrix per fold; leave-one-out on many rows
    // would not fit in memory, nor in one message.
    const double bytes = static_cast<double>(job.cv->folds) * static_cast<double>((in.x.cols + 2) * (in.x.cols + 2)) * 8;
    if (bytes > static_cast<double>(max_fold_statistics_bytes))
      throw InputError(fmt::format("[cv] folds = {} with {} features needs {:.3g} GB of per-fold statistics per chunk (at most "
                                   "{:.3g} GB); use fewer folds",
                                   job.cv->folds, in.x.cols, bytes / 1e9, static_cast<double>(max_fold_statistics_bytes) / 1e9));
  }
  if (most_components > in.x.cols)
    throw InputError(fmt::format("pca: n_components ({}) exceeds the number of features of {}:{} ({})", most_components,
                                 in.x.path, in.x.dataset, in.x.cols));
  in.chunk_rows = choose_chunk_rows(job.data, in.x);
  return in;
}

FoldAssignment fold_assignment(const JobSpec& job, const XyData& data, std::int64_t row_begin) {
  FoldAssignment folds{data.x.rows};
  if (job.cv) {
    folds.folds = job.cv->folds;
    folds.shuffle = job.cv->shuffle;
    folds.seed = job.cv->seed;
  }
  if (data.strata) {
    const Strata& s = *data.strata;
    folds.strata = s.classes;
    for (const auto& bounds : s.bounds) folds.strata_bounds.insert(folds.strata_bounds.end(), bounds.begin(), bounds.end());
    const std::vector<std::int64_t>& before = s.before.at(row_begin);
    folds.strata_before.assign(before.begin(), before.end());
  }
  return folds;
}

TaskKey add_fold_grams(Graph& graph, const ChunkReads& reads, const JobSpec& job, const XyData& data) {
  const auto chunks = row_chunks(data.x.rows, data.chunk_rows);
  std::vector<TaskKey> leaves;
  for (std::size_t i = 0; i < chunks.size(); ++i)
    leaves.push_back(graph.add(task_of<FoldGram>({fold_assignment(job, data, chunks[i].begin), chunks[i].begin}, {reads.x[i], reads.y[i]})));
  return reduce<Sum>(graph, leaves);
}

}  // namespace tessera
