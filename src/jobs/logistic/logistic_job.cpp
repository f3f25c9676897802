#include "jobs/logistic/logistic_job.hpp"
#include "jobs/logistic/logistic_figures.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <Eigen/QR>
#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/kernels/logistic.hpp"
#include "tessera/kernels/metrics.hpp"
#include "tessera/plan/target_classes.hpp"
#include "jobs/logistic/newton_solver.hpp"
#include "tessera/stats/metrics.hpp"
#include "tessera/core/log.hpp"
#include "tessera/search/cv_search.hpp"
#include "tessera/search/results.hpp"

namespace tessera {
namespace {

/// Rows the Hessian is measured on, at least: a fixed sample (every s-th row) this large makes
/// each step nearly a full Newton step (relative error ~ sqrt(p / rows)) at a fraction of the cost.
constexpr std::int64_t hessian_sample_rows = 65536;
/// One model being fitted: candidate `candidate` (params `params`) on the training rows of fold
/// `fold` (-1: all rows).
struct Model {
  std::size_t candidate;
  ParamSet params;
  int fold;
  NewtonSolver solver;
  ClassificationCounts test;  ///< on the fold's rows, at the last accepted iterate
  double auc = 0;
  int evaluations = 1;  ///< passes it took part in (the first, from the Gram matrices, included)
};

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
    leaves.push_back(graph.add(task_of<K>(
        params_of(LogisticModels{fold_assignment(job, in, chunks[i].begin), chunks[i].begin, batch.coef, batch.fold}),
        {reads.x[i], reads.y[i]})));
  return leaves;
}

/// Runs passes until every model has stopped: each pass measures every active model at its
/// current point. Returns the number of passes.
int fit(Client& client, std::vector<Model>& models, const JobSpec& job, const XyData& in) {
  // (The reads of every pass are the first pass's: held on the workers, they are shared.)
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
    // Each model takes at most max_iter Newton steps, and one more pass sees it has converged.
    client.set_phase(fmt::format("Newton pass {} of at most {}, {} model(s) active", passes + 1,
                                 job.model.as<LogisticOptions>().max_iter + 1, active.size()));
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
  const BinaryClasses classes = in.y.classes.value_or(BinaryClasses{});
  throw InputError(fmt::format("{}:{} holds only class {}{} ({} rows): logistic regression needs both classes{}", in.y.path,
                               in.y.dataset, class_name(ones > 0 ? classes.positive : classes.negative), where, rows,
                               where.empty() ? "" : " (try [cv] shuffle = true)"));
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

/// JSON has no NaN: a step that was not finite is null.
nlohmann::json finite_or_null(const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : values) out.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr));
  return out;
}

std::string describe(const ParamSet& params) {
  std::string out;
  for (const auto& [name, value] : params) out += fmt::format("{}{}={:.6g}", out.empty() ? "" : ", ", name, value);
  return out;
}

/// Logistic regression (or PCA then logistic regression) for every (candidate, fold), fitted by
/// batched Newton passes; the refit starts from the mean of the chosen candidate's fold solutions.
class LogisticModel : public SearchModel {
 public:
  explicit LogisticModel(const JobSpec& job) : job_(job), options_(job.model.as<LogisticOptions>()) {
    // The penalties the job fits: [model] penalty's, or a grid's.
    std::vector<std::string> penalties{options_.penalty};
    if (job.search && job.search->grid.count("penalty")) {
      penalties.clear();
      for (double v : job.search->grid.at("penalty")) penalties.push_back(value_names("penalty")->at(static_cast<std::size_t>(v)));
    }
    const bool elasticnet = std::find(penalties.begin(), penalties.end(), "elasticnet") != penalties.end();
    const bool l1_ratio_grid = job.search && job.search->grid.count("l1_ratio");
    if (elasticnet && !options_.l1_ratio && !l1_ratio_grid)
      throw InputError(job.file + ": penalty = \"elasticnet\" needs l1_ratio (the L1 part's share, 0 to 1), in [model] or the grid");
    if (!elasticnet && (options_.l1_ratio || l1_ratio_grid))
      throw InputError(fmt::format("{}: l1_ratio applies to penalty = \"elasticnet\" only, not \"{}\"", job.file,
                                   fmt::join(penalties, "\", \"")));
  }

  std::string name() const override { return "logistic"; }

  std::optional<std::int64_t> pca_components() const override { return options_.pca_components; }

  ParamSet own_parameters() const override {
    ParamSet p{{"C", options_.C}};
    if (options_.l1_ratio) p["l1_ratio"] = *options_.l1_ratio;
    if (options_.pca_components) p["pca.n_components"] = static_cast<double>(*options_.pca_components);
    return p;
  }

  std::optional<std::string> binary_target(const XyData& in) const override {
    require_models_fit_in_a_pass(job_, in);
    return "logistic regression";
  }

  std::optional<double> positive_class() const override { return options_.positive_class; }

  bool classifies() const override { return true; }

  bool rereads_data() const override { return true; }

  void check(const FoldStatistics& stats) const override {
    require_both_classes(stats.total(), "", stats.data());
    for (int fold = 0; fold < stats.folds(); ++fold)
      require_both_classes(stats.training(fold), fmt::format(" in the training rows of fold {}", fold), stats.data());
  }

  std::vector<CandidateScores> score(Client& client, const FoldStatistics& stats, const std::vector<ParamSet>& grid,
                                     const std::string& scoring) override {
    const auto start = std::chrono::steady_clock::now();
    // Every (candidate, fold) model, each started from the LDA fit of its training rows.
    for (int fold = 0; fold < stats.folds(); ++fold)
      for (std::size_t c = 0; c < grid.size(); ++c) models_.push_back(make_model(stats, c, grid[c], fold, std::nullopt));
    passes_ += fit(client, models_, job_, stats.data());
    if (scoring == "roc_auc") add_aucs(client, stats);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int model_passes = 0;
    for (const auto& m : models_) model_passes += m.evaluations;
    std::vector<CandidateScores> out(grid.size());
    for (const auto& m : models_) {
      out[m.candidate].scores.push_back(classification_score(scoring, m.test, m.auc));
      // The fits are batched: each candidate is charged its models' share of the passes.
      out[m.candidate].fit_seconds += seconds * m.evaluations / model_passes;
    }
    return out;
  }

  Refit refit(Client& client, const FoldStatistics& stats, const ParamSet& params) override {
    // From the mean of the candidate's fold solutions, which is close to the optimum on all rows.
    std::optional<Eigen::VectorXd> warm;
    std::size_t candidate = 0;
    for (const auto& m : models_)
      if (m.params == params) {
        const Eigen::VectorXd share = m.solver.solution() / stats.folds();
        warm = warm ? Eigen::VectorXd(*warm + share) : share;
        candidate = m.candidate;
      }
    std::vector<Model> final_fit{make_model(stats, candidate, params, -1, warm)};
    passes_ += fit(client, final_fit, job_, stats.data());
    models_.push_back(std::move(final_fit.front()));
    const NewtonSolver& solver = models_.back().solver;
    const Eigen::VectorXd theta = solver.solution();
    Refit r{theta.tail(theta.size() - 1), theta(0), params};
    r.counts = {{"n_iter", solver.iterations()}, {"converged", solver.converged() ? 1 : 0}};
    r.summary = {{"n_iter", solver.iterations()}, {"converged", solver.converged()}};
    return r;
  }

  std::string fitting() const override {
    return fmt::format("{} model(s), at most {} Newton steps, {} passes over the data", models_.size(), most_iterations(),
                       passes_ + 1);
  }

  void summarize(nlohmann::json& summary) const override {
    // Per model: iterations and convergence; non-convergence is a warning, not an error.
    nlohmann::json list = nlohmann::json::array();
    int not_converged = 0;
    for (const auto& m : models_) {
      list.push_back({{"params", params_json(m.params)},
                      {"fold", m.fold < 0 ? nlohmann::json("all") : nlohmann::json(m.fold)},
                      {"iterations", m.solver.iterations()},
                      {"converged", m.solver.converged()},
                      {"relative_steps", finite_or_null(m.solver.step_history())}});
      if (!m.solver.converged()) {
        ++not_converged;
        spdlog::warn("logistic: {} on {} did not converge in {} Newton steps (max_iter = {}); its scores are from the last iterate",
                     describe(m.params), m.fold < 0 ? std::string("all rows") : fmt::format("fold {}", m.fold),
                     m.solver.iterations(), options_.max_iter);
      }
    }
    summary["passes"] = summary.value("passes", 0) + passes_;
    summary["models"] = list;
    summary["newton_steps_max"] = most_iterations();
    summary["models_not_converged"] = not_converged;
    summary["tol"] = options_.tol;
  }

 private:
  Model make_model(const FoldStatistics& stats, std::size_t candidate, const ParamSet& params, int fold,
                   const std::optional<Eigen::VectorXd>& warm) const {
    const Eigen::MatrixXd train = stats.training(fold);
    std::optional<Eigen::Index> components;
    std::optional<PrincipalAxes> axes;
    std::optional<Standardization> scaling;
    if (options_.standardize) scaling = stats.standardized(fold).scaling;
    if (auto it = params.find("pca.n_components"); it != params.end()) {
      components = static_cast<Eigen::Index>(it->second);
      // One eigen-decomposition per training set serves every n_components.
      axes = stats.axes(fold, options_.standardize);
    }
    Eigen::MatrixXd t = logistic_coordinates(train, axes, components, options_.fit_intercept, scaling);
    // A warm start θ becomes φ by least squares (T has orthonormal columns but for the intercept's).
    const Eigen::VectorXd phi0 = warm ? Eigen::VectorXd(t.colPivHouseholderQr().solve(*warm)) : lda_start(train, t, options_.fit_intercept);
    return Model{candidate,
                 params,
                 fold,
                 NewtonSolver(std::move(t), penalty_of(params), options_.fit_intercept, options_.tol,
                              static_cast<int>(options_.max_iter), phi0)};
  }

  LogisticPenalty penalty_of(const ParamSet& params) const {
    const auto l1_ratio = params.find("l1_ratio");
    const auto penalty = params.find("penalty");
    return logistic_penalty(
        penalty == params.end() ? options_.penalty : value_names("penalty")->at(static_cast<std::size_t>(penalty->second)),
        params.at("C"), l1_ratio == params.end() ? 0.0 : l1_ratio->second);
  }

  /// ROC AUC ranks the test rows' decision values. Per chunk, every model's table of its test rows'
  /// scores; per model, the tables merged up a tree and its AUC computed where the last merge ran:
  /// rank 0 receives one number per model, in one more pass.
  void add_aucs(Client& client, const FoldStatistics& stats) {
    Batch batch;
    for (const auto& m : models_) batch.add(m.solver.solution(), m.fold);
    Graph graph;
    const std::vector<TaskKey> tables =
        add_model_pass<LogisticScores>(graph, job_, stats.data(), batch, [](LogisticModels m) { return m; });
    std::vector<TaskKey> aucs;
    for (std::size_t i = 0; i < models_.size(); ++i) {
      std::vector<TaskKey> picked;
      for (const TaskKey& t : tables) picked.push_back(graph.add(task_of<PickTable>({static_cast<std::int64_t>(i)}, {t})));
      aucs.push_back(graph.add(task_of<AreaUnderCurve>({}, {reduce<MergeScoreTables>(graph, picked)})));
    }
    const std::vector<Future> results = client.submit(graph, aucs);
    ++passes_;
    for (std::size_t i = 0; i < models_.size(); ++i) models_[i].auc = from_value<AreaUnderCurve::Result>(*client.gather(results[i])).auc;
  }

  int most_iterations() const {
    int most = 0;
    for (const auto& m : models_) most = std::max(most, m.solver.iterations());
    return most;
  }

  const JobSpec& job_;
  LogisticOptions options_;
  std::vector<Model> models_;
  int passes_ = 0;  ///< after the first
};

ModelSchema schema() {
  ModelSchema s = schema_of<LogisticOptions>();
  s.grid = {{"C", {"logistic.C"}, Check::finite_positive},
            {"l1_ratio", {}, Check::unit_interval},
            {"penalty", {}, Check::none, false, *value_names("penalty")},
            {"pca.n_components", {}, Check::at_least_one, true}};
  s.scorings = {"accuracy", "neg_log_loss", "roc_auc", "f1"};
  s.scored_as = "classifiers";
  s.predicts = true;
  return s;
}

}  // namespace

const JobType logistic_job{"logistic",
                           "Binary logistic regression (y of any two values), as scikit-learn's LogisticRegression, with [cv] and "
                           "[search]; a PCA step first with [model.pca] (docs/model-selection.md).",
                           schema,
                           [] { return option_defaults<LogisticOptions>(); },
                           plan_search_job<LogisticModel>,
                           run_search_job<LogisticModel>,
                           logistic_figures};

}  // namespace tessera
