#pragma once
/// @file
/// [predict] for a fitted linear model (ols, ridge, logistic, and the PCA pipelines, whose
/// coefficients are given back on the original features): the rows are checked on rank 0 before
/// any fit, and the workers write the predictions straight into the output file.
#include <Eigen/Core>
#include <string>
#include <vector>

#include "tessera/io/output_file.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/plan/data_source.hpp"
#include "tessera/runtime/client.hpp"

namespace tessera {

/// The [predict] rows, opened and checked against the features the model is fitted on (InputError
/// naming both files when the column counts differ).
MatrixSource open_predict_rows(const PredictSpec& spec, const MatrixSource& fitted);

/// The features' names: the `feature_names` attribute of the features dataset when it has one name
/// per column, else x0, x1, …
std::vector<std::string> feature_names(const MatrixSource& x);

/// Writes, for every row of `rows`, z = xᵀcoef + intercept (a NaN coefficient, of a dependent
/// column, counts as 0): a regressor's `predictions` are z; a classifier's `predictions` are the
/// labels 0/1 (1 where z > 0, as scikit-learn's predict) and its `probabilities` σ(z) = P(y = 1).
/// Closes `output`'s HDF5 file first: the workers write the rows into it with pwrite.
void write_predictions(Client& client, const MatrixSource& rows, const Eigen::VectorXd& coef, double intercept, bool classifier,
                       OutputFile& output);

}  // namespace tessera
