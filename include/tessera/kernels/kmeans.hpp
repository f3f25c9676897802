#pragma once
/// @file
/// Contracts of the k-means kernels (see core/contract.hpp). One pass over a chunk serves every
/// run at once: every start (n_init) of every k of a grid. Run r has k[r] centres, side by side as
/// columns of `centers` (p x Σk, column-major), in coordinates centred on the data's mean (as
/// scikit-learn centres the data, so that distances keep their precision far from the origin).
/// The seeding kernels keep, per chunk, every run's squared distance to its nearest centre so far
/// (`KMeansCosts`): held on the workers between passes, so that each new centre costs one
/// distance per row, not one per centre chosen.
#include <cstdint>
#include <vector>

#include "tessera/core/contract.hpp"

namespace tessera {

/// The runs a pass serves, and where the chunk starts.
struct KMeansRuns {
  std::vector<double> centers;  ///< p x Σk, centred
  std::vector<double> k;        ///< per run
  std::vector<double> mean;     ///< p: the data's column means
  std::int64_t row_begin = 0;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("centers", self.centers);
    visit("k", self.k);
    visit("mean", self.mean);
    visit("row_begin", self.row_begin);
  }
};

/// Column sums Σx and Σx² of a chunk (p x 2), and its rows: the data's mean and variance.
struct ColumnMoments {
  static constexpr const char* name = "column_moments";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 1;
  using Params = NoFields;
  struct Result {
    Eigen::MatrixXd sums;
    double rows = 0;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("sums", self.sums);
      visit("rows", self.rows);
    }
  };
};

/// One Lloyd step of every run on a chunk: each row goes to its nearest centre; per centre the sum
/// of its rows (centred) and their count; per run the sum of squared distances (the inertia).
struct KMeansStep {
  static constexpr const char* name = "kmeans_step";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 1;
  using Params = KMeansRuns;
  struct Result {
    Eigen::MatrixXd sums;     ///< p x Σk
    Eigen::MatrixXd counts;   ///< 1 x Σk
    Eigen::MatrixXd inertia;  ///< 1 x runs
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("sums", self.sums);
      visit("counts", self.counts);
      visit("inertia", self.inertia);
    }
  };
};

/// For the runs with empty clusters: per run the `wanted[r]` rows farthest from their nearest
/// centre, which re-seed the empty clusters as scikit-learn does.
struct KMeansFarthest {
  static constexpr const char* name = "kmeans_farthest";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 1;
  struct Params {
    KMeansRuns runs;
    std::vector<double> wanted;  ///< per run (0: none)
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("runs", self.runs);
      visit("wanted", self.wanted);
    }
  };
  struct Result {
    /// (p + 3) x Σwanted, run by run, farthest first: squared distance (−1: no row), row, its
    /// nearest centre (within its run), the row (centred).
    Eigen::MatrixXd points;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("points", self.points);
    }
  };
};

/// Two KMeansFarthest results merged: per run the farthest of both (ties: the lower row).
struct MergeFarthest {
  static constexpr const char* name = "merge_farthest";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  struct Params {
    std::vector<double> wanted;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("wanted", self.wanted);
    }
  };
  using Result = KMeansFarthest::Result;
};

/// Per run and row of a chunk, the squared distance to the nearest of the run's centres so far and
/// which one that is (numbered from `first[r]`, the count of the run's earlier centres).
struct KMeansCosts {
  static constexpr const char* name = "kmeans_costs";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< as long as the chunk: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 1;
  struct Params {
    KMeansRuns runs;
    std::vector<double> first;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("runs", self.runs);
      visit("first", self.first);
    }
  };
  struct Result {
    Eigen::MatrixXd costs;    ///< runs x rows
    Eigen::MatrixXd nearest;  ///< runs x rows
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("costs", self.costs);
      visit("nearest", self.nearest);
    }
  };
};

/// A KMeansCosts result (second input) brought up to date with the runs' new centres.
struct KMeansCostsUpdate {
  static constexpr const char* name = "kmeans_costs_update";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;
  static constexpr std::size_t inputs = 2;
  using Params = KMeansCosts::Params;
  using Result = KMeansCosts::Result;
};

/// Per run, the sum of a KMeansCosts result's costs (runs x 1).
struct KMeansCostSums {
  static constexpr const char* name = "kmeans_cost_sums";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 1;
  using Params = NoFields;
  struct Result {
    Eigen::MatrixXd sums;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("sums", self.sums);
    }
  };
};

/// Rows drawn with probability by cost (inputs: the chunk, its KMeansCosts). Two ways:
/// - k-means||: each row of run r independently, with probability min(1, ℓ[r] · cost / φ[r]),
///   by a uniform keyed on (seed, the run's stream, round, row): the same draw on any rank count;
/// - k-means++: per run, the rows where the running sum of costs within the chunk first
///   exceeds each of `targets` (pairs run, offset).
struct KMeansDraw {
  static constexpr const char* name = "kmeans_draw";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  struct Params {
    std::vector<double> mean;
    std::int64_t row_begin = 0;
    std::vector<double> oversampling, phi;  ///< per run; empty when drawing targets
    std::int64_t seed = 0;
    std::vector<double> streams;  ///< per run: the key of its random choices
    std::int64_t round = 0;
    std::vector<double> targets;  ///< run, offset, run, offset, ...
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("mean", self.mean);
      visit("row_begin", self.row_begin);
      visit("oversampling", self.oversampling);
      visit("phi", self.phi);
      visit("seed", self.seed);
      visit("streams", self.streams);
      visit("round", self.round);
      visit("targets", self.targets);
    }
  };
  struct Result {
    Eigen::MatrixXd points;  ///< (p + 2) x drawn: run, row, the row (centred); by run, then row
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("points", self.points);
    }
  };
};

/// Per candidate centre of each run (`runs.centers`, k[r] of them for run r), the potential its
/// choice would give on the chunk: Σ min(cost, d²(row, candidate)). Inputs: the chunk, its costs.
struct KMeansTrials {
  static constexpr const char* name = "kmeans_trials";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = KMeansRuns;
  struct Result {
    Eigen::MatrixXd potentials;  ///< 1 x Σk
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("potentials", self.potentials);
    }
  };
};

/// Per run, how many rows each of its centres so far is nearest to (input: a KMeansCosts): the
/// weights of the k-means|| candidates. `k[r]`: run r's number of centres.
struct KMeansWeights {
  static constexpr const char* name = "kmeans_weights";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 1;
  struct Params {
    std::vector<double> k;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("k", self.k);
    }
  };
  struct Result {
    Eigen::MatrixXd weights;  ///< 1 x Σk
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("weights", self.weights);
    }
  };
};

/// Rows of a chunk by their index (`rows`, within this chunk's range), centred: p x m.
struct TakeRows {
  static constexpr const char* name = "take_rows";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 1;
  struct Params {
    std::vector<double> mean;
    std::int64_t row_begin = 0;
    std::vector<double> rows;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("mean", self.mean);
      visit("row_begin", self.row_begin);
      visit("rows", self.rows);
    }
  };
  struct Result {
    Eigen::MatrixXd points;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("points", self.points);
    }
  };
};

/// Each row's nearest centre of the one run in `runs` (1 x rows), for [predict].
struct KMeansLabels {
  static constexpr const char* name = "kmeans_labels";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< one value per row: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 1;
  using Params = KMeansRuns;
  struct Result {
    Eigen::MatrixXd rows;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("rows", self.rows);
    }
  };
};

}  // namespace tessera
