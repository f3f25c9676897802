#pragma once
/// @file
/// What every grid search shares, whatever the model: the candidates in scikit-learn's
/// ParameterGrid order, their mean/std/rank over the folds, and the results table written as HDF5
/// datasets, a CSV beside the output, a readable table and JSON.
#include <Eigen/Core>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "tessera/io/output_file.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/job/job_spec.hpp"

namespace tessera {

/// One point of the grid: parameter name -> value.
using ParamSet = std::map<std::string, double>;

/// Every combination of the grid's values, names sorted and the last name varying fastest (the
/// order of scikit-learn's ParameterGrid, so candidate i is the same candidate in both).
std::vector<ParamSet> expand_grid(const std::map<std::string, std::vector<double>>& grid);

/// The names a parameter's values stand for, a candidate holding each one's index: logistic
/// regression's penalty ("l2", "l1", "elasticnet"). Null for a parameter whose values are numbers.
const std::vector<std::string>* value_names(const std::string& parameter);

/// Parameters as JSON: whole-number parameters (pca.n_components) as integers, named values
/// (penalty) as their names.
nlohmann::json params_json(const ParamSet& params);

struct Candidate {
  ParamSet params;
  std::vector<double> scores;  ///< one per fold
  double mean = 0, std = 0, fit_seconds = 0;
  std::int64_t rank = 0;
};

/// Fills each candidate's mean, (population) std and rank — 1 for the best mean, ties sharing the
/// smallest rank, NaN means last, as scikit-learn ranks — and returns the index of the best (the
/// first of rank 1). Warns when some split's `scoring` is undefined (NaN); InputError when every
/// candidate's mean is.
std::size_t rank_candidates(std::vector<Candidate>& candidates, const std::string& scoring);

/// Why `scoring` can be undefined on a split, for messages.
std::string undefined_score_reason(const std::string& scoring);

/// The fewest significant digits (6 to 17) that print every distinct finite value differently.
int digits_to_tell_apart(std::vector<double> values);

/// Everything a search reports, in one call: the table on `report`; `cv_results`, `best_params`,
/// `best_score`, `scoring`, `folds` in `summary`; the CSV at `csv_path`; the results datasets in
/// the output file, which this creates.
void publish_results(std::ostream& report, nlohmann::json& summary, OutputFile& output, const std::string& csv_path,
                     const std::vector<Candidate>& candidates, std::size_t best, const std::string& scoring);

/// The results table as people read it.
void print_results(std::ostream& out, const std::vector<Candidate>& candidates, const std::string& scoring, std::size_t best);

/// `cv_results`, `best_params`, `best_score` for --json (pca.n_components as an integer).
void add_results_json(nlohmann::json& summary, const std::vector<Candidate>& candidates, std::size_t best);

/// param_NAME, splitK_test_score, mean/std/rank_test_score, fit_seconds and best_score datasets.
void write_results(hid_t file, const std::vector<Candidate>& candidates, std::size_t best);

/// The refit model: `coef`, `intercept` and the parameters it was fitted with (alpha or C, and
/// pca.n_components as pca_n_components) and the features' `names` (feature_names), as datasets of
/// `file` and fields of `summary`.
void write_refit(hid_t file, nlohmann::json& summary, const Eigen::VectorXd& coef, double intercept, const ParamSet& params,
                 const std::vector<std::string>& names);

/// The same table as CSV, at `path`.
void write_results_csv(const std::string& path, const std::vector<Candidate>& candidates);

/// NAME.csv beside NAME.h5 (NAME.csv.csv if the output itself is called NAME.csv).
std::string csv_path_for(const std::string& output);

}  // namespace tessera
