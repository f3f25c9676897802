// The starting centres of every run (seeding.hpp). Per-row costs (each row's squared distance to
// its run's nearest centre so far) stay on the workers between passes: KMeansCosts, brought up to
// date by KMeansCostsUpdate with each new centre, so a centre costs one distance per row.
#include "jobs/kmeans/seeding.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "tessera/core/splitmix.hpp"
#include "tessera/kernels/kmeans.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/tasks.hpp"

namespace tessera {
namespace {

/// Bahmani et al.'s 5 rounds of 2k draws: about 10k weighted candidates. (Spark's 2 rounds cost
/// less but, measured on 16 blobs, left k = 8 at 1.4% more inertia than scikit-learn's best of 3.)
constexpr int parallel_rounds = 5;

/// A seeded stream of uniforms in [0, 1): a run's choices are its own, whatever the other runs do.
class Stream {
 public:
  Stream(std::int64_t seed, double stream)
      : key_(splitmix64(splitmix64(static_cast<std::uint64_t>(seed)) ^ static_cast<std::uint64_t>(stream))) {}
  double uniform() { return static_cast<double>(splitmix64(key_ + counter_++) >> 11) * 0x1.0p-53; }
  std::int64_t below(std::int64_t n) { return std::min<std::int64_t>(n - 1, static_cast<std::int64_t>(uniform() * static_cast<double>(n))); }

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

/// Weighted greedy k-means++ then weighted Lloyd on the candidates (p x m), as Spark's
/// LocalKMeans; returns the centres and their weighted inertia on the candidates.
std::pair<Eigen::MatrixXd, double> reduce_once(const Eigen::MatrixXd& c, const Eigen::VectorXd& w, std::int64_t k,
                                               Stream& stream) {
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
  double inertia = 0;
  for (Eigen::Index i = 0; i < m; ++i) {
    double least = std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < k; ++j) least = std::min(least, d2(i, centres.col(j)));
    inertia += w(i) * least;
  }
  return {std::move(centres), inertia};
}

/// Rank 0's reduction of the k-means|| candidates to k centres: the best of several weighted
/// k-means++ and Lloyd runs on them. The candidates are few (about 10k), so restarts cost little
/// next to one pass over the data, and they keep the seeding out of poor local minima.
Eigen::MatrixXd reduce_candidates(const Eigen::MatrixXd& c, const Eigen::VectorXd& w, std::int64_t k, Stream& stream) {
  constexpr int restarts = 10;
  std::pair<Eigen::MatrixXd, double> best = reduce_once(c, w, k, stream);
  for (int t = 1; t < restarts; ++t) {
    auto next = reduce_once(c, w, k, stream);
    if (next.second < best.second) best = std::move(next);
  }
  return best.first;
}

/// Every chunk's KMeansCosts for the runs' centres `added` (p x k[r] each, numbered from
/// `first[r]`), from `previous` (none: the first centres). The costs stay on the workers.
std::vector<TaskKey> add_costs(Graph& graph, const KMeansData& data, const std::vector<TaskKey>& previous,
                               const std::vector<Eigen::MatrixXd>& added, const std::vector<double>& first) {
  const std::vector<TaskKey> read = reads(graph, data);
  std::vector<TaskKey> out;
  for (std::size_t c = 0; c < read.size(); ++c) {
    KMeansCosts::Params params{KMeansRuns{{}, {}, data.mean, data.chunks[c].begin}, first};
    for (const Eigen::MatrixXd& a : added) {
      params.runs.centers.insert(params.runs.centers.end(), a.data(), a.data() + a.size());
      params.runs.k.push_back(static_cast<double>(a.cols()));
    }
    out.push_back(previous.empty() ? graph.add(task_of<KMeansCosts>(params, {read[c]}))
                                   : graph.add(task_of<KMeansCostsUpdate>(params, {read[c], previous[c]})));
  }
  return out;
}

/// Rows drawn from every chunk (KMeansDraw with `params_of(chunk)`), by run: p x drawn each.
template <class MakeParams>
std::vector<Eigen::MatrixXd> draw(Client& client, Graph& graph, const KMeansData& data, const std::vector<TaskKey>& costs,
                                  std::size_t runs, MakeParams params_of) {
  const std::vector<TaskKey> read = reads(graph, data);
  std::vector<TaskKey> drawn;
  std::vector<std::size_t> chunk;
  for (std::size_t c = 0; c < read.size(); ++c)
    if (auto params = params_of(c)) {
      drawn.push_back(graph.add(task_of<KMeansDraw>(*params, {read[c], costs[c]})));
      chunk.push_back(c);
    }
  std::vector<std::vector<Eigen::VectorXd>> by_run(runs);
  for (const Future& f : client.submit(graph, drawn)) {
    const Eigen::MatrixXd points = from_value<KMeansDraw::Result>(*client.gather(f)).points;
    for (Eigen::Index j = 0; j < points.cols(); ++j)
      by_run[static_cast<std::size_t>(points(0, j))].push_back(points.col(j).tail(points.rows() - 2));
  }
  std::vector<Eigen::MatrixXd> out;
  const auto p = static_cast<Eigen::Index>(data.mean.size());
  for (const auto& points : by_run) {
    Eigen::MatrixXd m(p, static_cast<Eigen::Index>(points.size()));
    for (std::size_t j = 0; j < points.size(); ++j) m.col(static_cast<Eigen::Index>(j)) = points[j];
    out.push_back(std::move(m));
  }
  return out;
}

/// Per run, Σ cost over all rows (reduced up a tree).
std::vector<double> total_costs(Client& client, const std::vector<TaskKey>& costs) {
  Graph graph;
  std::vector<TaskKey> sums;
  for (const TaskKey& c : costs) sums.push_back(graph.add(task_of<KMeansCostSums>({}, {c})));
  const Eigen::MatrixXd total =
      from_value<KMeansCostSums::Result>(*client.gather(client.submit(graph, {reduce<Sum>(graph, sums)}).front())).sums;
  return std::vector<double>(total.data(), total.data() + total.size());
}

}  // namespace

std::vector<Eigen::MatrixXd> seed_kmeans_parallel(Client& client, const KMeansData& data, const SeedingRuns& seeding) {
  const std::vector<std::int64_t>& ks = seeding.k;
  const std::size_t runs = ks.size();
  std::vector<Stream> streams;
  std::vector<double> stream_ids;
  std::vector<std::int64_t> first_rows;
  for (std::size_t r = 0; r < runs; ++r) {
    stream_ids.push_back(seeding.stream(r));
    streams.emplace_back(seeding.seed, seeding.stream(r));
    first_rows.push_back(streams.back().below(data.x.rows));
  }
  const Eigen::MatrixXd firsts = take(client, data, first_rows);
  std::vector<Eigen::MatrixXd> candidates;
  for (std::size_t r = 0; r < runs; ++r) candidates.push_back(firsts.col(static_cast<Eigen::Index>(r)));
  std::vector<Future> held;
  std::vector<TaskKey> costs;
  {
    Graph graph;
    costs = add_costs(graph, data, {}, candidates, std::vector<double>(runs, 0));
    held = client.submit(graph, costs);
  }
  for (int round = 1; round <= parallel_rounds; ++round) {
    const std::vector<double> phi = total_costs(client, costs);
    std::vector<double> oversampling;
    for (std::int64_t k : ks) oversampling.push_back(2.0 * static_cast<double>(k));
    Graph graph;
    const std::vector<Eigen::MatrixXd> drawn = draw(client, graph, data, costs, runs, [&](std::size_t c) {
      return std::optional<KMeansDraw::Params>(
          KMeansDraw::Params{data.mean, data.chunks[c].begin, oversampling, phi, seeding.seed, stream_ids, round, {}});
    });
    std::vector<double> first;
    for (std::size_t r = 0; r < runs; ++r) first.push_back(static_cast<double>(candidates[r].cols()));
    Graph update;
    costs = add_costs(update, data, costs, drawn, first);
    std::vector<Future> next = client.submit(update, costs);
    held = std::move(next);  // the round's costs replace the last round's on the workers
    for (std::size_t r = 0; r < runs; ++r) {
      Eigen::MatrixXd grown(candidates[r].rows(), candidates[r].cols() + drawn[r].cols());
      grown << candidates[r], drawn[r];
      candidates[r] = std::move(grown);
    }
  }
  // The candidates' weights: how many rows each is nearest to.
  Graph graph;
  std::vector<double> counts;
  for (const auto& c : candidates) counts.push_back(static_cast<double>(c.cols()));
  std::vector<TaskKey> weights;
  for (const TaskKey& c : costs) weights.push_back(graph.add(task_of<KMeansWeights>({counts}, {c})));
  const Eigen::MatrixXd w =
      from_value<KMeansWeights::Result>(*client.gather(client.submit(graph, {reduce<Sum>(graph, weights)}).front())).weights;
  held.clear();
  std::vector<Eigen::MatrixXd> out;
  Eigen::Index at = 0;
  for (std::size_t r = 0; r < runs; ++r) {
    const Eigen::Index m = candidates[r].cols();
    out.push_back(m < ks[r] ? candidates[r]  // padded below
                            : reduce_candidates(candidates[r], w.row(0).segment(at, m).transpose(), ks[r], streams[r]));
    at += m;
  }
  // Fewer candidates than k (data with few distinct rows): random rows for the rest, whose
  // clusters Lloyd's empty-cluster rule then re-seeds.
  std::vector<std::int64_t> padding;
  for (std::size_t r = 0; r < runs; ++r)
    if (out[r].cols() < ks[r])
      for (std::int64_t row : distinct_rows(streams[r], data.x.rows, ks[r] - out[r].cols())) padding.push_back(row);
  if (padding.empty()) return out;
  const Eigen::MatrixXd rows = take(client, data, padding);
  Eigen::Index used = 0;
  for (std::size_t r = 0; r < runs; ++r) {
    if (out[r].cols() >= ks[r]) continue;
    const Eigen::Index missing = ks[r] - out[r].cols();
    Eigen::MatrixXd padded(rows.rows(), ks[r]);
    padded << out[r], rows.middleCols(used, missing);
    used += missing;
    out[r] = std::move(padded);
  }
  return out;
}

std::vector<Eigen::MatrixXd> seed_random(Client& client, const KMeansData& data, const SeedingRuns& seeding) {
  const std::vector<std::int64_t>& ks = seeding.k;
  std::vector<std::int64_t> rows;
  for (std::size_t r = 0; r < ks.size(); ++r) {
    Stream stream(seeding.seed, seeding.stream(r));
    for (std::int64_t row : distinct_rows(stream, data.x.rows, ks[r])) rows.push_back(row);
  }
  const Eigen::MatrixXd taken = take(client, data, rows);
  std::vector<Eigen::MatrixXd> out;
  Eigen::Index at = 0;
  for (std::int64_t k : ks) {
    out.push_back(taken.middleCols(at, k));
    at += k;
  }
  return out;
}

std::vector<Eigen::MatrixXd> seed_kmeans_plusplus(Client& client, const KMeansData& data, const SeedingRuns& seeding) {
  const std::vector<std::int64_t>& ks = seeding.k;
  const std::size_t runs = ks.size();
  const auto p = static_cast<Eigen::Index>(data.mean.size());
  std::vector<Stream> streams;
  std::vector<std::int64_t> first_rows;
  for (std::size_t r = 0; r < runs; ++r) {
    streams.emplace_back(seeding.seed, seeding.stream(r));
    first_rows.push_back(streams.back().below(data.x.rows));
  }
  const Eigen::MatrixXd firsts = take(client, data, first_rows);
  std::vector<Eigen::MatrixXd> centres, added;
  for (std::size_t r = 0; r < runs; ++r) {
    centres.emplace_back(p, ks[r]);
    centres[r].col(0) = firsts.col(static_cast<Eigen::Index>(r));
    added.push_back(firsts.col(static_cast<Eigen::Index>(r)));
  }
  std::vector<TaskKey> costs;
  std::vector<Future> held;
  {
    Graph graph;
    costs = add_costs(graph, data, {}, added, std::vector<double>(runs, 0));
    held = client.submit(graph, costs);
  }
  std::vector<double> phi = total_costs(client, costs);
  const std::int64_t most_k = *std::max_element(ks.begin(), ks.end());
  for (std::int64_t c = 1; c < most_k; ++c) {
    client.set_phase(fmt::format("k-means++: centre {} of {}", c + 1, most_k));
    // Each chunk's cost per run, to find the chunk that holds each drawn offset.
    std::vector<Eigen::MatrixXd> chunk_sums;
    {
      Graph graph;
      std::vector<TaskKey> sums;
      for (const TaskKey& key : costs) sums.push_back(graph.add(task_of<KMeansCostSums>({}, {key})));
      for (const Future& f : client.submit(graph, sums)) chunk_sums.push_back(from_value<KMeansCostSums::Result>(*client.gather(f)).sums);
    }
    // Per run still growing, its trials: offsets u·φ into the running sum of costs.
    std::vector<std::vector<double>> targets(data.chunks.size());
    std::vector<std::vector<std::size_t>> target_run(data.chunks.size());
    for (std::size_t r = 0; r < runs; ++r) {
      if (c >= ks[r]) continue;
      const int trials = 2 + static_cast<int>(std::log(static_cast<double>(ks[r])));
      for (int t = 0; t < trials; ++t) {
        double offset = streams[r].uniform() * phi[r];
        std::size_t chunk = 0;
        while (chunk + 1 < chunk_sums.size() && offset >= chunk_sums[chunk](static_cast<Eigen::Index>(r), 0))
          offset -= chunk_sums[chunk++](static_cast<Eigen::Index>(r), 0);
        targets[chunk].insert(targets[chunk].end(), {static_cast<double>(r), offset});
        target_run[chunk].push_back(r);
      }
    }
    Graph graph;
    const std::vector<Eigen::MatrixXd> drawn = draw(client, graph, data, costs, runs, [&](std::size_t chunk) {
      if (targets[chunk].empty()) return std::optional<KMeansDraw::Params>();
      return std::optional<KMeansDraw::Params>(
          KMeansDraw::Params{data.mean, data.chunks[chunk].begin, {}, {}, seeding.seed, {}, 0, targets[chunk]});
    });
    // The potential each trial would give; the best trial of each run becomes its next centre.
    Graph trial_graph;
    std::vector<TaskKey> read = reads(trial_graph, data), potentials;
    KMeansRuns trial_runs{{}, {}, data.mean, 0};
    for (const Eigen::MatrixXd& d : drawn) {
      trial_runs.centers.insert(trial_runs.centers.end(), d.data(), d.data() + d.size());
      trial_runs.k.push_back(static_cast<double>(d.cols()));
    }
    for (std::size_t chunk = 0; chunk < read.size(); ++chunk) {
      trial_runs.row_begin = data.chunks[chunk].begin;
      potentials.push_back(trial_graph.add(task_of<KMeansTrials>(trial_runs, {read[chunk], costs[chunk]})));
    }
    const Eigen::MatrixXd potential = from_value<KMeansTrials::Result>(
        *client.gather(client.submit(trial_graph, {reduce<Sum>(trial_graph, potentials)}).front())).potentials;
    Eigen::Index at = 0;
    for (std::size_t r = 0; r < runs; ++r) {
      const Eigen::Index trials = drawn[r].cols();
      added[r].resize(p, trials > 0 ? 1 : 0);
      if (trials == 0) continue;
      Eigen::Index best = 0;
      for (Eigen::Index t = 1; t < trials; ++t)
        if (potential(0, at + t) < potential(0, at + best)) best = t;
      centres[r].col(c) = drawn[r].col(best);
      added[r] = drawn[r].col(best);
      phi[r] = potential(0, at + best);
      at += trials;
    }
    Graph update;
    costs = add_costs(update, data, costs, added, std::vector<double>(runs, static_cast<double>(c)));
    std::vector<Future> next = client.submit(update, costs);
    held = std::move(next);
  }
  return centres;
}

}  // namespace tessera
