// The kmeans job's driver: checks, one pass for the data's mean and variance, the seeding of every
// run, Lloyd's passes shared by every run, then the best start of each k written out.
#include "jobs/kmeans/kmeans_job.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "jobs/kmeans/kmeans_figures.hpp"
#include "jobs/kmeans/lloyd.hpp"
#include "jobs/kmeans/seeding.hpp"
#include "tessera/core/did_you_mean.hpp"
#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/kernels/io.hpp"
#include "tessera/kernels/kmeans.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/chunk_advice.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/predictions.hpp"
#include "tessera/plan/tasks.hpp"

namespace tessera {
namespace {

const std::vector<std::string> init_methods = {"k-means||", "k-means++", "random"};

/// Chunk reads stay on the workers between passes while they fit in this much memory per worker.
constexpr std::int64_t hold_bytes_per_worker = std::int64_t{1} << 30;

/// The ks the job runs: the grid's, or [model] k.
std::vector<std::int64_t> ks_of(const JobSpec& job) {
  if (job.search)
    if (auto it = job.search->grid.find("k"); it != job.search->grid.end()) {
      std::vector<std::int64_t> ks;
      for (double v : it->second) ks.push_back(static_cast<std::int64_t>(v));
      return ks;
    }
  return {job.model.as<KMeansOptions>().k};
}

bool has_grid(const JobSpec& job) { return job.search && job.search->grid.count("k"); }

/// "FILE.h5:DATASET" of init, split; none for a method's name.
std::optional<std::pair<std::string, std::string>> init_file(const std::string& init) {
  const auto colon = init.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(init.substr(0, colon), init.substr(colon + 1));
}

std::int64_t starts_of(const KMeansOptions& o) {
  return o.n_init.value_or(o.init == "random" ? 10 : 1);
}

/// Everything checked before the first pass: k against the rows, init, and what [predict] asks.
void check(const JobSpec& job, const MatrixSource& x) {
  const auto& o = job.model.as<KMeansOptions>();
  const std::string data = fmt::format("{}:{}", x.path, x.dataset);
  for (std::int64_t k : ks_of(job))
    if (k > x.rows)
      throw InputError(fmt::format("{}: k = {} is more than the {} rows of {}", job.file, k, x.rows, data));
  if (const auto file = init_file(o.init)) {
    const MatrixSource init = open_source(file->first, file->second, 2);
    if (has_grid(job))
      throw InputError(fmt::format("{}: [model] init = \"{}\" gives one set of centres, but [search] varies k; give "
                                   "init = \"k-means||\", \"k-means++\" or \"random\"",
                                   job.file, o.init));
    if (init.rows != o.k || init.cols != x.cols)
      throw InputError(fmt::format("{}: [model] init {}:{} is {} x {}, but k = {} and {} has {} features", job.file,
                                   init.path, init.dataset, init.rows, init.cols, o.k, data, x.cols));
    if (starts_of(o) > 1)
      throw InputError(fmt::format("{}: [model] n_init = {} with init from a file: every start would be the same; remove n_init",
                                   job.file, starts_of(o)));
  } else if (std::find(init_methods.begin(), init_methods.end(), o.init) == init_methods.end()) {
    throw InputError(fmt::format("{}: [model] init: unknown init '{}'{}; known: k-means||, k-means++, random, or FILE.h5:DATASET",
                                 job.file, o.init, did_you_mean(o.init, init_methods)));
  }
  if (job.predict && has_grid(job))
    throw InputError(fmt::format("{}: [predict] labels rows by one clustering, but [search] varies k; give [model] k instead",
                                 job.file));
  if (job.predict && job.predict->target)
    throw InputError(fmt::format("{}: [predict] target: kmeans has no target to score against; remove target", job.file));
}

/// The first pass: per chunk, its column sums and sums of squares.
PlannedGraph moments_pass(const MatrixSource& x, const std::vector<RowChunk>& chunks) {
  PlannedGraph plan;
  std::vector<TaskKey> moments;
  const auto count = static_cast<std::int64_t>(chunks.size());
  for (std::int64_t i = 0; i < count; ++i) {
    plan.outputs.push_back(plan.graph.add(read_rows_task(x, chunks[static_cast<std::size_t>(i)], i, count)));
    moments.push_back(plan.graph.add(task_of<ColumnMoments>({}, {plan.outputs.back()})));
  }
  plan.outputs.insert(plan.outputs.begin(), reduce<Sum>(plan.graph, moments));
  return plan;
}

/// The data's column means and mean column variance, from one pass whose chunk reads stay on the
/// workers (`held`) when they fit, for every later pass to share.
KMeansData open_data(Client& client, const JobSpec& job, const MatrixSource& x, std::vector<Future>& held) {
  KMeansData data{x, row_chunks(x.rows, choose_chunk_rows(job.data, x)), {}, 0};
  PlannedGraph plan = moments_pass(x, data.chunks);
  if (x.rows * x.cols * 8 > hold_bytes_per_worker * client.workers()) plan.outputs.resize(1);
  held = client.submit(plan.graph, plan.outputs);
  const auto m = from_value<ColumnMoments::Result>(*client.gather(held.front()));
  if (!m.sums.allFinite())
    throw InputError(fmt::format("{}:{}: the column sums overflow (values beyond about 1e154)", x.path, x.dataset));
  const Eigen::VectorXd mean = m.sums.col(0) / m.rows;
  data.mean.assign(mean.data(), mean.data() + mean.size());
  data.mean_variance = (m.sums.col(1) / m.rows - mean.cwiseAbs2()).cwiseMax(0.0).mean();
  return data;
}

/// The centres of init = "FILE.h5:DATASET" (k x p), centred.
Eigen::MatrixXd read_init(const std::string& init, const KMeansData& data) {
  const auto [path, dataset] = *init_file(init);
  const MatrixSource source = open_source(path, dataset, 2);
  const std::vector<double> values = hdf5::read_all(hdf5::open_for_reading(path).id(), dataset);
  // Row-major k x p is column-major p x k.
  Eigen::MatrixXd centres = Eigen::Map<const Eigen::MatrixXd>(values.data(), source.cols, source.rows);
  if (!centres.allFinite()) throw InputError(fmt::format("{}:{}: the initial centres hold a NaN or an infinity", path, dataset));
  return centres.colwise() - Eigen::Map<const Eigen::VectorXd>(data.mean.data(), static_cast<Eigen::Index>(data.mean.size()));
}

/// The starting centres of every run (of `run_ks`), by the init method.
std::vector<Eigen::MatrixXd> seed(Client& client, const KMeansOptions& o, const KMeansData& data, const SeedingRuns& runs) {
  client.set_phase("seeding (" + o.init + ")");
  if (init_file(o.init)) return {read_init(o.init, data)};
  if (o.init == "random") return seed_random(client, data, runs);
  if (o.init == "k-means++") return seed_kmeans_plusplus(client, data, runs);
  return seed_kmeans_parallel(client, data, runs);
}

/// A run's centres on the original scale, k x p row-major (as the output and JSON hold them).
std::vector<double> centres_row_major(const KMeansRun& run, const KMeansData& data) {
  const Eigen::Map<const Eigen::VectorXd> mean(data.mean.data(), static_cast<Eigen::Index>(data.mean.size()));
  const Eigen::MatrixXd c = run.centres.colwise() + mean;  // p x k column-major = k x p row-major
  return std::vector<double>(c.data(), c.data() + c.size());
}

nlohmann::json json_of(const KMeansRun& run, const KMeansData& data) {
  const std::vector<double> flat = centres_row_major(run, data);
  const auto p = static_cast<std::ptrdiff_t>(data.mean.size());
  nlohmann::json centers = nlohmann::json::array();
  for (std::int64_t j = 0; j < run.k; ++j) centers.push_back(std::vector<double>(flat.begin() + j * p, flat.begin() + (j + 1) * p));
  std::vector<std::int64_t> sizes;
  for (double s : run.sizes) sizes.push_back(static_cast<std::int64_t>(s));
  return {{"k", run.k}, {"centers", centers}, {"inertia", run.inertia}, {"n_iter", run.n_iter}, {"sizes", sizes},
          {"converged", run.converged}};
}

void write_run(hid_t where, const std::string& prefix, const KMeansRun& run, const KMeansData& data) {
  const std::vector<double> centres = centres_row_major(run, data);
  hdf5::write_matrix(where, prefix + "centers", centres.data(), static_cast<std::uint64_t>(run.k), data.mean.size());
  hdf5::write_scalar(where, prefix + "inertia", run.inertia);
  hdf5::write_integer(where, prefix + "n_iter", run.n_iter);
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(run.k));
  for (std::int64_t j = 0; j < run.k; ++j) sizes[static_cast<std::size_t>(j)] = static_cast<std::int64_t>(run.sizes(j));
  hdf5::write_integers(where, prefix + "sizes", sizes.data(), sizes.size(), 0);
}

/// [predict]: each row's nearest centre of `run`, written by the workers as `labels`.
void write_labels(Client& client, const PredictData& predict, const DataSpec& spec, const KMeansRun& run,
                  const KMeansData& data, OutputFile& output) {
  const auto chunks = row_chunks(predict.x.rows, choose_chunk_rows(spec, predict.x));
  const std::uint64_t at = output.allocate_rows("labels", static_cast<std::uint64_t>(predict.x.rows), 0);
  output.close();  // before the workers write into it
  Graph graph;
  std::vector<TaskKey> writes;
  const auto count = static_cast<std::int64_t>(chunks.size());
  KMeansRuns one{std::vector<double>(run.centres.data(), run.centres.data() + run.centres.size()), {static_cast<double>(run.k)},
                 data.mean, 0};
  for (std::int64_t i = 0; i < count; ++i) {
    const RowChunk& chunk = chunks[static_cast<std::size_t>(i)];
    one.row_begin = chunk.begin;
    const TaskKey read = graph.add(read_rows_task(predict.x, chunk, i, count));
    const TaskKey labels = graph.add(task_of<KMeansLabels>(one, {read}));
    writes.push_back(graph.add(task_of<WriteRows>({output.temp_path(), static_cast<std::int64_t>(at), chunk.begin}, {labels})));
  }
  client.wait(client.submit(graph, writes));
}

nlohmann::json run(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report) {
  const auto& o = job.model.as<KMeansOptions>();
  const MatrixSource x = open_features(job.data.path, job.data.features, job.data.feature_columns, "data");
  check(job, x);
  const std::optional<PredictData> predict =
      job.predict ? std::optional<PredictData>(open_predict_data(*job.predict, x)) : std::nullopt;
  std::vector<Future> held;
  const KMeansData data = open_data(client, job, x, held);

  const std::vector<std::int64_t> ks = ks_of(job);
  const std::int64_t starts = starts_of(o);
  SeedingRuns seeding{{}, {}, o.seed};
  for (std::int64_t k : ks)
    for (std::int64_t s = 0; s < starts; ++s) {
      seeding.k.push_back(k);
      seeding.start.push_back(s);
    }
  const std::vector<Eigen::MatrixXd> centres = seed(client, o, data, seeding);
  std::vector<KMeansRun> runs;
  for (std::size_t r = 0; r < seeding.size(); ++r) runs.push_back(KMeansRun{seeding.k[r], centres[r]});
  const int passes = lloyd(client, data, runs, o.tol, o.max_iter);
  held.clear();

  // The best start of each k: the lowest inertia, the first of equals.
  std::vector<const KMeansRun*> best;
  for (std::size_t i = 0; i < ks.size(); ++i) {
    const auto first = runs.begin() + static_cast<std::ptrdiff_t>(i * static_cast<std::size_t>(starts));
    best.push_back(&*std::min_element(first, first + starts, [](const KMeansRun& a, const KMeansRun& b) { return a.inertia < b.inertia; }));
  }
  report << fmt::format("kmeans: {} run(s) ({} start(s) of each k, init {}), {} Lloyd pass(es) over {}:{}\n", runs.size(), starts,
                        o.init, passes, x.path, x.dataset);
  for (const KMeansRun* b : best)
    report << fmt::format("  k = {}: inertia {:.10g}, {} iteration(s){}\n", b->k, b->inertia, b->n_iter,
                          b->converged ? "" : fmt::format(", not converged within max_iter = {}", o.max_iter));

  nlohmann::json summary{{"lloyd_passes", passes}, {"n_init", starts}, {"init", o.init}};
  if (has_grid(job)) {
    nlohmann::json results = nlohmann::json::array();
    std::vector<double> inertia;
    std::vector<std::int64_t> n_iter;
    hdf5::create_group(output.hdf5(), "results");
    for (const KMeansRun* b : best) {
      nlohmann::json r = json_of(*b, data);
      results.push_back({{"params", {{"k", b->k}}}, {"inertia", b->inertia}, {"n_iter", b->n_iter}, {"sizes", r["sizes"]},
                         {"centers", r["centers"]}});
      inertia.push_back(b->inertia);
      n_iter.push_back(b->n_iter);
      const std::string group = fmt::format("results/k_{}", b->k);
      hdf5::create_group(output.hdf5(), group);
      write_run(output.hdf5(), group + "/", *b, data);
    }
    hdf5::write_integers(output.hdf5(), "results/k", ks.data(), ks.size(), 0);
    hdf5::write_matrix(output.hdf5(), "results/inertia", inertia.data(), inertia.size(), 0);
    hdf5::write_integers(output.hdf5(), "results/n_iter", n_iter.data(), n_iter.size(), 0);
    summary["results"] = std::move(results);
  } else {
    summary.update(json_of(*best.front(), data));
    write_run(output.hdf5(), "", *best.front(), data);
  }
  if (predict) {
    write_labels(client, *predict, job.data, *best.front(), data, output);
    report << fmt::format("labels of {}:{} written to labels\n", predict->x.path, predict->x.dataset);
  }
  return summary;
}

PlannedGraph plan(const JobSpec& job, int) {
  const MatrixSource x = open_features(job.data.path, job.data.features, job.data.feature_columns, "data");
  check(job, x);
  return moments_pass(x, row_chunks(x.rows, choose_chunk_rows(job.data, x)));
}

ModelSchema schema() {
  ModelSchema s = schema_of<KMeansOptions>();
  s.grid = {{"k", {"n_clusters"}, Check::at_least_one, true}};
  s.scored_as = "scores each k by its inertia on all rows";
  s.predicts = true;
  return s;
}

}  // namespace

const JobType kmeans_job{"kmeans",
                         "k-means clustering, as scikit-learn's KMeans(algorithm=\"lloyd\"); [search] grid over k; every "
                         "start of every k in the same passes (docs/clustering.md). Output: `centers`, `inertia`, `n_iter`, "
                         "`sizes`; with [predict], `labels`.",
                         schema,
                         [] { return option_defaults<KMeansOptions>(); },
                         plan,
                         run,
                         kmeans_figures};

}  // namespace tessera
