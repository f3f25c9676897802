#pragma once
/// @file
/// The job file: TOML with [data], [model] and [output], parsed and validated up front so a typo
/// is reported before any rank does work — with the file, line and key, and a "did you mean".
/// [model]'s keys are the job type's (job/model_schema.hpp); jobs/job_types.hpp supplies them.
///
/// @code
/// JobSpec job = load_job("ols.toml", {"model.solver=cholesky"});   // jobs/job_types.hpp
/// const OlsOptions& o = job.model.as<OlsOptions>();
/// @endcode
#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tessera/error.hpp"
#include "tessera/job/model_schema.hpp"

namespace tessera {

/// Features other than one whole 2-D dataset: several 1-D datasets, one column each, in order
/// (`features = ["temp", "pressure"]`), or some columns of the 2-D one (`columns = [...]`, by
/// name from its `feature_names` attribute, or by 0-based index).
struct FeatureColumns {
  std::vector<std::string> datasets;
  std::vector<std::string> names;
  std::vector<std::int64_t> indices;
};

struct DataSpec {
  std::string path;
  std::string features = "X";
  FeatureColumns feature_columns;
  std::string target = "y";
  std::string a = "A";  ///< dot: left factor, row-chunked n x k
  std::string b = "B";  ///< dot: right factor, k x m
  std::string b_path;   ///< dot: file holding B (defaults to path)
  std::string predictions = "y_pred";  ///< evaluate: the predictions dataset
  std::string predictions_path;        ///< evaluate: file holding them (defaults to path)
  std::optional<std::int64_t> chunk_rows;  ///< defaults to the dataset's own chunking
  bool chunk_rows_auto = false;            ///< chunk_rows = "auto": chosen for the data and the workers
  /// The run's worker count, set by the command that plans the job (not read from the file):
  /// "auto" and the chunking advice depend on it. 0: unknown, no advice.
  int workers = 0;
};

/// [model]: the job type, and its options as the type declared them (its Options struct).
struct ModelSpec {
  std::string type;
  std::any options;
  /// The job type's own options; Error if `T` is not the type's Options struct.
  template <class T>
  const T& as() const {
    if (const T* o = std::any_cast<T>(&options)) return *o;
    throw Error("model options of '" + type + "' read as another type's");
  }
};

/// [cv]: k-fold cross-validation.
struct CvSpec {
  std::int64_t folds = 5;
  bool shuffle = false;
  std::int64_t seed = 0;
  /// Each class of the target spread over the folds in proportion, as StratifiedKFold.
  bool stratify = false;
};

/// [search]: a grid of model parameters, each candidate scored by cross-validation. Present
/// whenever [cv] is; with [cv] alone the grid is empty (the one candidate of the [model] keys).
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
  FeatureColumns feature_columns;  ///< the same as [data]'s unless [predict] names its own features
  std::optional<std::string> target;  ///< the truth in that file: the predictions are scored against it
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
  /// [checkpoint] dir: where results are kept so a stopped run can be resumed (--checkpoint wins).
  std::optional<std::string> checkpoint_dir;
  /// The job's settings that decide its results, as canonical TOML ([output] and [checkpoint] left
  /// out): a checkpoint store belongs to one identity.
  std::string identity;
};

/// The job types the parser knows, and each one's [model] schema (the registry in jobs/ says).
struct ModelTypes {
  std::vector<std::string> names;
  std::function<const ModelSchema&(const std::string&)> schema;
};

/// Parses and validates a job file; `overrides` are "section.key=value" strings from --set.
/// Throws InputError naming the file, line and key.
JobSpec load_job(const std::string& path, const std::vector<std::string>& overrides, const ModelTypes& types);
/// The same, from TOML text (`name` is used in messages).
JobSpec parse_job(const std::string& text, const std::string& name, const std::vector<std::string>& overrides,
                  const ModelTypes& types);

}  // namespace tessera
