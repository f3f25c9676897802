#pragma once
/// @file
/// The starting centres of every k-means run, all runs seeded in the same passes. Run r of `ks`
/// draws from its own stream, keyed on (seed, r): its centres do not depend on the other runs,
/// nor on the rank count. Centres are p x k, centred on the data's mean.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "jobs/kmeans/lloyd.hpp"

namespace tessera {

/// k distinct rows, uniformly (scikit-learn's init="random").
std::vector<Eigen::MatrixXd> seed_random(Client& client, const KMeansData& data, const std::vector<std::int64_t>& ks,
                                         std::int64_t seed);

/// Greedy k-means++ (scikit-learn's init="k-means++"): 2 + ⌊ln k⌋ trials per centre, drawn by
/// cost, the one that lowers the potential most kept. Four short passes per centre.
std::vector<Eigen::MatrixXd> seed_kmeans_plusplus(Client& client, const KMeansData& data,
                                                  const std::vector<std::int64_t>& ks, std::int64_t seed);

/// k-means|| (Bahmani et al. 2012): a random row, then 5 rounds in which each row joins the
/// candidates with probability min(1, 2k·cost/φ); the candidates, weighted by the rows nearest
/// each, reduced to k on rank 0 by weighted k-means++ and weighted Lloyd.
std::vector<Eigen::MatrixXd> seed_kmeans_parallel(Client& client, const KMeansData& data,
                                                  const std::vector<std::int64_t>& ks, std::int64_t seed);

}  // namespace tessera
