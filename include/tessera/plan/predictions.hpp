#pragma once
/// @file
/// [predict] for a fitted linear model (ols, ridge, logistic, and the PCA pipelines, whose
/// coefficients are given back on the original features): the rows checked on rank 0 before any
/// fit, and the graph that computes the predictions (and, when [predict] names the truth, their
/// metrics). search/predict runs it and writes the results.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "tessera/graph/graph.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/plan/data_source.hpp"
#include "tessera/plan/metrics_plan.hpp"

namespace tessera {

/// The rows to predict for, and the truth for them when [predict] names one.
struct PredictData {
  MatrixSource x;
  std::optional<MatrixSource> truth;
};

/// The [predict] rows (and truth), opened and checked against the features the model is fitted on:
/// InputError naming both files when the column counts differ, or the truth's rows the features'.
PredictData open_predict_data(const PredictSpec& spec, const MatrixSource& fitted);

/// Per chunk of the rows, z = xᵀcoef + intercept (a NaN coefficient, of a dependent column, counts
/// as 0). A regressor's predictions are z. A classifier — one with the `classes` of its target —
/// predicts labels in the user's encoding (the positive class where z > 0, as scikit-learn's
/// predict) and the probabilities σ(z) = P(y = positive). With a truth (of the same two classes),
/// the metrics of the `evaluate` job on them (regression, or classification of the probabilities).
struct PredictionGraph {
  Graph graph;
  std::vector<RowChunk> chunks;
  std::vector<TaskKey> predictions, probabilities;  ///< per chunk (probabilities: classifiers only)
  std::vector<TaskKey> metrics;                     ///< add_metrics's outputs; none without a truth
  MetricsOf scored;
};
PredictionGraph plan_predictions(const PredictData& data, const Eigen::VectorXd& coef, double intercept,
                                 const std::optional<BinaryClasses>& classes);

}  // namespace tessera
