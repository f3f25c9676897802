#pragma once
/// @file
/// The job file: TOML with [data], [model] and [output], parsed and validated up front so a typo
/// is reported before any rank does work — with the file, line and key, and a "did you mean".
///
/// @code
/// JobSpec job = load_job("ols.toml", {"model.solver=cholesky"});
/// @endcode
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tessera {

struct DataSpec {
  std::string path;
  std::string features = "X";
  std::string target = "y";
  std::string a = "A";  ///< dot: left factor, row-chunked n x k
  std::string b = "B";  ///< dot: right factor, k x m
  std::string b_path;   ///< dot: file holding B (defaults to path)
  std::string predictions = "y_pred";  ///< evaluate: the predictions dataset
  std::string predictions_path;        ///< evaluate: file holding them (defaults to path)
  std::optional<std::int64_t> chunk_rows;  ///< defaults to the dataset's own chunking
};

struct ModelSpec {
  std::string type;
  bool fit_intercept = true;      ///< ols, ridge
  std::string solver = "tsqr";    ///< ols: "tsqr" or "cholesky"
  double alpha = 1.0;             ///< ridge: the penalty on the coefficients
  double C = 1.0;                 ///< logistic: inverse penalty strength, as scikit-learn's C
  double tol = 1e-8;              ///< logistic: stop when a Newton step moves no coefficient by more (relative)
  std::int64_t max_iter = 100;    ///< logistic: Newton steps before giving up (a warning, not an error)
  std::optional<std::int64_t> pca_components;  ///< ridge, logistic: [model.pca] n_components, a PCA step first
  std::string metrics;            ///< evaluate: "regression" or "classification"
};

/// [cv]: k-fold cross-validation.
struct CvSpec {
  std::int64_t folds = 5;
  bool shuffle = false;
  std::int64_t seed = 0;
};

/// [search]: a grid of model parameters, each candidate scored by cross-validation.
struct SearchSpec {
  /// Parameter name -> values, in name order (the order scikit-learn's ParameterGrid uses).
  std::map<std::string, std::vector<double>> grid;
  std::string scoring;
  bool refit = true;
  /// The most candidates (the product of the grid's value counts) a search may have, so a typo
  /// cannot expand into more candidates than memory holds.
  std::int64_t max_candidates = 1'000'000;
};

/// Optional [predict]: apply the fitted model to another file's features.
struct PredictSpec {
  std::string path;
  std::string features;  ///< defaults to [data] features
};

struct OutputSpec {
  std::string path;
  bool overwrite = false;
};

struct JobSpec {
  std::string file;  ///< where it came from, for messages
  DataSpec data;
  ModelSpec model;
  OutputSpec output;
  std::optional<PredictSpec> predict;
  std::optional<CvSpec> cv;
  std::optional<SearchSpec> search;
};

/// Scoring names, by the kind of model they apply to.
const std::vector<std::string>& regression_scorings();
const std::vector<std::string>& classification_scorings();

/// The model types tessera knows.
const std::vector<std::string>& model_types();

/// Parses and validates a job file; `overrides` are "section.key=value" strings from --set.
/// Throws InputError naming the file, line and key.
JobSpec load_job(const std::string& path, const std::vector<std::string>& overrides = {});
/// The same, from TOML text (`name` is used in messages).
JobSpec parse_job(const std::string& text, const std::string& name, const std::vector<std::string>& overrides = {});

}  // namespace tessera
