// Kernels of k-means: one pass over a chunk serves every run. Contracts in kernels/kmeans.hpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>

#include "tessera/core/huge_pages.hpp"
#include "tessera/core/splitmix.hpp"
#include "tessera/error.hpp"
#include "tessera/kernels/blas.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/kmeans.hpp"

namespace tessera {
namespace {

/// Rows per block: the Σk x block distances stay in cache between the GEMM and the minimum.
constexpr Eigen::Index block_rows = 256;

Eigen::Index size_of(const std::vector<double>& v) { return static_cast<Eigen::Index>(v.size()); }

/// The runs' centres and where each run's start among them.
struct Centres {
  Eigen::Map<const Eigen::MatrixXd> c;  ///< p x Σk
  Eigen::VectorXd norms;                ///< ‖c‖² per centre
  std::vector<Eigen::Index> begin;      ///< per run, and Σk last
};

Centres centres_of(const KMeansRuns& runs, Eigen::Index p) {
  Eigen::Index total = 0;
  std::vector<Eigen::Index> begin{0};
  for (double k : runs.k) begin.push_back(total += static_cast<Eigen::Index>(k));
  if (size_of(runs.centers) != p * total || size_of(runs.mean) != p) throw Error("kmeans: centres do not match the features");
  Centres out{Eigen::Map<const Eigen::MatrixXd>(runs.centers.data(), p, total), {}, std::move(begin)};
  out.norms = out.c.colwise().squaredNorm().transpose();
  return out;
}

/// The rows [begin, begin + rows) of a chunk (p x n), centred.
Eigen::MatrixXd centred(const Eigen::MatrixXd& xt, const std::vector<double>& mean, Eigen::Index begin, Eigen::Index rows) {
  const Eigen::Map<const Eigen::VectorXd> mu(mean.data(), size_of(mean));
  return xt.middleCols(begin, rows).colwise() - mu;
}

/// ‖c‖² − 2cᵀx for every centre and row of the block (Σk x rows); add ‖x‖² for the distance.
Eigen::MatrixXd partial_distances(const Centres& centres, const Eigen::MatrixXd& x) {
  Eigen::MatrixXd d(centres.c.cols(), x.cols());
  blas::multiply(centres.c, true, x, false, d);
  d *= -2;
  d.colwise() += centres.norms;
  return d;
}

/// The same in single precision: twice the speed, for the seeding's costs, which only weigh the
/// draws (Lloyd's passes, the inertia and the labels keep double precision).
Eigen::MatrixXf partial_distances_float(const Eigen::MatrixXf& c, const Eigen::VectorXf& norms, const Eigen::MatrixXd& x) {
  const Eigen::MatrixXf xf = x.cast<float>();
  Eigen::MatrixXf d(c.cols(), x.cols());
  blas::multiply(c, true, xf, false, d);
  d *= -2;
  d.colwise() += norms;
  return d;
}

/// Calls f(run, row within the block, nearest centre (within the run), squared distance) for every
/// run and row of each block of the chunk, the block centred in `x`. Scalar: the precision of the
/// distances (double, or float for the seeding's costs).
template <class Scalar = double, class F>
void for_each_nearest(const Eigen::MatrixXd& xt, const KMeansRuns& runs, F&& f) {
  const Eigen::Index p = xt.rows(), n = xt.cols();
  const Centres centres = centres_of(runs, p);
  Eigen::MatrixXf c_float;
  Eigen::VectorXf norms_float;
  if constexpr (std::is_same_v<Scalar, float>) {
    c_float = centres.c.cast<float>();
    norms_float = centres.norms.cast<float>();
  }
  for (Eigen::Index begin = 0; begin < n; begin += block_rows) {
    const Eigen::Index rows = std::min(block_rows, n - begin);
    const Eigen::MatrixXd x = centred(xt, runs.mean, begin, rows);
    Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> d;
    if constexpr (std::is_same_v<Scalar, float>)
      d = partial_distances_float(c_float, norms_float, x);
    else
      d = partial_distances(centres, x);
    const Eigen::VectorXd xx = x.colwise().squaredNorm().transpose();
    // Row by row, every run: each row's distances are one contiguous column of d. (Each centre
    // still sees its rows in increasing order, so the sums do not depend on this loop order.)
    for (Eigen::Index i = 0; i < rows; ++i)
      for (std::size_t r = 0; r + 1 < centres.begin.size(); ++r) {
        const Eigen::Index b = centres.begin[r], k = centres.begin[r + 1] - b;
        if (k == 0) continue;
        Eigen::Index best = 0;
        Scalar least = d(b, i);
        for (Eigen::Index j = 1; j < k; ++j)
          if (d(b + j, i) < least) least = d(b + (best = j), i);
        f(r, x, begin, i, best, std::max(0.0, static_cast<double>(least) + xx(i)));
      }
  }
}

ColumnMoments::Result column_moments(const NoFields&, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  ColumnMoments::Result out;
  out.sums.resize(xt.rows(), 2);
  out.sums.col(0) = xt.rowwise().sum();
  out.sums.col(1) = xt.array().square().rowwise().sum();
  out.rows = static_cast<double>(xt.cols());
  return out;
}

KMeansStep::Result kmeans_step(const KMeansRuns& runs, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::Index total = static_cast<Eigen::Index>(runs.centers.size()) / std::max<Eigen::Index>(1, xt.rows());
  std::vector<Eigen::Index> begin{0};
  for (double k : runs.k) begin.push_back(begin.back() + static_cast<Eigen::Index>(k));
  KMeansStep::Result out{Eigen::MatrixXd::Zero(xt.rows(), total), Eigen::MatrixXd::Zero(1, total),
                         Eigen::MatrixXd::Zero(1, size_of(runs.k))};
  const Eigen::Map<const Eigen::MatrixXd> centres(runs.centers.data(), xt.rows(), total);
  for_each_nearest(xt, runs, [&](std::size_t r, const Eigen::MatrixXd& x, Eigen::Index, Eigen::Index i, Eigen::Index j, double) {
    const Eigen::Index c = begin[r] + j;
    out.sums.col(c) += x.col(i);
    out.counts(0, c) += 1;
    // The exact distance, as scikit-learn's inertia: the expanded form loses digits near a centre.
    out.inertia(0, static_cast<Eigen::Index>(r)) += (x.col(i) - centres.col(c)).squaredNorm();
  });
  return out;
}

/// A run's candidates, farthest first, ties to the lower row: (p + 3) x wanted, padded with −1.
void keep_farthest(std::vector<Eigen::VectorXd>& points, Eigen::Index wanted) {
  std::sort(points.begin(), points.end(), [](const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    return a(0) != b(0) ? a(0) > b(0) : a(1) < b(1);
  });
  if (static_cast<Eigen::Index>(points.size()) > wanted) points.resize(static_cast<std::size_t>(wanted));
}

Eigen::MatrixXd farthest_matrix(const std::vector<std::vector<Eigen::VectorXd>>& per_run, const std::vector<double>& wanted,
                                Eigen::Index height) {
  Eigen::Index total = 0;
  for (double w : wanted) total += static_cast<Eigen::Index>(w);
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(height, total);
  out.row(0).setConstant(-1);
  Eigen::Index at = 0;
  for (std::size_t r = 0; r < per_run.size(); ++r) {
    for (std::size_t i = 0; i < per_run[r].size(); ++i) out.col(at + static_cast<Eigen::Index>(i)) = per_run[r][i];
    at += static_cast<Eigen::Index>(wanted[r]);
  }
  return out;
}

KMeansFarthest::Result kmeans_farthest(const KMeansFarthest::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::Index p = xt.rows();
  std::vector<std::vector<Eigen::VectorXd>> per_run(params.wanted.size());
  for_each_nearest(xt, params.runs, [&](std::size_t r, const Eigen::MatrixXd& x, Eigen::Index begin, Eigen::Index i, Eigen::Index j,
                                        double d2) {
    const auto wanted = static_cast<Eigen::Index>(params.wanted[r]);
    if (wanted == 0) return;
    auto& kept = per_run[r];
    // Keeps at most 2 x wanted before cutting back: the chunk's farthest survive.
    Eigen::VectorXd point(p + 3);
    point << d2, static_cast<double>(params.runs.row_begin + begin + i), static_cast<double>(j), x.col(i);
    kept.push_back(std::move(point));
    if (static_cast<Eigen::Index>(kept.size()) >= 2 * wanted + 16) keep_farthest(kept, wanted);
  });
  for (std::size_t r = 0; r < per_run.size(); ++r) keep_farthest(per_run[r], static_cast<Eigen::Index>(params.wanted[r]));
  return {farthest_matrix(per_run, params.wanted, p + 3)};
}

KMeansFarthest::Result merge_farthest(const MergeFarthest::Params& params, const KernelInputs& in) {
  std::vector<std::vector<Eigen::VectorXd>> per_run(params.wanted.size());
  for (std::size_t k = 0; k < 2; ++k) {
    const Eigen::MatrixXd& part = in.matrix(k);
    Eigen::Index at = 0;
    for (std::size_t r = 0; r < params.wanted.size(); ++r) {
      for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(params.wanted[r]); ++i)
        if (part(0, at + i) >= 0) per_run[r].push_back(part.col(at + i));
      at += static_cast<Eigen::Index>(params.wanted[r]);
    }
  }
  for (std::size_t r = 0; r < per_run.size(); ++r) keep_farthest(per_run[r], static_cast<Eigen::Index>(params.wanted[r]));
  return {farthest_matrix(per_run, params.wanted, in.matrix(0).rows())};
}

/// `out` (costs, nearest) brought down to the runs' centres in `params`.
void lower_costs(const KMeansCosts::Params& params, const Eigen::MatrixXd& xt, KMeansCosts::Result& out) {
  for_each_nearest<float>(xt, params.runs, [&](std::size_t r, const Eigen::MatrixXd&, Eigen::Index begin, Eigen::Index i, Eigen::Index j,
                                        double d2) {
    const auto run = static_cast<Eigen::Index>(r);
    if (params.runs.k[r] > 0 && d2 < out.costs(run, begin + i)) {
      out.costs(run, begin + i) = d2;
      out.nearest(run, begin + i) = params.first[r] + static_cast<double>(j);
    }
  });
}

/// A runs x rows matrix as long as a chunk, on huge pages: on a virtual machine the page faults of
/// fresh 4 KiB pages cost more than the distances written into them.
Eigen::MatrixXd per_row_matrix(Eigen::Index runs, Eigen::Index rows) {
  Eigen::MatrixXd m(runs, rows);
  advise_huge_pages(m.data(), static_cast<std::size_t>(m.size()) * sizeof(double));
  return m;
}

KMeansCosts::Result kmeans_costs(const KMeansCosts::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::Index runs = size_of(params.runs.k);
  KMeansCosts::Result out{per_row_matrix(runs, xt.cols()), per_row_matrix(runs, xt.cols())};
  out.costs.setConstant(std::numeric_limits<double>::infinity());
  out.nearest.setZero();
  lower_costs(params, xt, out);
  return out;
}

KMeansCosts::Result kmeans_costs_update(const KMeansCosts::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& costs = in[1][0];
  const Eigen::MatrixXd& nearest = in[1][1];
  KMeansCosts::Result out{per_row_matrix(costs.rows(), costs.cols()), per_row_matrix(costs.rows(), costs.cols())};
  out.costs = costs;
  out.nearest = nearest;
  lower_costs(params, in.matrix(0), out);
  return out;
}

KMeansCostSums::Result kmeans_cost_sums(const NoFields&, const KernelInputs& in) { return {in.matrix(0).rowwise().sum()}; }

/// The key of one run's draws in one round; with the row, it gives each row's uniform.
std::uint64_t round_key(std::int64_t seed, double stream, std::int64_t round) {
  std::uint64_t h = splitmix64(static_cast<std::uint64_t>(seed));
  h = splitmix64(h ^ static_cast<std::uint64_t>(stream));
  return splitmix64(h ^ static_cast<std::uint64_t>(round));
}

/// A uniform in [0, 1) keyed on the row: the same draw however the rows are chunked.
double keyed_uniform(std::uint64_t key, std::int64_t row) {
  return static_cast<double>(splitmix64(key ^ static_cast<std::uint64_t>(row)) >> 11) * 0x1.0p-53;
}

KMeansDraw::Result kmeans_draw(const KMeansDraw::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::MatrixXd& costs = in.matrix(1);
  const Eigen::Index p = xt.rows();
  const Eigen::Map<const Eigen::VectorXd> mu(params.mean.data(), size_of(params.mean));
  std::vector<Eigen::VectorXd> drawn;
  const auto take = [&](Eigen::Index run, Eigen::Index i) {
    Eigen::VectorXd point(p + 2);
    point << static_cast<double>(run), static_cast<double>(params.row_begin + i), xt.col(i) - mu;
    drawn.push_back(std::move(point));
  };
  if (!params.phi.empty()) {
    for (Eigen::Index r = 0; r < costs.rows(); ++r) {
      const double scale = params.oversampling[static_cast<std::size_t>(r)] / params.phi[static_cast<std::size_t>(r)];
      if (!(scale > 0) || !std::isfinite(scale)) continue;
      const std::uint64_t key = round_key(params.seed, params.streams[static_cast<std::size_t>(r)], params.round);
      for (Eigen::Index i = 0; i < costs.cols(); ++i)
        if (keyed_uniform(key, params.row_begin + i) < scale * costs(r, i)) take(r, i);
    }
  } else {
    // Each target: the row where the running sum of its run's costs in this chunk first exceeds it.
    for (std::size_t t = 0; t + 1 < params.targets.size(); t += 2) {
      const auto r = static_cast<Eigen::Index>(params.targets[t]);
      double sum = 0;
      Eigen::Index i = 0;
      for (; i + 1 < costs.cols(); ++i)
        if ((sum += costs(r, i)) > params.targets[t + 1]) break;
      take(r, i);
    }
  }
  Eigen::MatrixXd points(p + 2, static_cast<Eigen::Index>(drawn.size()));
  for (std::size_t j = 0; j < drawn.size(); ++j) points.col(static_cast<Eigen::Index>(j)) = drawn[j];
  return {std::move(points)};
}

KMeansTrials::Result kmeans_trials(const KMeansRuns& runs, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::MatrixXd& costs = in.matrix(1);
  const Eigen::Index p = xt.rows(), n = xt.cols();
  const Centres trials = centres_of(runs, p);
  Eigen::MatrixXd potentials = Eigen::MatrixXd::Zero(1, trials.c.cols());
  for (Eigen::Index begin = 0; begin < n; begin += block_rows) {
    const Eigen::Index rows = std::min(block_rows, n - begin);
    const Eigen::MatrixXd x = centred(xt, runs.mean, begin, rows);
    const Eigen::MatrixXd d = partial_distances(trials, x);
    const Eigen::VectorXd xx = x.colwise().squaredNorm().transpose();
    for (std::size_t r = 0; r + 1 < trials.begin.size(); ++r)
      for (Eigen::Index t = trials.begin[r]; t < trials.begin[r + 1]; ++t)
        for (Eigen::Index i = 0; i < rows; ++i)
          potentials(0, t) += std::min(costs(static_cast<Eigen::Index>(r), begin + i), std::max(0.0, d(t, i) + xx(i)));
  }
  return {std::move(potentials)};
}

KMeansWeights::Result kmeans_weights(const KMeansWeights::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& nearest = in[0][1];
  std::vector<Eigen::Index> begin{0};
  for (double k : params.k) begin.push_back(begin.back() + static_cast<Eigen::Index>(k));
  Eigen::MatrixXd weights = Eigen::MatrixXd::Zero(1, begin.back());
  for (Eigen::Index r = 0; r < nearest.rows(); ++r)
    for (Eigen::Index i = 0; i < nearest.cols(); ++i) weights(0, begin[static_cast<std::size_t>(r)] + static_cast<Eigen::Index>(nearest(r, i))) += 1;
  return {std::move(weights)};
}

TakeRows::Result take_rows(const TakeRows::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::Map<const Eigen::VectorXd> mu(params.mean.data(), size_of(params.mean));
  Eigen::MatrixXd points(xt.rows(), size_of(params.rows));
  for (Eigen::Index j = 0; j < points.cols(); ++j) {
    const auto i = static_cast<Eigen::Index>(params.rows[static_cast<std::size_t>(j)]) - params.row_begin;
    if (i < 0 || i >= xt.cols()) throw Error("take_rows: row outside the chunk");
    points.col(j) = xt.col(i) - mu;
  }
  return {std::move(points)};
}

KMeansLabels::Result kmeans_labels(const KMeansRuns& runs, const KernelInputs& in) {
  Eigen::MatrixXd labels(1, in.matrix(0).cols());
  for_each_nearest(in.matrix(0), runs, [&](std::size_t, const Eigen::MatrixXd&, Eigen::Index begin, Eigen::Index i, Eigen::Index j,
                                           double) { labels(0, begin + i) = static_cast<double>(j); });
  return {std::move(labels)};
}

}  // namespace

void register_kmeans_kernels(KernelRegistry& registry) {
  add_kernel<ColumnMoments>(registry, column_moments);
  add_kernel<KMeansStep>(registry, kmeans_step);
  add_kernel<KMeansFarthest>(registry, kmeans_farthest);
  add_kernel<MergeFarthest>(registry, merge_farthest);
  add_kernel<KMeansCosts>(registry, kmeans_costs);
  add_kernel<KMeansCostsUpdate>(registry, kmeans_costs_update);
  add_kernel<KMeansCostSums>(registry, kmeans_cost_sums);
  add_kernel<KMeansDraw>(registry, kmeans_draw);
  add_kernel<KMeansTrials>(registry, kmeans_trials);
  add_kernel<KMeansWeights>(registry, kmeans_weights);
  add_kernel<TakeRows>(registry, take_rows);
  add_kernel<KMeansLabels>(registry, kmeans_labels);
}

}  // namespace tessera
