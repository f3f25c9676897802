#include "jobs/ridge/ridge_job.hpp"
#include "tessera/search/search_figures.hpp"

#include <chrono>

#include <fmt/format.h>

#include "jobs/ridge/ridge_fit.hpp"
#include "tessera/search/cv_search.hpp"
#include "tessera/stats/standardize.hpp"

namespace tessera {
namespace {

/// Ridge, or PCA then ridge, fitted and scored from the fold statistics alone: no pass but the first.
class RidgeModel : public SearchModel {
 public:
  explicit RidgeModel(const JobSpec& job) : options_(job.model.as<RidgeOptions>()) {}

  std::string name() const override { return "ridge"; }

  std::optional<std::int64_t> pca_components() const override { return options_.pca_components; }

  ParamSet own_parameters() const override {
    ParamSet p{{"alpha", options_.alpha}};
    if (options_.pca_components) p["pca.n_components"] = static_cast<double>(*options_.pca_components);
    return p;
  }

  std::vector<CandidateScores> score(Client&, const FoldStatistics& stats, const std::vector<ParamSet>& grid,
                                     const std::string& scoring) override {
    std::vector<CandidateScores> out;
    for (const ParamSet& params : grid) {
      CandidateScores c;
      const auto start = std::chrono::steady_clock::now();
      for (int k = 0; k < stats.folds(); ++k) {
        const LinearFit fit = fit_on(stats, k, params);
        const Eigen::MatrixXd& test = stats.test(k);
        c.scores.push_back(scoring == "neg_mean_squared_error" ? -sse_from_gram(test, fit) / test(0, 0) : r2_from_gram(test, fit));
      }
      c.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      out.push_back(std::move(c));
    }
    return out;
  }

  Refit refit(Client&, const FoldStatistics& stats, const ParamSet& params) override {
    const LinearFit fit = fit_on(stats, -1, params);
    return Refit{fit.coef, fit.intercept, params};
  }

  std::string fitting() const override { return "1 pass over the data"; }

 private:
  /// The candidate `params` fitted on the training rows of `fold` (-1: all rows), on the original
  /// features (with standardize, fitted on the standardized ones and scaled back).
  LinearFit fit_on(const FoldStatistics& stats, int fold, const ParamSet& params) const {
    const double alpha = params.at("alpha");
    const StandardizedGram* scaled = options_.standardize ? &stats.standardized(fold) : nullptr;
    const Eigen::MatrixXd train = scaled ? scaled->gram : stats.training(fold);
    LinearFit fit;
    if (auto it = params.find("pca.n_components"); it != params.end()) {
      const PrincipalAxes& axes = stats.axes(fold, options_.standardize);
      fit = pca_ridge_from_gram(train, axes, static_cast<Eigen::Index>(it->second), alpha, options_.fit_intercept);
    } else {
      fit = ridge_from_gram(train, alpha, options_.fit_intercept);
    }
    return scaled ? on_original_scale(fit, scaled->scaling) : fit;
  }

  RidgeOptions options_;
};

ModelSchema schema() {
  return regressor_schema<RidgeOptions>(
      {{"alpha", {"ridge.alpha"}, Check::finite_non_negative}, {"pca.n_components", {}, Check::at_least_one, true}});
}

}  // namespace

const JobType ridge_job{"ridge",
                        "Ridge regression, as scikit-learn's Ridge, with [cv] and [search]; a PCA step first with "
                        "[model.pca] (docs/model-selection.md).",
                        schema,
                        [] { return option_defaults<RidgeOptions>(); },
                        plan_search_job<RidgeModel>,
                        run_search_job<RidgeModel>,
                        search_figures};

}  // namespace tessera
