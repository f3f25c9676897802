#pragma once
/// @file
/// [predict] for a fitted linear model (ols, ridge, logistic, and the PCA pipelines, whose
/// coefficients are given back on the original features): the rows are checked on rank 0 before
/// any fit, the workers write the predictions straight into the output file, and when [predict]
/// names the truth (`target`) the predictions are scored against it in the same job.
#include <Eigen/Core>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/io/output_file.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/plan/data_source.hpp"
#include "tessera/runtime/client.hpp"

namespace tessera {

/// The rows to predict for, and the truth for them when [predict] names one.
struct PredictData {
  MatrixSource x;
  std::optional<MatrixSource> truth;
};

/// The [predict] rows (and truth), opened and checked against the features the model is fitted on:
/// InputError naming both files when the column counts differ, or the truth's rows the features'.
PredictData open_predict_data(const PredictSpec& spec, const MatrixSource& fitted);

/// The features' names: the `feature_names` attribute of the features dataset when it has one name
/// per column, else x0, x1, …
std::vector<std::string> feature_names(const MatrixSource& x);

/// Writes, for every row, z = xᵀcoef + intercept (a NaN coefficient, of a dependent column, counts
/// as 0): a regressor's `predictions` are z; a classifier's `predictions` are the labels 0/1 (1
/// where z > 0, as scikit-learn's predict) and its `probabilities` σ(z) = P(y = 1). With a truth,
/// its metrics (those of the `evaluate` job: regression, or classification of the probabilities)
/// go to the output's group `evaluation` and to `report`, and are returned ({"metrics", "kind"});
/// else null. Closes `output`'s HDF5 file: the workers write the rows into it with pwrite.
nlohmann::json write_predictions(Client& client, const PredictData& data, const Eigen::VectorXd& coef, double intercept,
                                 bool classifier, OutputFile& output, std::ostream& report);

}  // namespace tessera
