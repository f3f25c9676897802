#include "jobs/ridge/ridge_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "jobs/ridge/ridge_fit.hpp"
#include "tessera/search/results.hpp"
#include "tessera/plan/xy_data.hpp"

namespace tessera {
namespace {

/// One graph, one pass: per-chunk, per-fold augmented Gram matrices, summed up a tree (with no
/// [cv], a single "fold": all rows).
PlannedGraph plan(const JobSpec& job, const XyData& in) {
  PlannedGraph plan;
  const ChunkReads reads = read_xy_chunks(plan.graph, in.x, in.y, in.chunk_rows);
  plan.outputs = {add_fold_grams(plan.graph, reads, job, in)};
  return plan;
}

/// A candidate's model: ridge, or PCA then ridge. `axes` are the training rows' principal axes.
struct ModelChoice {
  double alpha = 1;
  std::optional<Eigen::Index> components;
};

ModelChoice choice_of(const ParamSet& params, const JobSpec& job) {
  ModelChoice m{job.model.alpha, job.model.pca_components};
  if (auto it = params.find("alpha"); it != params.end()) m.alpha = it->second;
  if (auto it = params.find("pca.n_components"); it != params.end()) m.components = static_cast<Eigen::Index>(it->second);
  return m;
}

LinearFit fit_model(const Eigen::MatrixXd& train, const ModelChoice& m, bool intercept, const std::optional<PrincipalAxes>& axes) {
  if (m.components) return pca_ridge_from_gram(train, *axes, *m.components, m.alpha, intercept);
  return ridge_from_gram(train, m.alpha, intercept);
}

double score(const std::string& scoring, const Eigen::MatrixXd& test, const LinearFit& fit) {
  if (scoring == "neg_mean_squared_error") return -sse_from_gram(test, fit) / test(0, 0);
  return r2_from_gram(test, fit);
}

}  // namespace

PlannedGraph plan_ridge(const JobSpec& job) { return plan(job, open_xy(job)); }

nlohmann::json run_ridge(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report) {
  const XyData in = open_xy(job);
  const bool intercept = job.model.fit_intercept;
  const std::string csv = job.cv ? output.companion(csv_path_for(job.output.path)).temp_path() : std::string();
  const PlannedGraph pass = plan(job, in);
  const auto fold_grams = from_value<FoldGram::Result>(*client.gather(client.submit(pass.graph, pass.outputs).front()));
  const std::vector<Eigen::MatrixXd>& stats = fold_grams.grams;

  Eigen::MatrixXd total = Eigen::MatrixXd::Zero(stats[0].rows(), stats[0].cols());
  for (const auto& fold : stats) total += fold;
  require_finite_gram(total, in.x, in.y);
  nlohmann::json summary{{"passes", 1}};
  LinearFit final_fit;
  ParamSet best_params;

  if (job.cv) {
    const std::int64_t folds = job.cv->folds;
    const SearchSpec search = search_of(job, "alpha", job.model.alpha, "r2");
    const auto grid = expand_grid(search.grid);
    // One eigen-decomposition per fold serves every candidate that has a PCA step.
    std::vector<std::optional<PrincipalAxes>> axes(static_cast<std::size_t>(folds));
    const bool any_pca = std::any_of(grid.begin(), grid.end(), [&](const auto& p) { return choice_of(p, job).components.has_value(); });
    if (any_pca)
      for (std::int64_t k = 0; k < folds; ++k) axes[static_cast<std::size_t>(k)] = principal_axes(total - stats[static_cast<std::size_t>(k)]);
    std::vector<Candidate> candidates;
    for (auto& params : grid) {
      Candidate c{params};
      const ModelChoice model = choice_of(params, job);
      const auto start = std::chrono::steady_clock::now();
      for (std::int64_t k = 0; k < folds; ++k) {
        const Eigen::MatrixXd& test = stats[static_cast<std::size_t>(k)];
        const LinearFit fit = fit_model(total - test, model, intercept, axes[static_cast<std::size_t>(k)]);
        c.scores.push_back(score(search.scoring, test, fit));
      }
      c.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      candidates.push_back(std::move(c));
    }
    const std::size_t best = rank_candidates(candidates, search.scoring);
    best_params = candidates[best].params;

    report << fmt::format("ridge: {}-fold cross-validation, scoring {}, {} candidate(s), 1 pass over the data\n", folds,
                          search.scoring, candidates.size());
    publish_results(report, summary, output, csv, candidates, best, search.scoring);
    if (!search.refit) return summary;
  }
  const ModelChoice final_model = choice_of(best_params, job);
  std::optional<PrincipalAxes> total_axes;
  if (final_model.components) total_axes = principal_axes(total);
  final_fit = fit_model(total, final_model, intercept, total_axes);
  ParamSet fitted{{"alpha", final_model.alpha}};
  if (final_model.components) fitted["pca.n_components"] = static_cast<double>(*final_model.components);
  write_refit(output.hdf5(), summary, final_fit.coef, final_fit.intercept, fitted);
  if (!job.cv) report << fmt::format("ridge: alpha = {:.6g}, fitted on {} rows\n", final_model.alpha, in.x.rows) << std::flush;
  return summary;
}

}  // namespace tessera
