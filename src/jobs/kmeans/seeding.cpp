// DRAFT (not yet compiled): the starting centres of every run, all runs in the same passes.
// k-means|| (Bahmani et al. 2012): a random row, then 5 rounds in which each row joins the
// candidates with probability min(1, ℓ·cost/φ), ℓ = 2k; the candidates weighted by the rows
// nearest each, reduced to k on rank 0 by weighted k-means++ and weighted Lloyd.
// k-means++ (scikit-learn's greedy variant): 2 + ⌊ln k⌋ trials per centre, drawn by cost, the
// one that lowers the potential most kept.
// Per-row costs stay on the workers between passes (KMeansCosts, chained by KMeansCostsUpdate).
#include <cmath>
#include <map>

#include "jobs/kmeans/lloyd.hpp"
#include "tessera/core/splitmix.hpp"
#include "tessera/kernels/kmeans.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/tasks.hpp"

namespace tessera {
namespace {

constexpr int parallel_rounds = 5;

/// A seeded stream of uniforms in [0, 1): run r's choices are its own, whatever the other runs do.
class Stream {
 public:
  Stream(std::int64_t seed, std::size_t run) : key_(splitmix64(splitmix64(static_cast<std::uint64_t>(seed)) ^ run)) {}
  double uniform() { return static_cast<double>(splitmix64(key_ + counter_++) >> 11) * 0x1.0p-53; }
  std::int64_t below(std::int64_t n) { return std::min<std::int64_t>(n - 1, static_cast<std::int64_t>(uniform() * n)); }

 private:
  std::uint64_t key_, counter_ = 0;
};

std::vector<TaskKey> reads(Graph& graph, const KMeansData& data) {
  std::vector<TaskKey> out;
  const auto count = static_cast<std::int64_t>(data.chunks.size());
  for (std::int64_t i = 0; i < count; ++i) out.push_back(graph.add(read_rows_task(data.x, data.chunks[static_cast<std::size_t>(i)], i, count)));
  return out;
}

std::size_t chunk_of(const KMeansData& data, std::int64_t row) {
  std::size_t c = 0;
  while (data.chunks[c].end <= row) ++c;
  return c;
}

/// The rows `rows` (global indices), centred: p x rows.size().
Eigen::MatrixXd take(Client& client, const KMeansData& data, const std::vector<std::int64_t>& rows) {
  std::map<std::size_t, std::vector<double>> by_chunk;
  for (std::int64_t r : rows) by_chunk[chunk_of(data, r)].push_back(static_cast<double>(r));
  Graph graph;
  const std::vector<TaskKey> read = reads(graph, data);
  std::vector<TaskKey> taken;
  for (const auto& [c, wanted] : by_chunk)
    taken.push_back(graph.add(task_of<TakeRows>({data.mean, data.chunks[c].begin, wanted}, {read[c]})));
  std::map<std::int64_t, Eigen::VectorXd> found;
  std::size_t i = 0;
  for (const Future& f : client.submit(graph, taken)) {
    const auto part = from_value<TakeRows::Result>(*client.gather(f)).points;
    const auto& wanted = std::next(by_chunk.begin(), static_cast<long>(i++))->second;
    for (Eigen::Index j = 0; j < part.cols(); ++j) found[static_cast<std::int64_t>(wanted[static_cast<std::size_t>(j)])] = part.col(j);
  }
  Eigen::MatrixXd out(static_cast<Eigen::Index>(data.mean.size()), static_cast<Eigen::Index>(rows.size()));
  for (std::size_t j = 0; j < rows.size(); ++j) out.col(static_cast<Eigen::Index>(j)) = found.at(rows[j]);
  return out;
}

/// k distinct rows of n, by Floyd's algorithm.
std::vector<std::int64_t> distinct_rows(Stream& stream, std::int64_t n, std::int64_t k) {
  std::vector<std::int64_t> out;
  for (std::int64_t j = n - k; j < n; ++j) {
    const std::int64_t t = stream.below(j + 1);
    out.push_back(std::find(out.begin(), out.end(), t) == out.end() ? t : j);
  }
  return out;
}

/// Weighted greedy k-means++ then weighted Lloyd on the candidates (p x m): rank 0's reduction of
/// k-means||, as Spark's LocalKMeans.
Eigen::MatrixXd reduce_candidates(const Eigen::MatrixXd& c, const Eigen::VectorXd& w, std::int64_t k, Stream& stream) {
  const Eigen::Index m = c.cols();
  const auto d2 = [&](Eigen::Index i, const Eigen::VectorXd& centre) { return (c.col(i) - centre).squaredNorm(); };
  const auto draw = [&](const Eigen::VectorXd& weight) {
    const double u = stream.uniform() * weight.sum();
    double sum = 0;
    for (Eigen::Index i = 0; i < m; ++i)
      if ((sum += weight(i)) > u) return i;
    return m - 1;
  };
  Eigen::MatrixXd centres(c.rows(), k);
  centres.col(0) = c.col(draw(w));
  Eigen::VectorXd cost(m);
  for (Eigen::Index i = 0; i < m; ++i) cost(i) = d2(i, centres.col(0));
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  for (Eigen::Index j = 1; j < k; ++j) {
    Eigen::Index best = 0;
    double best_potential = std::numeric_limits<double>::infinity();
    for (int t = 0; t < trials; ++t) {
      const Eigen::Index cand = draw(Eigen::VectorXd(w.array() * cost.array()));
      double potential = 0;
      for (Eigen::Index i = 0; i < m; ++i) potential += w(i) * std::min(cost(i), d2(i, c.col(cand)));
      if (potential < best_potential) best_potential = potential, best = cand;
    }
    centres.col(j) = c.col(best);
    for (Eigen::Index i = 0; i < m; ++i) cost(i) = std::min(cost(i), d2(i, centres.col(j)));
  }
  std::vector<Eigen::Index> label(static_cast<std::size_t>(m), -1);
  for (int iteration = 0; iteration < 300; ++iteration) {
    bool changed = false;
    for (Eigen::Index i = 0; i < m; ++i) {
      Eigen::Index best = 0;
      for (Eigen::Index j = 1; j < k; ++j)
        if (d2(i, centres.col(j)) < d2(i, centres.col(best))) best = j;
      changed |= label[static_cast<std::size_t>(i)] != best;
      label[static_cast<std::size_t>(i)] = best;
    }
    if (!changed) break;
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(c.rows(), k);
    Eigen::VectorXd weight = Eigen::VectorXd::Zero(k);
    for (Eigen::Index i = 0; i < m; ++i) {
      sums.col(label[static_cast<std::size_t>(i)]) += w(i) * c.col(i);
      weight(label[static_cast<std::size_t>(i)]) += w(i);
    }
    for (Eigen::Index j = 0; j < k; ++j)
      if (weight(j) > 0) centres.col(j) = sums.col(j) / weight(j);
  }
  return centres;
}

}  // namespace

// The k-means|| and k-means++ lockstep loops, the per-chunk cost sums and the draws are still to
// write here, per KMEANS_WIP.md; `take`, `distinct_rows` and `reduce_candidates` above are their parts.

}  // namespace tessera
