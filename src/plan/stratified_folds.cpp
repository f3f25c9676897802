#include "tessera/plan/stratified_folds.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/target_classes.hpp"
#include "tessera/plan/tasks.hpp"
#include "tessera/stats/stratified_folds.hpp"

namespace tessera {

std::vector<TaskKey> add_class_counts(Graph& graph, const MatrixSource& y, std::int64_t chunk_rows) {
  const auto chunks = row_chunks(y.rows, chunk_rows);
  const auto count = static_cast<std::int64_t>(chunks.size());
  std::vector<TaskKey> out;
  for (std::int64_t i = 0; i < count; ++i) {
    const RowChunk& chunk = chunks[static_cast<std::size_t>(i)];
    out.push_back(graph.add(task_of<ClassCounts>({chunk.begin}, {graph.add(read_rows_task(y, chunk, i, count))})));
  }
  return out;
}

namespace {
/// A class as the user wrote it: a mapped binary target's 0/1 are its two values.
std::string user_class(const MatrixSource& y, double value) {
  if (!y.classes) return class_name(value);
  return class_name(value == 0 ? y.classes->negative : y.classes->positive);
}
}  // namespace

Strata strata_of(const std::vector<ClassCounts::Result>& chunks, std::int64_t chunk_rows, const MatrixSource& y,
                 std::int64_t folds) {
  const std::string target = y.path + ":" + y.dataset;
  Strata strata;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const ClassCounts::Result& part = chunks[i];
    if (part.fractional.cols() > 0)
      throw InputError(fmt::format("[cv] stratify needs class labels, but row {} of {} is {}: a continuous target cannot be "
                                   "stratified (remove stratify)",
                                   static_cast<std::int64_t>(part.fractional(0, 0)), target, part.fractional(1, 0)));
    const std::int64_t begin = static_cast<std::int64_t>(i) * chunk_rows;
    strata.before[begin] = strata.rows;  // the classes seen so far; any new class starts at 0
    for (Eigen::Index j = 0; j < part.counts.cols(); ++j) {
      const double value = part.counts(0, j);
      const auto it = std::find(strata.classes.begin(), strata.classes.end(), value);
      std::size_t c = static_cast<std::size_t>(it - strata.classes.begin());
      if (it == strata.classes.end()) {
        strata.classes.push_back(value);
        strata.rows.push_back(0);
      }
      if (static_cast<Eigen::Index>(strata.classes.size()) > most_strata)
        throw InputError(fmt::format("[cv] stratify: {} has more than {} distinct values: a continuous target cannot be "
                                     "stratified (remove stratify)",
                                     target, most_strata));
      strata.rows[c] += static_cast<std::int64_t>(part.counts(1, j));
    }
  }
  for (auto& [begin, before] : strata.before) before.resize(strata.classes.size(), 0);
  for (std::size_t c = 0; c < strata.classes.size(); ++c)
    if (strata.rows[c] < folds)
      throw InputError(fmt::format("[cv] stratify: class {} of {} has {} row(s), fewer than the {} folds: some fold would "
                                   "hold none of it ({})",
                                   user_class(y, strata.classes[c]), target, strata.rows[c], folds,
                                   strata.rows[c] >= 2 ? fmt::format("use at most {} folds, or remove stratify", strata.rows[c])
                                                       : std::string("remove stratify, or that class")));
  strata.bounds = stratified_bounds(strata.rows, folds);
  return strata;
}

std::vector<std::vector<std::int64_t>> fold_class_counts(const Strata& strata) {
  const std::size_t folds = strata.bounds.front().size() - 1;
  std::vector<std::vector<std::int64_t>> out(folds, std::vector<std::int64_t>(strata.classes.size()));
  for (std::size_t f = 0; f < folds; ++f)
    for (std::size_t c = 0; c < strata.classes.size(); ++c) out[f][c] = strata.bounds[c][f + 1] - strata.bounds[c][f];
  return out;
}

}  // namespace tessera
