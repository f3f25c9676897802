#pragma once
/// @file
/// Lloyd's iterations of every k-means run at once. Each pass over the
/// data (one KMeansStep per chunk, summed up a tree) serves every run still active; each run stops
/// at its own tolerance, as scikit-learn's _kmeans_single_lloyd.
#include <Eigen/Core>
#include <vector>

#include "tessera/plan/data_source.hpp"
#include "tessera/runtime/client.hpp"

namespace tessera {

/// The data every pass reads: the features' chunks (held on the workers) and their column means.
struct KMeansData {
  MatrixSource x;
  std::vector<RowChunk> chunks;
  std::vector<double> mean;     ///< p
  double mean_variance = 0;     ///< mean of the columns' variances: tol's unit
};

/// One run: a start of one k.
struct KMeansRun {
  std::int64_t k = 0;
  Eigen::MatrixXd centres;  ///< p x k, centred on the data's mean
  int n_iter = 0;
  double inertia = 0;
  Eigen::VectorXd sizes;
  bool converged = false;
  bool finishing = false;  ///< the next pass only measures the final inertia and sizes
  bool done = false;
};

/// Runs Lloyd's iterations until every run has stopped (shift² <= tol · mean_variance, or
/// max_iter); returns the number of passes (with those that found rows to re-seed empty clusters).
int lloyd(Client& client, const KMeansData& data, std::vector<KMeansRun>& runs, double tol, std::int64_t max_iter);

}  // namespace tessera
