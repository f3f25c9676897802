#pragma once
/// @file
/// The `logistic` job: binary logistic regression — a fit, k-fold cross-validation, or a grid
/// search over C (and pca.n_components) — where every pass over the data serves every model
/// still being fitted: each (candidate, fold) pair, and then the refit on all rows. The first
/// pass's per-fold Gram matrices give each model its start (LDA) and, for PCA, its axes; each
/// later pass gives every active model's loss, gradient and Hessian at once.
/// See docs/model-selection.md.
#include <optional>
#include <string>

#include "tessera/jobs/job_type.hpp"
#include "tessera/search/results.hpp"

namespace tessera {

struct LogisticOptions {
  bool fit_intercept = true;
  bool standardize = false;
  double C = 1.0;
  std::string penalty = "l2";
  std::optional<double> l1_ratio;
  double tol = 1e-8;
  std::int64_t max_iter = 100;
  std::optional<std::int64_t> pca_components;
  std::optional<double> positive_class;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit(KeyDoc{"fit_intercept", "fit an intercept, unpenalised"}, self.fit_intercept);
    visit(KeyDoc{"standardize", standardize_meaning}, self.standardize);
    visit(KeyDoc{"C", "the inverse of the penalty's strength, as scikit-learn's LogisticRegression(C)", Check::finite_positive},
          self.C);
    visit(KeyDoc{"penalty", "the penalty on the coefficients, as scikit-learn's: ‖w‖²/2, ‖w‖₁, or l1_ratio·‖w‖₁ + (1 − l1_ratio)·‖w‖²/2",
                 Check::none, *value_names("penalty")},
          self.penalty);
    visit(KeyDoc{"l1_ratio", "penalty = \"elasticnet\": the L1 part's share (required with it)", Check::unit_interval},
          self.l1_ratio);
    visit(KeyDoc{"tol", "stop when a Newton step moves no coefficient by more than this, relative", Check::finite_positive},
          self.tol);
    visit(KeyDoc{"max_iter", "Newton steps before stopping with a warning", Check::at_least_one}, self.max_iter);
    visit(KeyDoc{"pca.n_components", "PCA to this many components before the model", Check::at_least_one}, self.pca_components);
    visit(KeyDoc{"positive_class", "the target's value whose probability is modelled (default the larger of its two, as "
                                   "scikit-learn's classes_[1])"},
          self.positive_class);
  }
};

extern const JobType logistic_job;

}  // namespace tessera
