// Lloyd's iterations of every run at once (lloyd.hpp).
#include "jobs/kmeans/lloyd.hpp"

#include <fmt/format.h>

#include "tessera/kernels/kmeans.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/tasks.hpp"

namespace tessera {
namespace {

/// The active runs' centres side by side, for the pass of the chunk from `row_begin`.
KMeansRuns runs_of(const KMeansData& data, const std::vector<KMeansRun*>& active, std::int64_t row_begin) {
  KMeansRuns out{{}, {}, data.mean, row_begin};
  for (const KMeansRun* r : active) {
    out.centers.insert(out.centers.end(), r->centres.data(), r->centres.data() + r->centres.size());
    out.k.push_back(static_cast<double>(r->k));
  }
  return out;
}

/// Per chunk, a task of contract K on the active runs (its parameters from `params_of(runs)`).
template <class K, class MakeParams>
std::vector<TaskKey> per_chunk_of_runs(Graph& graph, const KMeansData& data, const std::vector<KMeansRun*>& active,
                                       MakeParams params_of) {
  std::vector<TaskKey> out;
  const auto count = static_cast<std::int64_t>(data.chunks.size());
  for (std::int64_t i = 0; i < count; ++i) {
    const RowChunk& chunk = data.chunks[static_cast<std::size_t>(i)];
    const TaskKey read = graph.add(read_rows_task(data.x, chunk, i, count));
    out.push_back(graph.add(task_of<K>(params_of(runs_of(data, active, chunk.begin)), {read})));
  }
  return out;
}

/// Re-seeds each empty cluster of `run` with a row farthest from its centre, as scikit-learn's
/// _relocate_empty_clusters_dense: the row leaves its cluster's sum and becomes the new centre.
void relocate(Eigen::MatrixXd& sums, Eigen::RowVectorXd& counts, const Eigen::MatrixXd& farthest, Eigen::Index at,
              const std::vector<Eigen::Index>& empty) {
  const Eigen::Index p = sums.rows();
  for (std::size_t e = 0; e < empty.size(); ++e) {
    const auto col = farthest.col(at + static_cast<Eigen::Index>(e));
    const auto from = static_cast<Eigen::Index>(col(2));
    sums.col(from) -= col.tail(p);
    counts(from) -= 1;
    sums.col(empty[e]) = col.tail(p);
    counts(empty[e]) = 1;
  }
}

}  // namespace

int lloyd(Client& client, const KMeansData& data, std::vector<KMeansRun>& runs, double tol, std::int64_t max_iter) {
  const double tolerance = tol * data.mean_variance;
  int passes = 0;
  for (;;) {
    std::vector<KMeansRun*> active;
    for (KMeansRun& r : runs)
      if (!r.done) active.push_back(&r);
    if (active.empty()) return passes;
    client.set_phase(fmt::format("Lloyd pass {}, {} run(s) active", passes + 1, active.size()));
    Graph graph;
    const TaskKey root =
        reduce<Sum>(graph, per_chunk_of_runs<KMeansStep>(graph, data, active, [](KMeansRuns r) { return r; }));
    const auto step = from_value<KMeansStep::Result>(*client.gather(client.submit(graph, {root}).front()));
    ++passes;

    // Runs with empty clusters: their farthest rows, from the same centres, in one more pass.
    std::vector<double> wanted;
    std::vector<std::vector<Eigen::Index>> empties(active.size());
    Eigen::Index at = 0;
    for (std::size_t a = 0; a < active.size(); ++a) {
      for (Eigen::Index j = 0; j < active[a]->k; ++j)
        if (step.counts(0, at + j) == 0 && !active[a]->finishing) empties[a].push_back(j);
      wanted.push_back(static_cast<double>(empties[a].size()));
      at += active[a]->k;
    }
    Eigen::MatrixXd farthest;
    if (std::any_of(wanted.begin(), wanted.end(), [](double w) { return w > 0; })) {
      Graph g;
      const TaskKey merged = tree_reduce(
          g,
          per_chunk_of_runs<KMeansFarthest>(g, data, active, [&](KMeansRuns r) { return KMeansFarthest::Params{std::move(r), wanted}; }),
          MergeFarthest::name, to_params(MergeFarthest::Params{wanted}), version_of<MergeFarthest>());
      farthest = from_value<KMeansFarthest::Result>(*client.gather(client.submit(g, {merged}).front())).points;
      ++passes;
    }

    at = 0;
    Eigen::Index far_at = 0;
    for (std::size_t a = 0; a < active.size(); ++a) {
      KMeansRun& run = *active[a];
      const Eigen::Index k = run.k;
      Eigen::MatrixXd sums = step.sums.middleCols(at, k);
      Eigen::RowVectorXd counts = step.counts.middleCols(at, k);
      const double inertia = step.inertia(0, static_cast<Eigen::Index>(a));
      at += k;
      if (run.finishing) {
        run.inertia = inertia;
        run.sizes = counts.transpose();
        run.done = true;
        continue;
      }
      relocate(sums, counts, farthest, far_at, empties[a]);
      far_at += static_cast<Eigen::Index>(wanted[a]);
      Eigen::MatrixXd next = run.centres;
      for (Eigen::Index j = 0; j < k; ++j)
        if (counts(j) > 0) next.col(j) = sums.col(j) / counts(j);
      const double shift = (next - run.centres).squaredNorm();
      run.centres = std::move(next);
      ++run.n_iter;
      if (shift == 0) {
        // The labels did not change: this pass's inertia is the final one (scikit-learn's strict convergence).
        run.converged = true;
        run.inertia = inertia;
        run.sizes = counts.transpose();
        run.done = true;
      } else if (shift <= tolerance || run.n_iter >= max_iter) {
        run.converged = shift <= tolerance;
        run.finishing = true;
      }
    }
  }
}

}  // namespace tessera
