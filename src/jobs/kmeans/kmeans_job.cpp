// DRAFT (not yet compiled): the kmeans job's driver. See kmeans_job.hpp and KMEANS_WIP.md.
#include "jobs/kmeans/kmeans_job.hpp"

#include <fmt/format.h>

#include "jobs/kmeans/lloyd.hpp"
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
#include "tessera/search/results.hpp"

namespace tessera {

// seeding.cpp
std::vector<Eigen::MatrixXd> kmeans_parallel(Client& client, const KMeansData& data, const std::vector<std::int64_t>& ks,
                                             std::int64_t seed);

namespace {

const std::vector<std::string> init_methods = {"k-means||", "k-means++", "random"};

/// The ks the job runs: the grid's, or [model] k.
std::vector<std::int64_t> ks_of(const JobSpec& job) {
  const auto& o = job.model.as<KMeansOptions>();
  if (job.search)
    if (auto it = job.search->grid.find("k"); it != job.search->grid.end()) {
      std::vector<std::int64_t> ks;
      for (double v : it->second) ks.push_back(static_cast<std::int64_t>(v));
      return ks;
    }
  return {o.k};
}

/// The checks before any pass: k <= rows, a known init (or a readable k x p dataset).
void check(const JobSpec& job, const MatrixSource& x) {
  const auto& o = job.model.as<KMeansOptions>();
  for (std::int64_t k : ks_of(job))
    if (k > x.rows)
      throw InputError(fmt::format("kmeans: k = {} is more than the {} rows of {}:{}", k, x.rows, x.path, x.dataset));
  if (o.init.find(':') == std::string::npos &&
      std::find(init_methods.begin(), init_methods.end(), o.init) == init_methods.end())
    throw InputError(fmt::format("{}: [model] init: unknown init '{}'{}; known: k-means||, k-means++, random, or FILE.h5:DATASET",
                                 job.name, o.init, did_you_mean(o.init, init_methods)));
}

/// Column means and the mean column variance, from one pass (whose reads stay on the workers).
KMeansData open_data(Client& client, const JobSpec& job, std::vector<Future>& held) {
  KMeansData data;
  data.x = open_features(job.data.path, job.data.features, job.data.feature_columns, "data");
  check(job, data.x);
  data.chunks = row_chunks(data.x.rows, choose_chunk_rows(job.data, data.x));
  Graph graph;
  std::vector<TaskKey> read, moments;
  const auto count = static_cast<std::int64_t>(data.chunks.size());
  for (std::int64_t i = 0; i < count; ++i) {
    read.push_back(graph.add(read_rows_task(data.x, data.chunks[static_cast<std::size_t>(i)], i, count)));
    moments.push_back(graph.add(task_of<ColumnMoments>({}, {read.back()})));
  }
  std::vector<TaskKey> wanted{reduce<Sum>(graph, moments)};
  wanted.insert(wanted.end(), read.begin(), read.end());  // TODO: only when they fit (1 GiB a worker)
  held = client.submit(graph, wanted);
  const auto m = from_value<ColumnMoments::Result>(*client.gather(held.front()));
  const Eigen::VectorXd mean = m.sums.col(0) / m.rows;
  data.mean.assign(mean.data(), mean.data() + mean.size());
  data.mean_variance = (m.sums.col(1) / m.rows - mean.cwiseAbs2()).mean();
  return data;
}

}  // namespace

// TODO: run(): runs = ks x n_init starts; seeds by init (file / random / k-means++ / k-means||);
// lloyd(); the best start per k; write centers (+ mean), inertia, n_iter, sizes; results per k with
// a grid; [predict] labels with KMeansLabels and WriteRows; plan() = the moments pass.

}  // namespace tessera
