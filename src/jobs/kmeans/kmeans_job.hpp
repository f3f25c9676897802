#pragma once
/// @file
/// The `kmeans` job, scikit-learn's KMeans(algorithm="lloyd"). Every
/// start (n_init) of every k of a [search] grid runs in the same passes: one pass per Lloyd
/// iteration serves every run still active.
/// Its design: docs/clustering.md.
#include <optional>

#include "tessera/jobs/job_type.hpp"

namespace tessera {

struct KMeansOptions {
  std::int64_t k = 8;
  std::string init = "k-means||";
  std::optional<std::int64_t> n_init;  ///< none: scikit-learn's "auto" (10 for random, else 1)
  std::int64_t max_iter = 300;
  double tol = 1e-4;
  std::int64_t seed = 0;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit(KeyDoc{"k", "the number of clusters (scikit-learn's n_clusters)", Check::at_least_one}, self.k);
    visit(KeyDoc{"init", "the starting centres: \"k-means||\", \"k-means++\", \"random\", or \"FILE.h5:DATASET\" (k x p)"},
          self.init);
    visit(KeyDoc{"n_init", "starts per k, the best kept; default 10 for random, else 1 (scikit-learn's \"auto\")",
                 Check::at_least_one},
          self.n_init);
    visit(KeyDoc{"max_iter", "the most Lloyd iterations of one start", Check::at_least_one}, self.max_iter);
    visit(KeyDoc{"tol", "stop once the centres move less than tol x the mean column variance (squared, summed)",
                 Check::finite_non_negative},
          self.tol);
    visit(KeyDoc{"seed", "seeds every random choice: the same centres on any rank count"}, self.seed);
  }
};

extern const JobType kmeans_job;

}  // namespace tessera
