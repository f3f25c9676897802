#pragma once
/// @file
/// The metrics of predictions against the truth, as sklearn.metrics computes them, for the
/// `evaluate` job and for a `[predict]` section that names its truth. Regression: MSE, RMSE, MAE,
/// R² from per-chunk moments merged up a tree. Classification (predictions = P(y = 1), truth in
/// {0, 1}): counts summed and score tables merged on the workers (accuracy, precision, recall, F1
/// per class, log-loss, ROC AUC, the confusion matrix), so rank 0 receives a few numbers.
#include <array>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/graph/graph.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/data_source.hpp"
#include "tessera/core/value.hpp"

namespace tessera {

/// What the predictions are scored as, and the names messages give them ("file:dataset").
struct MetricsOf {
  bool classification = false;
  std::string truth, predictions;
  std::array<std::string, 2> class_names{"0", "1"};  ///< the classes read as 0 and 1, as the user wrote them
};

/// The metrics' tasks, on per-chunk keys of the truth (`reads.x`) and the predictions (`reads.y`),
/// whose chunks are `chunks`: the graph outputs publish_metrics() takes, in order.
std::vector<TaskKey> add_metrics(Graph& graph, const ChunkReads& reads, const std::vector<RowChunk>& chunks, const MetricsOf& what);

/// The values of add_metrics's outputs (gathered, in order), written as datasets of `file` and as
/// a table to `report`; returned as JSON ({"metrics": …, "kind": "regression" | "classification"}).
nlohmann::json publish_metrics(const std::vector<ValuePtr>& values, const MetricsOf& what, hid_t file, std::ostream& report);

}  // namespace tessera
