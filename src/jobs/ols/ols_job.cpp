#include "jobs/ols/ols_job.hpp"
#include "jobs/ols/ols_figures.hpp"

#include <array>
#include <cmath>
#include <limits>

#include <Eigen/Cholesky>
#include <fmt/format.h>

#include "tessera/plan/chunk_advice.hpp"
#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/kernels/least_squares.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/search/predict.hpp"
#include "jobs/ols/ols_fit.hpp"
#include "tessera/core/log.hpp"

namespace tessera {
namespace {

/// The largest estimated relative error of a coefficient or standard error that is accepted from
/// the double-precision solution (9 correct digits promised, one more kept in hand); above it
/// the fit is redone from the double-double Gram matrix.
constexpr double accepted_error = 1e-10;
/// Above this, Cholesky on XᵀX (whose condition number is the square) cannot be trusted.
constexpr double cholesky_max_scaled_cond = 1e7;

struct OlsInputs {
  MatrixSource x, y;
  std::optional<MatrixSource> weights;
  std::int64_t chunk_rows = 0;
  bool intercept = true;
  std::vector<std::string> names;
  std::optional<PredictData> predict;
};

OlsInputs check_inputs(const JobSpec& job) {
  OlsInputs in{open_features(job.data.path, job.data.features, job.data.feature_columns, "data"), open_source(job.data.path, job.data.target, 1)};
  if (in.y.rows != in.x.rows)
    throw InputError(fmt::format("{}:{} has {} rows but {}:{} has {}", in.y.path, in.y.dataset, in.y.rows, in.x.path,
                                 in.x.dataset, in.x.rows));
  const auto& options = job.model.as<OlsOptions>();
  in.intercept = options.fit_intercept;
  if (!options.weights.empty()) {
    in.weights = open_source(job.data.path, options.weights, 1);
    if (in.weights->rows != in.x.rows)
      throw InputError(fmt::format("{}:{} has {} rows but {}:{} has {}: one weight per row", in.weights->path,
                                   in.weights->dataset, in.weights->rows, in.x.path, in.x.dataset, in.x.rows));
  }
  const std::int64_t coefficients = in.x.cols + (in.intercept ? 1 : 0);
  if (in.x.rows < coefficients)
    throw InputError(fmt::format("{}:{} has fewer rows ({}) than the model has coefficients ({})", in.x.path, in.x.dataset,
                                 in.x.rows, coefficients));
  in.chunk_rows = choose_chunk_rows(job.data, in.x);
  in.names = feature_names(in.x);
  if (job.predict) in.predict = open_predict_data(*job.predict, in.x);
  return in;
}

/// The rows the fit sees: [X y], or with weights the whitened rows √w·[1 X y], whose ones column
/// (√w) is then part of X — the kernels add no intercept of their own (`kernel_intercept`).
struct DesignReads {
  ChunkReads rows;
  std::vector<TaskKey> weights;  ///< the weights' chunks, when weighted
};

bool kernel_intercept(const OlsInputs& in) { return in.intercept && !in.weights; }

DesignReads read_design(Graph& graph, const OlsInputs& in) {
  DesignReads design{read_xy_chunks(graph, in.x, in.y, in.chunk_rows), {}};
  if (!in.weights) return design;
  const auto chunks = row_chunks(in.x.rows, in.chunk_rows);
  const auto count = static_cast<std::int64_t>(chunks.size());
  const std::string label = in.weights->path + ":" + in.weights->dataset;
  for (std::int64_t i = 0; i < count; ++i) {
    const auto c = static_cast<std::size_t>(i);
    const TaskKey w = graph.add(read_rows_task(*in.weights, chunks[c], i, count));
    design.rows.x[c] = graph.add(task_of<WeightRows>({label, chunks[c].begin, in.intercept}, {design.rows.x[c], w}));
    design.rows.y[c] = graph.add(task_of<WeightRows>({label, chunks[c].begin, false}, {design.rows.y[c], w}));
    design.weights.push_back(w);
  }
  return design;
}

/// Outputs: R of [1 X y] (tsqr) or its Gram matrix (cholesky); with weights, Σ log w as well.
PlannedGraph plan_first_pass(const JobSpec& job, const OlsInputs& in) {
  PlannedGraph plan;
  const DesignReads design = read_design(plan.graph, in);
  if (job.model.as<OlsOptions>().solver == "cholesky") {
    plan.outputs = {reduce<Sum>(plan.graph, per_chunk<GramAug>(plan.graph, design.rows, {kernel_intercept(in)}))};
  } else {
    plan.outputs = {reduce<QrMerge>(plan.graph, per_chunk<QrRows>(plan.graph, design.rows, {kernel_intercept(in)}))};
  }
  if (in.weights) {
    std::vector<TaskKey> logs;
    for (const TaskKey& w : design.weights) logs.push_back(plan.graph.add(task_of<LogWeightSum>({}, {w})));
    plan.outputs.push_back(reduce<Sum>(plan.graph, logs));
  }
  return plan;
}

/// The refit's one pass: [1 X y]ᵀ[1 X y] summed in double-double precision.
PlannedGraph plan_exact_gram(const OlsInputs& in) {
  PlannedGraph plan;
  const DesignReads design = read_design(plan.graph, in);
  plan.outputs = {reduce<SumDd>(plan.graph, per_chunk<GramDd>(plan.graph, design.rows, {kernel_intercept(in)}))};
  return plan;
}

/// The robust covariance's pass, once β and M are known (see RobustCovariance).
PlannedGraph plan_robust_covariance(const OlsInputs& in, const OlsSolution& s, const std::string& cov_type) {
  const auto k = static_cast<Eigen::Index>(in.x.cols + (in.intercept ? 1 : 0));
  const auto m = static_cast<Eigen::Index>(s.kept.size());
  RobustCovariance::Params params{kernel_intercept(in), std::vector<double>(static_cast<std::size_t>(k), 0.0), 0, {}};
  for (Eigen::Index i = 0; i < m; ++i) params.beta[static_cast<std::size_t>(s.kept[static_cast<std::size_t>(i)])] = static_cast<double>(s.beta(i));
  params.leverage_power = cov_type == "HC2" ? 1 : cov_type == "HC3" ? 2 : 0;
  const MatrixXld root = inverse_root(s);
  params.root.assign(static_cast<std::size_t>(m * k), 0.0);  // m x k row-major, zero on dropped columns
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < m; ++j)
      params.root[static_cast<std::size_t>(i * k + s.kept[static_cast<std::size_t>(j)])] = static_cast<double>(root(i, j));
  PlannedGraph plan;
  const DesignReads design = read_design(plan.graph, in);
  plan.outputs = {reduce<Sum>(plan.graph, per_chunk<RobustCovariance>(plan.graph, design.rows, params))};
  return plan;
}

/// R of [1 X y] (TSQR) or its Gram matrix (Cholesky): finite unless a sum of squares overflowed.
void require_finite_first_pass(const Eigen::MatrixXd& m, const OlsInputs& in) {
  const Eigen::Index off = in.intercept ? 1 : 0, k = m.cols(), p = k - 1 - off;
  require_finite_sums(m.block(off, off, p, p), m.col(k - 1).segment(off, p), m(k - 1, k - 1), in.x, in.y);
}

/// Runs a graph; its outputs, gathered to rank 0.
std::vector<ValuePtr> run_to_values(Client& client, const PlannedGraph& plan) {
  std::vector<ValuePtr> out;
  for (const auto& future : client.submit(plan.graph, plan.outputs)) out.push_back(client.gather(future));
  return out;
}
ValuePtr run_to_value(Client& client, const PlannedGraph& plan) { return run_to_values(client, plan).front(); }

/// R of [1 X y] from the Gram matrix: Cholesky of the XᵀX block, then the y column by substitution.
MatrixXld r_from_gram(const Eigen::MatrixXd& g) {
  const auto k = g.rows(), q = k - 1;
  Eigen::LLT<Eigen::MatrixXd> llt(g.topLeftCorner(q, q));
  if (llt.info() != Eigen::Success)
    throw InputError("cholesky: XᵀX is not positive definite (dependent or constant columns?); use solver = \"tsqr\", "
                     "which handles rank deficiency");
  Eigen::MatrixXd r = Eigen::MatrixXd::Zero(k, k);
  r.topLeftCorner(q, q) = llt.matrixU();
  r.col(k - 1).head(q) = llt.matrixL().solve(g.col(k - 1).head(q));
  r(k - 1, k - 1) = std::sqrt(std::max(0.0, g(k - 1, k - 1) - r.col(k - 1).head(q).squaredNorm()));
  return r.cast<long double>();
}

void write_report(hid_t file, const OlsReport& r) {
  const auto vec = [&](const char* name, const std::vector<double>& v) { hdf5::write_matrix(file, name, v.data(), v.size(), 0); };
  vec("coef", r.coef);
  vec("stderr", r.stderr_);
  vec("tvalues", r.tvalues);
  vec("pvalues", r.pvalues);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  hdf5::write_scalar(file, "intercept", r.intercept ? r.intercept_coef : nan);
  hdf5::write_scalar(file, "intercept_stderr", r.intercept ? r.intercept_stderr : nan);
  hdf5::write_scalar(file, "intercept_tvalue", r.intercept ? r.intercept_tvalue : nan);
  hdf5::write_scalar(file, "intercept_pvalue", r.intercept ? r.intercept_pvalue : nan);
  std::vector<double> ci;  // p x 2, row-major: [low, high] per coefficient
  for (const auto& pair : r.conf_int) ci.insert(ci.end(), pair.begin(), pair.end());
  hdf5::write_matrix(file, "conf_int", ci.data(), r.conf_int.size(), 2);
  const std::array<double, 2> intercept_ci = r.intercept ? r.intercept_conf_int : std::array<double, 2>{nan, nan};
  hdf5::write_matrix(file, "intercept_conf_int", intercept_ci.data(), 2, 0);
  for (const auto& [name, value] : {std::pair<const char*, double>{"r2", r.r2}, {"adj_r2", r.adj_r2}, {"rse", r.rse},
                                    {"fstat", r.fstat}, {"fstat_pvalue", r.fstat_pvalue}, {"cond", r.cond},
                                    {"llf", r.llf}, {"aic", r.aic}, {"bic", r.bic}, {"alpha", r.alpha},
                                    })
    hdf5::write_scalar(file, name, value);
  for (const auto& [name, value] : {std::pair<const char*, std::int64_t>{"df_resid", r.df_resid}, {"n", r.n}, {"p", r.p}})
    hdf5::write_integer(file, name, value);
  hdf5::write_string(file, "solver", r.solver);
  hdf5::write_string(file, "cov_type", r.cov_type);
  hdf5::write_integer(file, "weighted", r.weighted ? 1 : 0);
  hdf5::write_strings(file, "rank_deficient", r.rank_deficient);
  hdf5::write_strings(file, "feature_names", r.feature_names);
}

nlohmann::json to_json(const OlsReport& r) {
  auto maybe = [&](double v) { return r.intercept ? nlohmann::json(v) : nlohmann::json(nullptr); };
  return {{"coef", r.coef},
          {"stderr", r.stderr_},
          {"tvalues", r.tvalues},
          {"pvalues", r.pvalues},
          {"intercept", maybe(r.intercept_coef)},
          {"intercept_stderr", maybe(r.intercept_stderr)},
          {"intercept_tvalue", maybe(r.intercept_tvalue)},
          {"intercept_pvalue", maybe(r.intercept_pvalue)},
          {"conf_int", r.conf_int},
          {"intercept_conf_int", r.intercept ? nlohmann::json(r.intercept_conf_int) : nlohmann::json(nullptr)},
          {"alpha", r.alpha},
          {"llf", r.llf},
          {"aic", r.aic},
          {"bic", r.bic},
          {"r2", r.r2},
          {"adj_r2", r.adj_r2},
          {"rse", r.rse},
          {"fstat", r.fstat},
          {"fstat_pvalue", r.fstat_pvalue},
          {"df_resid", r.df_resid},
          {"n", r.n},
          {"p", r.p},
          {"cond", r.cond},
          {"solver", r.solver},
          {"cov_type", r.cov_type},
          {"weighted", r.weighted},
          {"refined", r.refined},
          {"rank_deficient", r.rank_deficient},
          {"feature_names", r.feature_names}};
}

nlohmann::json run(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report_stream) {
  const OlsInputs in = check_inputs(job);
  const bool cholesky = job.model.as<OlsOptions>().solver == "cholesky";
  const auto& options = job.model.as<OlsOptions>();
  const std::vector<ValuePtr> first_pass = run_to_values(client, plan_first_pass(job, in));
  const ValuePtr& first = first_pass.front();
  // The first pass gives the Gram matrix (cholesky) or the R factor (tsqr) of [1 X y].
  const Eigen::MatrixXd factor = cholesky ? from_value<GramAug::Result>(*first).gram : from_value<RFactor>(*first).r;
  require_finite_first_pass(factor, in);
  OlsSolution s = solve_from_r(cholesky ? r_from_gram(factor) : MatrixXld(factor.cast<long double>()), in.x.rows, in.intercept);

  if (s.tss <= std::pow(64 * std::numeric_limits<double>::epsilon(), 2) * s.yy)
    throw InputError(fmt::format("{}:{} is constant: there is nothing to explain", in.y.path, in.y.dataset));
  if (cholesky && (!s.dropped.empty() || s.scaled_cond > cholesky_max_scaled_cond))
    throw InputError(fmt::format("cholesky: the design is too ill-conditioned for the normal equations (condition "
                                 "number {:.3g} after scaling columns{}); use solver = \"tsqr\"",
                                 s.scaled_cond, s.dropped.empty() ? "" : ", with dependent columns"));
  // The whole forward-error bound decides, the residual term included: a noisy fit of an
  // ill-conditioned design loses digits that its condition number alone does not predict.
  const ErrorEstimate error = estimate_error(s, cholesky);
  const bool refined = error.coef > accepted_error || error.stderr_ > accepted_error;
  if (refined) {
    spdlog::info("estimated relative error of the double-precision fit {:.2g} (coefficients), {:.2g} (standard errors), "
                 "condition number {:.3g} with columns scaled: refitting in extended precision",
                 error.coef, error.stderr_, s.scaled_cond);
    const auto gram = from_value<DoubleDoubleMatrix>(*run_to_value(client, plan_exact_gram(in)));
    s = solve_from_exact_gram(gram.hi, gram.lo, s);
  }

  InferenceOptions inference{options.alpha, options.cov_type, {}, in.weights.has_value(), 0.0};
  if (in.weights) inference.log_weight_sum = from_value<LogWeightSum::Result>(*first_pass.back()).sum;
  if (robust(options.cov_type)) {
    const auto full = from_value<RobustCovariance::Result>(*run_to_value(client, plan_robust_covariance(in, s, options.cov_type))).covariance;
    const auto m = static_cast<Eigen::Index>(s.kept.size());
    inference.sandwich.resize(m, m);
    for (Eigen::Index i = 0; i < m; ++i)
      for (Eigen::Index j = 0; j < m; ++j)
        inference.sandwich(i, j) = full(s.kept[static_cast<std::size_t>(i)], s.kept[static_cast<std::size_t>(j)]);
  }
  OlsReport report = make_report(s, in.names, options.solver, inference);
  report.refined = refined;
  if (!report.rank_deficient.empty())
    spdlog::warn("rank deficient: {} depend(s) on earlier columns; their coefficients are not estimated (NaN)",
                 fmt::join(report.rank_deficient, ", "));
  report_stream << format_report(report) << std::flush;

  write_report(output.hdf5(), report);
  nlohmann::json summary = to_json(report);
  if (in.predict) {
    const Eigen::Map<const Eigen::VectorXd> coef(report.coef.data(), static_cast<Eigen::Index>(report.coef.size()));
    const nlohmann::json scored =
        write_predictions(client, *in.predict, coef, report.intercept ? report.intercept_coef : 0.0, std::nullopt, output, report_stream);
    if (!scored.is_null()) summary["evaluation"] = scored;
  }
  return summary;
}

}  // namespace

const JobType ols_job{"ols",
                      "Least squares with the full statistical report (docs/least-squares.md); with [predict], predictions "
                      "for another file.",
                      [] {
                        ModelSchema schema = schema_of<OlsOptions>();
                        schema.predicts = true;
                        return schema;
                      },
                      [] { return option_defaults<OlsOptions>(); },
                      [](const JobSpec& job, int) { return plan_first_pass(job, check_inputs(job)); },
                      run,
                      ols_figures};

}  // namespace tessera
