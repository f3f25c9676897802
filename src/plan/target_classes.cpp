#include "tessera/plan/target_classes.hpp"

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/classes.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/tasks.hpp"

namespace tessera {

TaskKey add_distinct_values(Graph& graph, const MatrixSource& y, std::int64_t chunk_rows) {
  MatrixSource as_stored = y;
  as_stored.classes.reset();  // the values as the file holds them
  const auto chunks = row_chunks(y.rows, chunk_rows);
  const auto count = static_cast<std::int64_t>(chunks.size());
  std::vector<TaskKey> leaves;
  for (std::int64_t i = 0; i < count; ++i) {
    const RowChunk& chunk = chunks[static_cast<std::size_t>(i)];
    const TaskKey read = graph.add(read_rows_task(as_stored, chunk, i, count));
    leaves.push_back(graph.add(task_of<DistinctValues>({chunk.begin}, {read})));
  }
  return reduce<MergeDistinctValues>(graph, leaves);
}

std::string class_name(double value) { return fmt::format("{}", value); }

BinaryClasses binary_classes(const Eigen::MatrixXd& first_values, const MatrixSource& y, std::optional<double> positive_class,
                             const std::string& needs, bool one_class_is_fine) {
  const std::string target = y.path + ":" + y.dataset;
  if (first_values.cols() < 2) {
    const double only = first_values(0, 0);
    if (!one_class_is_fine)
      throw InputError(fmt::format("{} holds only class {} ({} rows): {} needs both classes", target, class_name(only), y.rows, needs));
    const double positive = positive_class.value_or(1);
    if (only != positive) return {only, positive};
    return {positive == 0 ? 1.0 : 0.0, positive};  // the negative class is absent: any other value names it
  }
  if (first_values.cols() > 2) {
    std::string rows;
    for (Eigen::Index j = 0; j < first_values.cols(); ++j)
      rows += fmt::format("{}row {} is {}", j == 0 ? "" : ", ", static_cast<std::int64_t>(first_values(1, j)), class_name(first_values(0, j)));
    throw InputError(fmt::format("{} has more than two values ({}): {} needs a binary target (multinomial models are not "
                                 "supported yet)",
                                 target, rows, needs));
  }
  const double low = std::min(first_values(0, 0), first_values(0, 1)), high = std::max(first_values(0, 0), first_values(0, 1));
  if (!positive_class || *positive_class == high) return {low, high};
  if (*positive_class == low) return {high, low};
  throw InputError(fmt::format("positive_class = {} is not one of the two values of {} ({} and {})", class_name(*positive_class), target,
                               class_name(low), class_name(high)));
}

}  // namespace tessera
