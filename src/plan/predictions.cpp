#include "tessera/plan/predictions.hpp"

#include <cmath>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/least_squares.hpp"
#include "tessera/kernels/logistic.hpp"
#include "tessera/plan/chunk_advice.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/target_classes.hpp"

namespace tessera {

PredictData open_predict_data(const PredictSpec& spec, const MatrixSource& fitted) {
  PredictData data{open_features(spec.path, spec.features, spec.feature_columns, "predict"), std::nullopt};
  const MatrixSource& x = data.x;
  if (x.cols != fitted.cols)
    throw InputError(fmt::format("{}:{} has {} columns but the model was fitted on {} ({}:{})", x.path, x.dataset, x.cols,
                                 fitted.cols, fitted.path, fitted.dataset));
  if (spec.target) {
    data.truth = open_source(spec.path, *spec.target, 1);
    if (data.truth->rows != x.rows)
      throw InputError(fmt::format("{}:{} has {} rows but {}:{} has {}", data.truth->path, data.truth->dataset, data.truth->rows,
                                   x.path, x.dataset, x.rows));
  }
  return data;
}

PredictionGraph plan_predictions(const PredictData& data, const Eigen::VectorXd& coef, double intercept,
                                 const std::optional<BinaryClasses>& classes) {
  const bool classifier = classes.has_value();
  std::optional<MatrixSource> truth = data.truth;
  if (truth) truth->classes = classes;  // the truth's classes are the model's
  std::vector<double> beta(coef.data(), coef.data() + coef.size());
  for (double& c : beta)
    if (std::isnan(c)) c = 0;  // a dependent column contributes nothing
  PredictionGraph p;
  p.chunks = row_chunks(data.x.rows, file_chunk_rows(data.x));
  const auto count = static_cast<std::int64_t>(p.chunks.size());
  ChunkReads scored;  // (truth, what is scored) per chunk
  for (std::int64_t i = 0; i < count; ++i) {
    const RowChunk& chunk = p.chunks[static_cast<std::size_t>(i)];
    const TaskKey x = p.graph.add(read_rows_task(data.x, chunk, i, count));
    const TaskKey z = p.graph.add(task_of<PredictRows>({beta, intercept}, {x}));
    if (classifier) {
      p.predictions.push_back(p.graph.add(task_of<ClassifyRows>({false, std::vector<double>{classes->negative, classes->positive}}, {z})));
      p.probabilities.push_back(p.graph.add(task_of<ClassifyRows>({true, std::nullopt}, {z})));
    } else {
      p.predictions.push_back(z);
    }
    if (truth) {
      scored.x.push_back(p.graph.add(read_rows_task(*truth, chunk, i, count)));
      scored.y.push_back(classifier ? p.probabilities.back() : z);
    }
  }
  if (truth) {
    p.scored = {classifier, truth->path + ":" + truth->dataset, "the predictions"};
    if (classes) p.scored.class_names = {class_name(classes->negative), class_name(classes->positive)};
    p.metrics = add_metrics(p.graph, scored, p.chunks, p.scored);
  }
  return p;
}

}  // namespace tessera
