#include "jobs/logistic/logistic_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <Eigen/QR>
#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/kernels/logistic.hpp"
#include "tessera/kernels/metrics.hpp"
#include "jobs/logistic/newton_solver.hpp"
#include "tessera/stats/metrics.hpp"
#include "tessera/search/results.hpp"
#include "tessera/plan/xy_data.hpp"
#include "tessera/core/log.hpp"

namespace tessera {
namespace {

/// Rows the Hessian is measured on, at least: a fixed sample (every s-th row) this large makes
/// each step nearly a full Newton step (relative error ~ sqrt(p / rows)) at a fraction of the cost.
constexpr std::int64_t hessian_sample_rows = 65536;
/// Chunks stay in the workers' memory between passes when the data take at most this much per worker.
constexpr std::int64_t cache_bytes_per_worker = std::int64_t{1} << 30;

/// One model being fitted: candidate `candidate` on the training rows of fold `fold` (-1: all rows).
struct Model {
  std::size_t candidate;
  int fold;
  NewtonSolver solver;
  ClassificationCounts test;  ///< on the fold's rows, at the last accepted iterate
  double auc = 0;
  int evaluations = 1;  ///< passes it took part in (the first, from the Gram matrices, included)
};

struct FirstPass {
  PlannedGraph plan;
  ChunkReads reads;
};

FirstPass first_pass(const JobSpec& job, const XyData& in) {
  FirstPass first;
  first.reads = read_xy_chunks(first.plan.graph, in.x, in.y, in.chunk_rows);
  first.plan.outputs = {add_fold_grams(first.plan.graph, first.reads, job, in, in.y.path + ":" + in.y.dataset)};
  return first;
}

/// The models one pass evaluates: their coefficients θ side by side, and their folds.
struct Batch {
  std::vector<double> coef, fold;
  void add(const Eigen::VectorXd& theta, int model_fold) {
    coef.insert(coef.end(), theta.data(), theta.data() + theta.size());
    fold.push_back(model_fold);
  }
};

/// Per chunk, a task of contract K on the batch (its parameters from `params_of(models of the
/// chunk)`). The chunk reads are the first pass's keys again: when those are held, they are
/// shared, not read again.
template <class K, class MakeParams>
std::vector<TaskKey> add_model_pass(Graph& graph, const JobSpec& job, const XyData& in, const Batch& batch, MakeParams params_of) {
  const ChunkReads reads = read_xy_chunks(graph, in.x, in.y, in.chunk_rows);
  const auto chunks = row_chunks(in.x.rows, in.chunk_rows);
  std::vector<TaskKey> leaves;
  for (std::size_t i = 0; i < chunks.size(); ++i)
    leaves.push_back(graph.add(
        task_of<K>(params_of(LogisticModels{fold_assignment(job, in), chunks[i].begin, batch.coef, batch.fold}), {reads.x[i], reads.y[i]})));
  return leaves;
}

/// Runs passes until every model has stopped: each pass measures every active model at its
/// current point. Returns the number of passes.
int fit(Client& client, std::vector<Model>& models, const JobSpec& job, const XyData& in) {
  const std::int64_t stride = std::max<std::int64_t>(1, in.x.rows / hessian_sample_rows);
  const Eigen::Index q = in.x.cols + 1;
  int passes = 0;
  for (;;) {
    std::vector<std::size_t> active;
    Batch batch;
    std::vector<double> hessian_models;
    for (std::size_t i = 0; i < models.size(); ++i) {
      if (models[i].solver.done()) continue;
      active.push_back(i);
      hessian_models.push_back(models[i].solver.wants_hessian() ? 1 : 0);
      batch.add(models[i].solver.theta(), models[i].fold);
    }
    if (active.empty()) return passes;
    Graph graph;
    const TaskKey root = reduce<Sum>(graph, add_model_pass<LogisticPass>(graph, job, in, batch, [&](LogisticModels batch_models) {
                                       return LogisticPass::Params{std::move(batch_models), stride, hessian_models};
                                     }));
    const auto stats = from_value<LogisticPass::Result>(*client.gather(client.submit(graph, {root}).front()));
    ++passes;
    for (std::size_t a = 0; a < active.size(); ++a) {
      Model& m = models[active[a]];
      const auto j = static_cast<Eigen::Index>(a);
      // The Hessian was summed over a sample of the training rows: scale it to all of them.
      const double scale = stats.rows(1, j) > 0 ? stats.rows(0, j) / stats.rows(1, j) : 1;
      const LogisticStats s{stats.loss(0, j), stats.grad.col(j),
                            hessian_models[a] != 0 ? Eigen::MatrixXd(stats.hessians.middleCols(j * q, q) * scale) : Eigen::MatrixXd()};
      ++m.evaluations;
      if (m.solver.update(s)) m.test = stats.test_counts(j);
    }
  }
}

/// A target of one class has no finite optimum (the intercept runs off to infinity); scikit-learn
/// refuses it too. `gram` is the augmented Gram matrix of the rows in question.
void require_both_classes(const Eigen::MatrixXd& gram, const std::string& where, const XyData& in) {
  const double rows = gram(0, 0), ones = gram(0, gram.cols() - 1);
  if (ones > 0 && ones < rows) return;
  throw InputError(fmt::format("{}:{} holds only class {}{} ({} rows): logistic regression needs both classes{}", in.y.path,
                               in.y.dataset, ones > 0 ? 1 : 0, where, rows, where.empty() ? "" : " (try [cv] shuffle = true)"));
}

/// Every pass returns a Hessian per model, (p + 1)² values for each of folds x candidates models:
/// refuse up front what would not fit in a worker's memory, nor in one message.
void require_models_fit_in_a_pass(const JobSpec& job, const XyData& in) {
  double models = job.cv ? static_cast<double>(job.cv->folds) : 1;
  if (job.search)
    for (const auto& [name, values] : job.search->grid) models *= static_cast<double>(values.size());
  const double bytes = models * static_cast<double>((in.x.cols + 1) * (in.x.cols + 3)) * 8;
  if (bytes > static_cast<double>(max_fold_statistics_bytes))
    throw InputError(fmt::format("logistic: {} models (folds x candidates) with {} features need {:.3g} GB of statistics per "
                                 "chunk and pass (at most {:.3g} GB); use fewer folds or candidates",
                                 models, in.x.cols, bytes / 1e9, static_cast<double>(max_fold_statistics_bytes) / 1e9));
}

std::string describe(const ParamSet& params) {
  std::string out;
  for (const auto& [name, value] : params) out += fmt::format("{}{}={:.6g}", out.empty() ? "" : ", ", name, value);
  return out;
}

}  // namespace

PlannedGraph plan_logistic(const JobSpec& job) { return first_pass(job, open_xy(job)).plan; }

nlohmann::json run_logistic(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report) {
  const auto start = std::chrono::steady_clock::now();
  const XyData in = open_xy(job);
  const bool intercept = job.model.fit_intercept;
  const std::string csv = job.cv ? output.companion(csv_path_for(job.output.path)).temp_path() : std::string();
  require_models_fit_in_a_pass(job, in);

  // Pass 1: per-fold Gram matrices. The chunks it reads stay on the workers if they fit.
  const FirstPass first = first_pass(job, in);
  const std::int64_t data_bytes = in.x.rows * (in.x.cols + 1) * 8;
  const bool cache = data_bytes <= cache_bytes_per_worker * client.workers();
  std::vector<TaskKey> wanted = first.plan.outputs;
  if (cache) {
    wanted.insert(wanted.end(), first.reads.x.begin(), first.reads.x.end());
    wanted.insert(wanted.end(), first.reads.y.begin(), first.reads.y.end());
  }
  std::vector<Future> held = client.submit(first.plan.graph, wanted);
  const auto fold_grams = from_value<FoldGram::Result>(*client.gather(held.front()));
  const std::vector<Eigen::MatrixXd>& grams = fold_grams.grams;
  int passes = 1;
  Eigen::MatrixXd total = Eigen::MatrixXd::Zero(grams[0].rows(), grams[0].cols());
  for (const auto& g : grams) total += g;
  require_finite_gram(total, in.x, in.y);

  const int folds = job.cv ? static_cast<int>(job.cv->folds) : 0;
  require_both_classes(total, "", in);
  for (int fold = 0; fold < folds; ++fold)
    require_both_classes(total - grams[static_cast<std::size_t>(fold)], fmt::format(" in the training rows of fold {}", fold), in);
  const SearchSpec search = search_of(job, "C", job.model.C, "accuracy");
  const std::vector<ParamSet> grid = expand_grid(search.grid);
  const bool refit = !job.cv || search.refit;
  auto components_of = [&](const ParamSet& params) -> std::optional<Eigen::Index> {
    if (auto it = params.find("pca.n_components"); it != params.end()) return static_cast<Eigen::Index>(it->second);
    if (job.model.pca_components) return static_cast<Eigen::Index>(*job.model.pca_components);
    return std::nullopt;
  };
  auto C_of = [&](const ParamSet& params) { return params.count("C") ? params.at("C") : job.model.C; };

  // Every (candidate, fold) model, each started from the LDA fit of its training rows. One
  // eigen-decomposition per training set serves every n_components.
  const bool any_pca = std::any_of(grid.begin(), grid.end(), [&](const ParamSet& p) { return components_of(p).has_value(); });
  auto make_model = [&](std::size_t c, int fold, const Eigen::MatrixXd& train, const std::optional<PrincipalAxes>& axes,
                        const std::optional<Eigen::VectorXd>& warm) {
    Eigen::MatrixXd t = logistic_coordinates(train, axes, components_of(grid[c]), intercept);
    // A warm start θ becomes φ by least squares (T has orthonormal columns but for the intercept's).
    const Eigen::VectorXd phi0 = warm ? Eigen::VectorXd(t.colPivHouseholderQr().solve(*warm)) : lda_start(train, t, intercept);
    return Model{c, fold, NewtonSolver(std::move(t), C_of(grid[c]), intercept, job.model.tol, static_cast<int>(job.model.max_iter), phi0)};
  };
  std::vector<Model> models;
  for (int fold = 0; fold < folds; ++fold) {
    const Eigen::MatrixXd train = total - grams[static_cast<std::size_t>(fold)];
    std::optional<PrincipalAxes> axes;
    if (any_pca) axes = principal_axes(train);
    for (std::size_t c = 0; c < grid.size(); ++c) models.push_back(make_model(c, fold, train, axes, std::nullopt));
  }
  passes += fit(client, models, job, in);
  // ROC AUC ranks the test rows' decision values: one more pass brings them to rank 0.
  if (job.cv && search.scoring == "roc_auc") {
    Batch batch;
    for (const auto& m : models) batch.add(m.solver.solution(), m.fold);
    Graph graph;
    // Per chunk, every model's table of its test rows' scores; per model, the tables merged up a
    // tree and its AUC computed where the last merge ran: rank 0 receives one number per model.
    const std::vector<TaskKey> tables = add_model_pass<LogisticScores>(graph, job, in, batch, [](LogisticModels m) { return m; });
    std::vector<TaskKey> aucs;
    for (std::size_t i = 0; i < models.size(); ++i) {
      std::vector<TaskKey> picked;
      for (const TaskKey& t : tables) picked.push_back(graph.add(task_of<PickTable>({static_cast<std::int64_t>(i)}, {t})));
      aucs.push_back(graph.add(task_of<AreaUnderCurve>({}, {reduce<MergeScoreTables>(graph, picked)})));
    }
    const std::vector<Future> results = client.submit(graph, aucs);
    ++passes;
    for (std::size_t i = 0; i < models.size(); ++i) models[i].auc = from_value<AreaUnderCurve::Result>(*client.gather(results[i])).auc;
  }
  const double cv_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json summary;
  std::size_t chosen = 0;
  std::vector<Candidate> candidates;
  if (job.cv) {
    int model_passes = 0;
    for (const auto& m : models) model_passes += m.evaluations;
    for (const auto& params : grid) candidates.push_back(Candidate{params});
    for (const auto& m : models) {
      Candidate& c = candidates[m.candidate];
      c.scores.push_back(classification_score(search.scoring, m.test, m.auc));
      // The fits are batched: each candidate is charged its models' share of the passes.
      c.fit_seconds += cv_seconds * m.evaluations / model_passes;
    }
    chosen = rank_candidates(candidates, search.scoring);
  }

  // The refit on all rows, from the mean of the chosen candidate's fold solutions (close to it).
  if (refit) {
    std::optional<PrincipalAxes> axes;
    if (components_of(grid[chosen])) axes = principal_axes(total);
    std::optional<Eigen::VectorXd> warm;
    for (const auto& m : models)
      if (m.candidate == chosen) warm = warm ? Eigen::VectorXd(*warm + m.solver.solution() / folds) : Eigen::VectorXd(m.solver.solution() / folds);
    std::vector<Model> final_fit{make_model(chosen, -1, total, axes, warm)};
    passes += fit(client, final_fit, job, in);
    models.push_back(std::move(final_fit.front()));
  }
  held.clear();

  // Per model: iterations and convergence; non-convergence is a warning.
  nlohmann::json model_list = nlohmann::json::array();
  int not_converged = 0, most_iterations = 0;
  for (const auto& m : models) {
    model_list.push_back({{"params", params_json(grid[m.candidate])},
                          {"fold", m.fold < 0 ? nlohmann::json("all") : nlohmann::json(m.fold)},
                          {"iterations", m.solver.iterations()},
                          {"converged", m.solver.converged()}});
    most_iterations = std::max(most_iterations, m.solver.iterations());
    if (!m.solver.converged()) {
      ++not_converged;
      spdlog::warn("logistic: {} on {} did not converge in {} Newton steps (max_iter = {}); its scores are from the last iterate",
                   describe(grid[m.candidate]), m.fold < 0 ? std::string("all rows") : fmt::format("fold {}", m.fold),
                   m.solver.iterations(), job.model.max_iter);
    }
  }
  summary["passes"] = passes;
  summary["models"] = model_list;
  summary["newton_steps_max"] = most_iterations;
  summary["models_not_converged"] = not_converged;
  const std::string fitting = fmt::format("{} model(s), at most {} Newton steps, {} passes over the data", models.size(),
                                          most_iterations, passes);
  if (job.cv) {
    report << fmt::format("logistic: {}-fold cross-validation, scoring {}, {} candidate(s): {}\n", folds, search.scoring,
                          candidates.size(), fitting);
    publish_results(report, summary, output, csv, candidates, chosen, search.scoring);
  }
  if (refit) {
    const Model& final_model = models.back();
    const Eigen::VectorXd theta = final_model.solver.solution();
    const ParamSet& params = grid[chosen];
    ParamSet fitted{{"C", C_of(params)}};
    if (auto k = components_of(params)) fitted["pca.n_components"] = static_cast<double>(*k);
    const hid_t file = output.hdf5();
    write_refit(file, summary, theta.tail(theta.size() - 1), theta(0), fitted);
    hdf5::write_integer(file, "n_iter", final_model.solver.iterations());
    hdf5::write_integer(file, "converged", final_model.solver.converged() ? 1 : 0);
    summary["n_iter"] = final_model.solver.iterations();
    summary["converged"] = final_model.solver.converged();
    if (!job.cv)
      report << fmt::format("logistic: C = {:.6g}, fitted on {} rows: {}\n", C_of(params), in.x.rows, fitting) << std::flush;
  }
  return summary;
}

}  // namespace tessera
