#include "jobs/elastic_net/elastic_net_job.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "jobs/elastic_net/coordinate_descent.hpp"
#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/search/cv_search.hpp"
#include "tessera/search/search_figures.hpp"
#include "tessera/stats/standardize.hpp"

namespace tessera {
namespace {

using Clock = std::chrono::steady_clock;

/// The fits on all rows along the grid's alphas, one row of the path per l1_ratio.
struct Path {
  std::vector<double> l1_ratios;
  std::vector<std::vector<double>> alphas;     ///< descending, per l1_ratio
  std::vector<std::vector<LinearFit>> fits;    ///< per l1_ratio, per alpha
};

/// ElasticNet or Lasso, every fit from the fold statistics alone: no pass but the first.
class ElasticNetModel : public SearchModel {
 public:
  ElasticNetModel(const JobSpec& job, const ElasticNetOptions& options, std::string name)
      : options_(options), name_(std::move(name)), lasso_(name_ == "lasso") {
    if (!options_.n_alphas) return;
    if (!job.cv) throw InputError(fmt::format("[model] n_alphas needs [cv]: it chooses alpha by cross-validation; give alpha instead"));
    const auto& grid = job.search->grid;
    if (grid.count("alpha"))
      throw InputError("[model] n_alphas and a [search] grid of alpha both choose the alphas: give one of them");
    for (double l1_ratio : grid.count("l1_ratio") ? grid.at("l1_ratio") : std::vector<double>{options_.l1_ratio})
      if (l1_ratio == 0)
        throw InputError("[model] n_alphas: the alphas are found from the L1 part of the penalty, and l1_ratio = 0 has "
                         "none; give a [search] grid of alpha for l1_ratio = 0");
    const double candidates =
        static_cast<double>(*options_.n_alphas) * static_cast<double>(grid.count("l1_ratio") ? grid.at("l1_ratio").size() : 1);
    if (candidates > static_cast<double>(job.search->max_candidates))
      throw InputError(fmt::format("[model] n_alphas = {} makes {} candidates, more than [search] max_candidates = {} "
                                   "(raise max_candidates to allow it)",
                                   *options_.n_alphas, candidates, job.search->max_candidates));
  }

  std::string name() const override { return name_; }

  /// The lasso's parameters do not name its fixed l1_ratio.
  ParamSet own_parameters() const override {
    ParamSet p;
    if (!lasso_) p["l1_ratio"] = options_.l1_ratio;
    if (!options_.n_alphas) p["alpha"] = options_.alpha;
    return p;
  }

  std::vector<ParamSet> candidates(const FoldStatistics& stats, std::vector<ParamSet> grid) const override {
    if (!options_.n_alphas) return grid;
    const ElasticNetProblem all_rows = problem_of(stats, -1).stats;
    std::vector<ParamSet> out;
    for (const ParamSet& given : grid) {
      for (double alpha : alpha_grid(all_rows, l1_ratio_of(given), *options_.n_alphas, options_.eps)) {
        ParamSet p = given;
        p["alpha"] = alpha;
        out.push_back(std::move(p));
      }
    }
    return out;
  }

  std::vector<CandidateScores> score(Client&, const FoldStatistics& stats, const std::vector<ParamSet>& grid,
                                     const std::string& scoring) override {
    std::vector<CandidateScores> out(grid.size());
    const auto paths = paths_of(grid);
    for (int k = 0; k < stats.folds(); ++k) {
      const Problem train = problem_of(stats, k);
      const Eigen::MatrixXd& test = stats.test(k);
      for (const auto& [l1_ratio, members] : paths) {
        Eigen::VectorXd coef = Eigen::VectorXd::Zero(train.stats.xy.size());
        for (std::size_t c : members) {
          const auto start = Clock::now();
          coef = solve(train.stats, grid[c], std::move(coef));
          const LinearFit fit = fit_of(train, coef);
          out[c].scores.push_back(scoring == "neg_mean_squared_error" ? -sse_from_gram(test, fit) / test(0, 0)
                                                                      : r2_from_gram(test, fit));
          out[c].fit_seconds += std::chrono::duration<double>(Clock::now() - start).count();
        }
      }
    }
    path_ = path_on_all_rows(stats, grid, paths);
    return out;
  }

  Refit refit(Client&, const FoldStatistics& stats, const ParamSet& params) override {
    const Problem all_rows = problem_of(stats, -1);
    const CoordinateDescent cd = descend(all_rows.stats, params, Eigen::VectorXd::Zero(all_rows.stats.xy.size()));
    const LinearFit fit = fit_of(all_rows, cd.coef);
    Refit r{fit.coef, fit.intercept, params};
    r.counts = {{"n_iter", cd.n_iter}, {"converged", cd.converged ? 1 : 0}};
    r.summary = {{"n_iter", cd.n_iter}, {"converged", cd.converged}};
    return r;
  }

  std::string fitting() const override {
    std::string line = fmt::format("1 pass over the data, {} coordinate-descent fit(s) on the Gram matrices", fits_);
    if (not_converged_ > 0)
      line += fmt::format("; {} did not converge within max_iter = {} (raise max_iter or tol)", not_converged_, options_.max_iter);
    return line;
  }

  void summarize(nlohmann::json& summary) const override {
    summary["fits_not_converged"] = not_converged_;
    if (!path_) return;
    nlohmann::json coef = nlohmann::json::array(), intercept = nlohmann::json::array();
    for (const auto& row : path_->fits) {
      nlohmann::json c = nlohmann::json::array(), b = nlohmann::json::array();
      for (const LinearFit& fit : row) {
        c.push_back(std::vector<double>(fit.coef.data(), fit.coef.data() + fit.coef.size()));
        b.push_back(fit.intercept);
      }
      coef.push_back(std::move(c));
      intercept.push_back(std::move(b));
    }
    summary["path"] = {{"l1_ratio", path_->l1_ratios}, {"alpha", path_->alphas}, {"coef", coef}, {"intercept", intercept}};
  }

  void write_datasets(hid_t file) const override {
    if (!path_) return;
    const auto lines = static_cast<std::uint64_t>(path_->l1_ratios.size());
    const auto points = static_cast<std::uint64_t>(path_->alphas.front().size());
    const auto p = static_cast<std::uint64_t>(path_->fits.front().front().coef.size());
    std::vector<double> alphas, coef, intercept;
    for (std::size_t l = 0; l < path_->fits.size(); ++l) {
      alphas.insert(alphas.end(), path_->alphas[l].begin(), path_->alphas[l].end());
      for (const LinearFit& fit : path_->fits[l]) {
        coef.insert(coef.end(), fit.coef.data(), fit.coef.data() + fit.coef.size());
        intercept.push_back(fit.intercept);
      }
    }
    hdf5::create_group(file, "path");
    hdf5::write_matrix(file, "path/l1_ratio", path_->l1_ratios.data(), lines, 0);
    hdf5::write_matrix(file, "path/alpha", alphas.data(), lines, points);
    hdf5::write_array(file, "path/coef", coef.data(), {lines, points, p});
    hdf5::write_matrix(file, "path/intercept", intercept.data(), lines, points);
  }

 private:
  /// The problem of fold `fold`'s training rows (-1: all rows); with standardize, of their
  /// standardized features, with the scaling that gives its fits back on the original ones.
  struct Problem {
    ElasticNetProblem stats;
    std::optional<Standardization> scaling;
  };
  Problem problem_of(const FoldStatistics& stats, int fold) const {
    if (!options_.standardize) return {elastic_net_problem(stats.training(fold), options_.fit_intercept), std::nullopt};
    const StandardizedGram& z = stats.standardized(fold);
    return {elastic_net_problem(z.gram, options_.fit_intercept), z.scaling};
  }
  LinearFit fit_of(const Problem& problem, const Eigen::VectorXd& coef) const {
    const LinearFit fit = elastic_net_fit(problem.stats, coef);
    return problem.scaling ? on_original_scale(fit, *problem.scaling) : fit;
  }

  /// Coordinate descent for `params` from `start`, counted.
  CoordinateDescent descend(const ElasticNetProblem& problem, const ParamSet& params, Eigen::VectorXd start) {
    CoordinateDescent cd = coordinate_descent(problem, params.at("alpha"), l1_ratio_of(params), options_.tol,
                                              options_.max_iter, std::move(start));
    ++fits_;
    if (!cd.converged) ++not_converged_;
    return cd;
  }
  Eigen::VectorXd solve(const ElasticNetProblem& problem, const ParamSet& params, Eigen::VectorXd start) {
    return descend(problem, params, std::move(start)).coef;
  }

  /// The path on all rows: coefficients against alpha, the output's `path` datasets. A grid that
  /// is not alpha × l1_ratio (every l1_ratio with the same number of alphas) has none.
  std::optional<Path> path_on_all_rows(const FoldStatistics& stats, const std::vector<ParamSet>& grid,
                                       const std::map<double, std::vector<std::size_t>>& paths) {
    const Problem all_rows = problem_of(stats, -1);
    Path path;
    for (const auto& [l1_ratio, members] : paths) {
      if (members.size() != paths.begin()->second.size()) return std::nullopt;
      path.l1_ratios.push_back(l1_ratio);
      path.alphas.emplace_back();
      path.fits.emplace_back();
      Eigen::VectorXd coef = Eigen::VectorXd::Zero(all_rows.stats.xy.size());
      for (std::size_t c : members) {
        coef = solve(all_rows.stats, grid[c], std::move(coef));
        path.alphas.back().push_back(grid[c].at("alpha"));
        path.fits.back().push_back(fit_of(all_rows, coef));
      }
    }
    return path;
  }

  double l1_ratio_of(const ParamSet& params) const {
    const auto it = params.find("l1_ratio");
    return it == params.end() ? options_.l1_ratio : it->second;
  }

  /// For each l1_ratio of `grid`, the indices of its candidates in descending alpha: the order in
  /// which each fit warm-starts the next, as scikit-learn's enet_path.
  std::map<double, std::vector<std::size_t>> paths_of(const std::vector<ParamSet>& grid) const {
    std::map<double, std::vector<std::size_t>> paths;
    for (std::size_t c = 0; c < grid.size(); ++c) paths[l1_ratio_of(grid[c])].push_back(c);
    for (auto& [l1_ratio, members] : paths)
      std::stable_sort(members.begin(), members.end(),
                       [&](std::size_t a, std::size_t b) { return grid[a].at("alpha") > grid[b].at("alpha"); });
    return paths;
  }

  ElasticNetOptions options_;
  std::string name_;
  bool lasso_;
  std::int64_t fits_ = 0, not_converged_ = 0;
  std::optional<Path> path_;
};

class ElasticNet : public ElasticNetModel {
 public:
  explicit ElasticNet(const JobSpec& job) : ElasticNetModel(job, job.model.as<ElasticNetOptions>(), "elastic net") {}
};

class Lasso : public ElasticNetModel {
 public:
  explicit Lasso(const JobSpec& job) : ElasticNetModel(job, job.model.as<LassoOptions>(), "lasso") {}
};

template <class Options>
ModelSchema schema() {
  std::vector<GridParameter> grid = {{"alpha", {}, Check::finite_non_negative}};
  if constexpr (std::is_same_v<Options, ElasticNetOptions>) grid.push_back({"l1_ratio", {}, Check::unit_interval});
  return regressor_schema<Options>(std::move(grid));
}

}  // namespace

const JobType elastic_net_job{"elastic_net",
                              "Elastic net, as scikit-learn's ElasticNet, with [cv] and [search] over alpha and l1_ratio "
                              "(ElasticNetCV's alphas with n_alphas); every path from one pass (docs/model-selection.md).",
                              schema<ElasticNetOptions>,
                              [] { return option_defaults<ElasticNetOptions>(); },
                              plan_search_job<ElasticNet>,
                              run_search_job<ElasticNet>,
                              search_figures};

const JobType lasso_job{"lasso",
                        "The lasso, as scikit-learn's Lasso: the elastic net with l1_ratio = 1, with [cv] and [search] "
                        "over alpha (docs/model-selection.md).",
                        schema<LassoOptions>,
                        [] { return option_defaults<LassoOptions>(); },
                        plan_search_job<Lasso>,
                        run_search_job<Lasso>,
                        search_figures};

}  // namespace tessera
