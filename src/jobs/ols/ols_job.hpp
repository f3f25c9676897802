#pragma once
/// @file
/// The `ols` job: least squares on row chunks, by TSQR (default) or Cholesky, with the full
/// statistical report and optional prediction on another file. See docs/least-squares.md.
#include <string>

#include "tessera/jobs/job_type.hpp"

namespace tessera {

struct OlsOptions {
  bool fit_intercept = true;
  std::string solver = "tsqr";
  double alpha = 0.05;
  std::string cov_type = "nonrobust";
  std::string weights;  ///< empty: unweighted
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit(KeyDoc{"fit_intercept", "fit an intercept"}, self.fit_intercept);
    visit(KeyDoc{"solver", "TSQR: accurate, handles rank deficiency; Cholesky: fast, well-conditioned data only", Check::none,
                 {"tsqr", "cholesky"}},
          self.solver);
    visit(KeyDoc{"alpha", "confidence intervals `conf_int` at level 1 − alpha, as statsmodels' conf_int(alpha)",
                 Check::open_unit_interval},
          self.alpha);
    visit(KeyDoc{"cov_type", "standard errors, t values and p-values: classical, or heteroscedasticity-robust as statsmodels' "
                             "fit(cov_type=...); robust ones are tested against the normal distribution",
                 Check::none, {"nonrobust", "HC0", "HC1", "HC2", "HC3"}},
          self.cov_type);
    visit(KeyDoc{"weights", "a dataset of the data file with one non-negative weight per row: weighted least squares, as "
                            "statsmodels' WLS"},
          self.weights);
  }
};

extern const JobType ols_job;

}  // namespace tessera
