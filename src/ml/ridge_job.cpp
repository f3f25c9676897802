#include "tessera/ml/ridge_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/ml/blocks.hpp"
#include "tessera/ml/folds.hpp"
#include "tessera/ml/ridge.hpp"

namespace tessera {
namespace {

struct RidgeInputs {
  MatrixSource x, y;
  std::int64_t chunk_rows = 0;
};

RidgeInputs check_inputs(const JobSpec& job) {
  RidgeInputs in{open_source(job.data.path, job.data.features, 2), open_source(job.data.path, job.data.target, 1)};
  if (in.y.rows != in.x.rows)
    throw InputError(fmt::format("{}:{} has {} rows but {}:{} has {}", in.y.path, in.y.dataset, in.y.rows, in.x.path,
                                 in.x.dataset, in.x.rows));
  if (job.cv) Folds(in.x.rows, job.cv->folds);  // throws for folds > rows
  std::int64_t most_components = job.model.pca_components.value_or(0);
  if (job.search)
    if (auto it = job.search->grid.find("pca.n_components"); it != job.search->grid.end())
      for (double v : it->second) most_components = std::max(most_components, static_cast<std::int64_t>(v));
  if (most_components > in.x.cols)
    throw InputError(fmt::format("pca: n_components ({}) exceeds the number of features of {}:{} ({})", most_components,
                                 in.x.path, in.x.dataset, in.x.cols));
  in.chunk_rows = choose_chunk_rows(job.data.chunk_rows, in.x);
  return in;
}

/// One graph, one pass: per-chunk, per-fold augmented Gram matrices, summed up a tree (with no
/// [cv], a single "fold": all rows).
PlannedGraph plan(const JobSpec& job, const RidgeInputs& in) {
  PlannedGraph plan;
  const auto chunks = row_chunks(in.x.rows, in.chunk_rows);
  const ChunkReads reads = read_xy_chunks(plan.graph, in.x, in.y, in.chunk_rows);
  std::vector<TaskKey> leaves;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    Task t = job.cv ? Task{"fold_gram",
                           {{"row_begin", chunks[i].begin},
                            {"rows", in.x.rows},
                            {"folds", job.cv->folds},
                            {"shuffle", std::int64_t{job.cv->shuffle}},
                            {"seed", job.cv->seed}},
                           {reads.x[i], reads.y[i]}}
                    : Task{"gram_aug", {{"intercept", std::int64_t{1}}}, {reads.x[i], reads.y[i]}};
    leaves.push_back(plan.graph.add(std::move(t)));
  }
  plan.outputs = {tree_reduce(plan.graph, leaves)};
  return plan;
}

struct Candidate {
  std::map<std::string, double> params;
  std::vector<double> scores;
  double mean = 0, std = 0, fit_seconds = 0;
  std::int64_t rank = 0;
};

/// scikit-learn's ParameterGrid order: names sorted, the last varying fastest.
std::vector<std::map<std::string, double>> expand(const std::map<std::string, std::vector<double>>& grid) {
  std::vector<std::map<std::string, double>> out{{}};
  for (const auto& [name, values] : grid) {
    std::vector<std::map<std::string, double>> next;
    for (const auto& partial : out)
      for (double v : values) {
        auto p = partial;
        p[name] = v;
        next.push_back(std::move(p));
      }
    out = std::move(next);
  }
  return out;
}

/// A candidate's model: ridge, or PCA then ridge. `axes` are the training rows' principal axes.
struct ModelChoice {
  double alpha = 1;
  std::optional<Eigen::Index> components;
};

ModelChoice choice_of(const std::map<std::string, double>& params, const JobSpec& job) {
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
  const double sse = sse_from_gram(test, fit);
  if (scoring == "neg_mean_squared_error") return -sse / test(0, 0);
  return 1 - sse / tss_from_gram(test);  // r2
}

void write_csv(const std::string& path, const std::vector<Candidate>& candidates, std::int64_t folds) {
  std::ofstream csv(path);
  if (!csv) throw IoError(path + ": cannot write");
  csv.precision(17);
  for (const auto& [name, value] : candidates.front().params) csv << "param_" << name << ",";
  for (std::int64_t k = 0; k < folds; ++k) csv << "split" << k << "_test_score,";
  csv << "mean_test_score,std_test_score,rank_test_score,fit_seconds\n";
  for (const auto& c : candidates) {
    for (const auto& [name, value] : c.params) csv << value << ",";
    for (double s : c.scores) csv << s << ",";
    csv << c.mean << "," << c.std << "," << c.rank << "," << c.fit_seconds << "\n";
  }
  if (!csv.flush()) throw IoError(path + ": writing failed");
}

/// NAME.csv beside NAME.h5 (NAME.csv.csv if the output itself is called NAME.csv).
std::string csv_path_for(const std::string& output) {
  const std::string csv = std::filesystem::path(output).replace_extension(".csv").string();
  return csv == output ? output + ".csv" : csv;
}

}  // namespace

PlannedGraph plan_ridge(const JobSpec& job) { return plan(job, check_inputs(job)); }

nlohmann::json run_ridge(Client& client, const JobSpec& job, AtomicOutput& output, std::ostream& report) {
  const RidgeInputs in = check_inputs(job);
  const bool intercept = job.model.fit_intercept;
  std::optional<AtomicOutput> csv;
  if (job.cv) csv.emplace(csv_path_for(job.output.path), job.output.overwrite);
  const PlannedGraph pass = plan(job, in);
  const ValuePtr stats = client.gather(client.submit(pass.graph, pass.outputs).front());

  Eigen::MatrixXd total = Eigen::MatrixXd::Zero((*stats)[0].rows(), (*stats)[0].cols());
  for (const auto& fold : stats->blocks) total += fold;
  nlohmann::json summary{{"passes", 1}};
  LinearFit final_fit;
  std::map<std::string, double> best_params;

  if (job.cv) {
    const std::int64_t folds = job.cv->folds;
    const SearchSpec search = job.search.value_or(SearchSpec{{{"alpha", {job.model.alpha}}}, "r2", true});
    const auto grid = expand(search.grid);
    // One eigen-decomposition per fold serves every candidate that has a PCA step.
    std::vector<std::optional<PrincipalAxes>> axes(static_cast<std::size_t>(folds));
    const bool any_pca = std::any_of(grid.begin(), grid.end(), [&](const auto& p) { return choice_of(p, job).components.has_value(); });
    if (any_pca)
      for (std::int64_t k = 0; k < folds; ++k) axes[static_cast<std::size_t>(k)] = principal_axes(total - (*stats)[static_cast<std::size_t>(k)]);
    std::vector<Candidate> candidates;
    for (auto& params : grid) {
      Candidate c{params};
      const ModelChoice model = choice_of(params, job);
      const auto start = std::chrono::steady_clock::now();
      for (std::int64_t k = 0; k < folds; ++k) {
        const Eigen::MatrixXd& test = (*stats)[static_cast<std::size_t>(k)];
        const LinearFit fit = fit_model(total - test, model, intercept, axes[static_cast<std::size_t>(k)]);
        c.scores.push_back(score(search.scoring, test, fit));
      }
      c.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (double s : c.scores) c.mean += s / static_cast<double>(folds);
      for (double s : c.scores) c.std += (s - c.mean) * (s - c.mean) / static_cast<double>(folds);
      c.std = std::sqrt(c.std);
      candidates.push_back(std::move(c));
    }
    // Rank as scikit-learn does: 1 for the best mean score, ties share the smallest rank.
    for (auto& c : candidates)
      c.rank = 1 + std::count_if(candidates.begin(), candidates.end(), [&](const Candidate& o) { return o.mean > c.mean; });
    const auto best = std::min_element(candidates.begin(), candidates.end(),
                                       [](const Candidate& a, const Candidate& b) { return a.rank < b.rank; });
    best_params = best->params;

    report << fmt::format("ridge: {}-fold cross-validation, scoring {}, {} candidate(s), 1 pass over the data\n", folds,
                          search.scoring, candidates.size());
    for (const auto& [name, value] : candidates.front().params) report << fmt::format("{:>18} ", name);
    report << fmt::format("{:>14} {:>12} {:>5}\n", "mean score", "std", "rank");
    for (const auto& c : candidates) {
      for (const auto& [name, value] : c.params) report << fmt::format("{:>18.6g} ", value);
      report << fmt::format("{:>14.8g} {:>12.4g} {:>5}\n", c.mean, c.std, c.rank);
    }
    report << fmt::format("best: {}, mean {} = {:.10g}\n", nlohmann::json(best->params).dump(), search.scoring, best->mean) << std::flush;

    nlohmann::json results = nlohmann::json::array();
    for (const auto& c : candidates)
      results.push_back({{"params", c.params}, {"split_test_scores", c.scores}, {"mean_test_score", c.mean},
                         {"std_test_score", c.std}, {"rank_test_score", c.rank}, {"fit_seconds", c.fit_seconds}});
    summary["cv_results"] = results;
    summary["best_params"] = best->params;
    summary["best_score"] = best->mean;
    summary["scoring"] = search.scoring;
    summary["folds"] = folds;

    write_csv(csv->temp_path(), candidates, folds);
    hdf5::Handle file = output.create();
    for (const auto& [name, value] : candidates.front().params) {
      std::vector<double> column;
      for (const auto& c : candidates) column.push_back(c.params.at(name));
      hdf5::write_matrix(file.id(), "param_" + name, column.data(), column.size(), 0);
    }
    for (std::int64_t k = 0; k < folds; ++k) {
      std::vector<double> column;
      for (const auto& c : candidates) column.push_back(c.scores[static_cast<std::size_t>(k)]);
      hdf5::write_matrix(file.id(), fmt::format("split{}_test_score", k), column.data(), column.size(), 0);
    }
    for (const auto& [name, get] : std::vector<std::pair<std::string, double (*)(const Candidate&)>>{
             {"mean_test_score", [](const Candidate& c) { return c.mean; }},
             {"std_test_score", [](const Candidate& c) { return c.std; }},
             {"rank_test_score", [](const Candidate& c) { return static_cast<double>(c.rank); }},
             {"fit_seconds", [](const Candidate& c) { return c.fit_seconds; }}}) {
      std::vector<double> column;
      for (const auto& c : candidates) column.push_back(get(c));
      hdf5::write_matrix(file.id(), name, column.data(), column.size(), 0);
    }
    hdf5::write_scalar(file.id(), "best_score", best->mean);
    if (!search.refit) {
      csv->commit();
      return summary;
    }
  }
  const ModelChoice final_model = choice_of(best_params, job);
  std::optional<PrincipalAxes> total_axes;
  if (final_model.components) total_axes = principal_axes(total);
  final_fit = fit_model(total, final_model, intercept, total_axes);
  {
    hdf5::Handle file = job.cv ? output.reopen() : output.create();
    hdf5::write_matrix(file.id(), "coef", final_fit.coef.data(), static_cast<std::uint64_t>(final_fit.coef.size()), 0);
    hdf5::write_scalar(file.id(), "intercept", final_fit.intercept);
    hdf5::write_scalar(file.id(), "alpha", final_model.alpha);
    if (final_model.components) hdf5::write_scalar(file.id(), "pca_n_components", static_cast<double>(*final_model.components));
  }
  if (csv) csv->commit();
  std::vector<double> coef(final_fit.coef.data(), final_fit.coef.data() + final_fit.coef.size());
  summary["coef"] = coef;
  summary["intercept"] = final_fit.intercept;
  summary["alpha"] = final_model.alpha;
  if (!job.cv) report << fmt::format("ridge: alpha = {:.6g}, fitted on {} rows\n", final_model.alpha, in.x.rows) << std::flush;
  return summary;
}

}  // namespace tessera
