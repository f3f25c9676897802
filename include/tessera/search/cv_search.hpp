#pragma once
/// @file
/// The one cross-validation driver every searchable model runs through (ridge, logistic, their PCA
/// pipelines, and those to come): the per-fold statistics pass, the candidates in ParameterGrid
/// order, their scores, ranking, the refit of the best on all rows, and the results published as
/// HDF5, CSV, a table and JSON. A model supplies only how it fits and scores (SearchModel); a
/// model that is not cross-validated ([cv] absent) is simply the refit of its own parameters.
///
/// @code
/// RidgeModel model(job);
/// nlohmann::json summary = run_search(client, job, output, std::cout, model);
/// @endcode
#include <Eigen/Core>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tessera/io/output_file.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/plan/planned_graph.hpp"
#include "tessera/plan/xy_data.hpp"
#include "tessera/runtime/client.hpp"
#include "tessera/search/results.hpp"
#include "tessera/stats/pca.hpp"
#include "tessera/stats/standardize.hpp"

namespace tessera {

/// What the first pass gives every model: the augmented Gram matrix [1 X y]ᵀ[1 X y] of each
/// fold's rows (one over all rows without [cv]); a fold's training statistics are the total
/// minus its own.
class FoldStatistics {
 public:
  FoldStatistics(XyData data, std::vector<Eigen::MatrixXd> fold_grams, int folds);

  const XyData& data() const { return data_; }
  /// Folds of the cross-validation; 0 without [cv].
  int folds() const { return folds_; }
  /// All rows.
  const Eigen::MatrixXd& total() const { return total_; }
  /// The rows of fold `fold`.
  const Eigen::MatrixXd& test(int fold) const { return grams_.at(static_cast<std::size_t>(fold)); }
  /// The rows outside fold `fold`; all rows for fold -1.
  Eigen::MatrixXd training(int fold) const { return fold < 0 ? total_ : Eigen::MatrixXd(total_ - test(fold)); }
  /// training(fold) with standardized features (`standardize = true`) and its scaling, computed
  /// once per fold however many candidates ask; InputError naming a column constant there.
  const StandardizedGram& standardized(int fold) const;
  /// The principal axes of training(fold), or of standardized(fold).gram; computed once.
  const PrincipalAxes& axes(int fold, bool standardized = false) const;
  /// training(fold) in messages: "the training rows of fold 2 of f.h5:X", "all rows of f.h5:X".
  std::string training_rows_name(int fold) const;

 private:
  XyData data_;
  std::vector<Eigen::MatrixXd> grams_;
  int folds_;
  Eigen::MatrixXd total_;
  mutable std::map<std::pair<int, bool>, PrincipalAxes> axes_;  ///< by (fold, standardized)
  mutable std::map<int, StandardizedGram> standardized_;
  mutable std::optional<std::vector<std::string>> feature_names_;  ///< read once, for messages
};

/// A candidate's score on each fold, and the seconds its fits took.
struct CandidateScores {
  std::vector<double> scores;
  double fit_seconds = 0;
};

/// A model fitted on all rows: coefficients on the original features, and what to report.
struct Refit {
  Eigen::VectorXd coef;
  double intercept = 0;
  ParamSet params;                                         ///< what it was fitted with (alpha or C, pca.n_components)
  std::vector<std::pair<std::string, std::int64_t>> counts;  ///< more datasets (logistic: n_iter, converged)
  nlohmann::json summary = nlohmann::json::object();       ///< more summary fields
};

class SearchModel {
 public:
  virtual ~SearchModel() = default;
  /// The name in report lines ("ridge").
  virtual std::string name() const = 0;
  /// The candidate of the [model] keys alone, for a fit without [search].
  virtual ParamSet own_parameters() const = 0;
  /// [model.pca] n_components, if the model has a PCA step of its own (the grid may add others).
  virtual std::optional<std::int64_t> pca_components() const { return std::nullopt; }
  /// For a classifier, what needs a binary target, for messages ("logistic regression"): the
  /// target's two classes are found first (search/target_classes) and every pass reads them as 0 and 1.
  virtual std::optional<std::string> binary_target(const XyData&) const { return std::nullopt; }
  /// The class whose probability a classifier models; the larger of the two when not given.
  virtual std::optional<double> positive_class() const { return std::nullopt; }
  /// True for a classifier: [predict] then writes labels and probabilities, not values.
  virtual bool classifies() const { return false; }
  /// True when later passes read the data again: the first pass's chunks are then kept on the
  /// workers (when they fit in memory) and those passes share them.
  virtual bool rereads_data() const { return false; }
  /// Checks of the statistics before any fit (InputError).
  virtual void check(const FoldStatistics&) const {}
  /// The candidates to score, from the user's grid (each holds the grid's parameters): a model may
  /// derive parameters from the statistics (elastic net: ElasticNetCV's alphas from α_max).
  virtual std::vector<ParamSet> candidates(const FoldStatistics&, std::vector<ParamSet> grid) const { return grid; }
  /// Every candidate's score on every fold. Each candidate holds every parameter: those of the
  /// grid, and own_parameters() for the rest.
  virtual std::vector<CandidateScores> score(Client& client, const FoldStatistics& stats, const std::vector<ParamSet>& grid,
                                             const std::string& scoring) = 0;
  /// `params` fitted on all rows.
  virtual Refit refit(Client& client, const FoldStatistics& stats, const ParamSet& params) = 0;
  /// How the fitting went, for the report line ("1 pass over the data").
  virtual std::string fitting() const = 0;
  /// Fields the model adds to the summary at the end (logistic: every model's Newton steps), and
  /// datasets it adds to the output (elastic net: its regularisation path).
  virtual void summarize(nlohmann::json&) const {}
  virtual void write_datasets(hid_t) const {}
};

/// The graph of the first pass, for `tessera graph`.
PlannedGraph plan_search(const JobSpec& job, const SearchModel& model);

/// Runs the search (or the plain fit without [cv]) and publishes everything; returns the summary.
nlohmann::json run_search(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report, SearchModel& model);

/// A JobType's `plan` and `run` for a SearchModel M constructed from the job:
/// `JobType{name, summary, schema, defaults, plan_search_job<RidgeModel>, run_search_job<RidgeModel>}`.
template <class M>
PlannedGraph plan_search_job(const JobSpec& job, int) {
  const M model(job);
  return plan_search(job, model);
}
template <class M>
nlohmann::json run_search_job(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report) {
  M model(job);
  return run_search(client, job, output, report, model);
}

}  // namespace tessera
