#pragma once
/// @file
/// The starting centres of every k-means run, all runs seeded in the same passes. Centres are
/// p x k, centred on the data's mean.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "jobs/kmeans/lloyd.hpp"

namespace tessera {

/// The runs to seed: run r is start `start[r]` of k = `k[r]`. Its random choices are keyed on
/// (seed, k, start): the same centres whatever other runs share its passes, on any rank count.
struct SeedingRuns {
  std::vector<std::int64_t> k, start;
  std::int64_t seed = 0;
  std::size_t size() const { return k.size(); }
  /// The run's stream of random choices (exact in a double: k < 2^21, start < 2^32).
  double stream(std::size_t r) const { return static_cast<double>(k[r]) * 4294967296.0 + static_cast<double>(start[r]); }
};

/// k distinct rows, uniformly (scikit-learn's init="random").
std::vector<Eigen::MatrixXd> seed_random(Client& client, const KMeansData& data, const SeedingRuns& runs);

/// Greedy k-means++ (scikit-learn's init="k-means++"): 2 + ⌊ln k⌋ trials per centre, drawn by
/// cost, the one that lowers the potential most kept. Four short passes per centre.
std::vector<Eigen::MatrixXd> seed_kmeans_plusplus(Client& client, const KMeansData& data,
                                                  const SeedingRuns& runs);

/// k-means|| (Bahmani et al. 2012): a random row, then 5 rounds in which each row joins the
/// candidates with probability min(1, 2k·cost/φ); the candidates, weighted by the rows nearest
/// each, reduced to k on rank 0 by weighted k-means++ and weighted Lloyd.
std::vector<Eigen::MatrixXd> seed_kmeans_parallel(Client& client, const KMeansData& data,
                                                  const SeedingRuns& runs);

}  // namespace tessera
