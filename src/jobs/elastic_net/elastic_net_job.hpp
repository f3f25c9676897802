#pragma once
/// @file
/// The `elastic_net` and `lasso` jobs: scikit-learn's ElasticNet and Lasso fitted by coordinate
/// descent on the Gram statistics of one pass over the data; with [cv] and [search], every
/// fold's whole path over alpha (warm-started from the largest alpha down), as ElasticNetCV, and
/// the path on all rows in the output. See docs/model-selection.md.
#include <optional>

#include "tessera/jobs/job_type.hpp"

namespace tessera {

struct ElasticNetOptions {
  double alpha = 1.0;
  double l1_ratio = 0.5;
  bool fit_intercept = true;
  bool standardize = false;
  double tol = 1e-4;
  std::int64_t max_iter = 1000;
  std::optional<std::int64_t> n_alphas;
  double eps = 1e-3;

  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit(KeyDoc{"alpha", "the penalty's strength, as scikit-learn's ElasticNet(alpha)", Check::finite_non_negative}, self.alpha);
    visit(KeyDoc{"l1_ratio", "the L1 share of the penalty: 1 is the lasso, 0 ridge", Check::unit_interval}, self.l1_ratio);
    common_fields(self, visit);
  }

  /// The keys the lasso shares.
  template <class Self, class Visit>
  static void common_fields(Self& self, Visit&& visit) {
    visit(KeyDoc{"fit_intercept", "fit an intercept, unpenalised"}, self.fit_intercept);
    visit(KeyDoc{"standardize", standardize_meaning}, self.standardize);
    visit(KeyDoc{"tol", "stop once the duality gap is below tol · Σ(y − ȳ)², as scikit-learn", Check::finite_positive}, self.tol);
    visit(KeyDoc{"max_iter", "the most coordinate-descent sweeps of one fit", Check::at_least_one}, self.max_iter);
    visit(KeyDoc{"n_alphas", "with [cv]: instead of a grid of alpha, this many alphas per l1_ratio from α_max down, "
                             "as ElasticNetCV",
                 Check::at_least_one},
          self.n_alphas);
    visit(KeyDoc{"eps", "with n_alphas: the smallest alpha is eps · α_max", Check::finite_positive}, self.eps);
  }
};

/// The lasso: the elastic net with l1_ratio = 1.
struct LassoOptions : ElasticNetOptions {
  LassoOptions() { l1_ratio = 1; }
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit(KeyDoc{"alpha", "the penalty's strength, as scikit-learn's Lasso(alpha)", Check::finite_non_negative}, self.alpha);
    common_fields(self, visit);
  }
};

extern const JobType elastic_net_job;
extern const JobType lasso_job;

}  // namespace tessera
