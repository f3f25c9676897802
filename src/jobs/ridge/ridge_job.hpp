#pragma once
/// @file
/// The `ridge` job: a fit, k-fold cross-validation, or a grid search over alpha (and
/// pca.n_components), all from one pass over the data. Each chunk contributes the augmented Gram
/// matrix of its rows in each fold; a fold's training statistics are the total minus the fold's
/// own, so every (candidate, fold) fit is a small p x p solve on rank 0. See docs/model-selection.md.
#include <optional>

#include "tessera/jobs/job_type.hpp"

namespace tessera {

struct RidgeOptions {
  bool fit_intercept = true;
  double alpha = 1.0;
  bool standardize = false;
  std::optional<std::int64_t> pca_components;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit(KeyDoc{"fit_intercept", "fit an intercept, unpenalised"}, self.fit_intercept);
    visit(KeyDoc{"alpha", "the penalty on the coefficients, as scikit-learn's Ridge(alpha)", Check::finite_non_negative}, self.alpha);
    visit(KeyDoc{"standardize", standardize_meaning}, self.standardize);
    visit(KeyDoc{"pca.n_components", "PCA to this many components before the model", Check::at_least_one}, self.pca_components);
  }
};

extern const JobType ridge_job;

}  // namespace tessera
