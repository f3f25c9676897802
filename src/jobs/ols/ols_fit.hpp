#pragma once
/// @file
/// Ordinary least squares from the R factor of the augmented design [1 X y] (the intercept column
/// only when fitted): coefficients, rank deficiency, and the full statistical report. Both solvers
/// end here — TSQR produces R directly, Cholesky as the factor of the Gram matrix.
///
/// When the estimated error of that double-precision solution is too large (an ill-conditioned
/// design, or one whose residuals dwarf the fit), the job refits from the Gram matrix summed in
/// double-double precision, solved here in binary128 (113-bit) arithmetic.
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

using MatrixXld = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
using VectorXld = Eigen::Matrix<long double, Eigen::Dynamic, 1>;

/// A column is taken as linearly dependent on the ones before it when |R_jj| falls below
/// `rank_tolerance` times the column's norm (about 450 units of double rounding): exact
/// dependence (a duplicated or constant column) leaves only rounding there, while a
/// full-rank design with a condition number of 1e15 before scaling still stands far above it.
inline constexpr double rank_tolerance = 1e-13;

/// The solution of the (reduced) least-squares problem, before statistics.
struct OlsSolution {
  bool intercept = false;
  std::int64_t n = 0;
  std::vector<int> kept;        ///< design columns used (intercept = column 0 when fitted)
  std::vector<int> dropped;     ///< design columns found dependent on earlier ones
  MatrixXld r;                  ///< R of [kept columns, y]: (kept + 1) square
  VectorXld beta;               ///< coefficients of the kept columns
  long double rss = 0;          ///< residual sum of squares
  long double tss = 0;          ///< total sum of squares (centred with an intercept)
  long double yy = 0;           ///< sum of y squared
  double cond = 0;              ///< 2-norm condition number of [1 X]
  double scaled_cond = 0;       ///< the same with columns scaled to unit norm
  /// M, lower triangular, with (X_keptᵀX_kept)⁻¹ = MᵀM, when computed in extended precision
  /// (the refit: L⁻¹ of its Cholesky factor); empty: R⁻ᵀ (inverse_root).
  MatrixXld root_inverse;
};

/// M with (X_keptᵀX_kept)⁻¹ = MᵀM: the refit's, or R⁻ᵀ. The leverage of a row x is ‖M x‖².
MatrixXld inverse_root(const OlsSolution& s);

/// Solves from R of [1 X y] (k x k); detects dependent columns; RSS = r_yy^2.
OlsSolution solve_from_r(const MatrixXld& r_aug, std::int64_t n, bool intercept);

/// Estimated relative forward errors of a double-precision solution: the largest over the
/// coefficients, u·c·κ·(‖β‖ + κ·‖r‖/‖X‖) / |β_j| in column-scaled coordinates (κ² in place of κ
/// for the normal equations) — the residual term dominates when the residuals dwarf the fit —
/// and of the standard errors, u·c·(2κ + ‖y‖/‖r‖).
struct ErrorEstimate {
  double coef = 0, stderr_ = 0;
};
ErrorEstimate estimate_error(const OlsSolution& s, bool normal_equations);

/// The same problem solved again from [1 X y]ᵀ[1 X y] given as a double-double matrix (hi + lo,
/// k x k), in binary128 arithmetic: coefficients, RSS, TSS and diag((XᵀX)⁻¹) of the kept columns
/// of `first` (whose rank decisions and condition numbers are kept). InputError if even this
/// cannot factor the kept columns.
OlsSolution solve_from_exact_gram(const Eigen::MatrixXd& hi, const Eigen::MatrixXd& lo, const OlsSolution& first);

/// The full report.
struct OlsReport {
  std::vector<std::string> feature_names;
  std::vector<double> coef, stderr_, tvalues, pvalues;  ///< per feature; NaN where dropped
  bool intercept = false;
  double intercept_coef = 0, intercept_stderr = 0, intercept_tvalue = 0, intercept_pvalue = 0;
  /// [low, high] per feature at level 1 − alpha (NaN where dropped), and the intercept's.
  std::vector<std::array<double, 2>> conf_int;
  std::array<double, 2> intercept_conf_int{};
  double alpha = 0.05;
  std::string cov_type = "nonrobust";
  bool weighted = false;
  double r2 = 0, adj_r2 = 0, rse = 0, fstat = 0, fstat_pvalue = 0, cond = 0;
  /// The Gaussian log-likelihood at the fit, and the information criteria with one parameter per
  /// estimated coefficient (the intercept included), as statsmodels defines them.
  double llf = 0, aic = 0, bic = 0;
  std::int64_t df_resid = 0, n = 0, p = 0;
  std::vector<std::string> rank_deficient;  ///< names of dropped columns
  std::string solver;
  bool refined = false;  ///< refitted from the double-double Gram matrix
};

/// How the report's inference is made beyond the fit itself.
struct InferenceOptions {
  double alpha = 0.05;
  /// "nonrobust" (σ²(XᵀX)⁻¹, t tests), or "HC0".."HC3": the sandwich (XᵀX)⁻¹·meat·(XᵀX)⁻¹
  /// (HC1 scaled by n / df_resid), with normal tests as statsmodels' default use_t = False.
  std::string cov_type = "nonrobust";
  /// (XᵀX)⁻¹·(Σ ω_i x_i x_iᵀ)·(XᵀX)⁻¹ over the kept columns (RobustCovariance), for a robust
  /// cov_type; HC1's n / df_resid is applied by make_report.
  MatrixXld sandwich;
  bool weighted = false;     ///< WLS: the fit is of the whitened rows √w·[1 X y]
  double log_weight_sum = 0;  ///< Σ log w_i, the weights' term of the WLS log-likelihood
};

OlsReport make_report(const OlsSolution& s, const std::vector<std::string>& feature_names, const std::string& solver,
                      const InferenceOptions& inference = {});

/// Whether a cov_type is one of the heteroscedasticity-robust ones (HC0..HC3).
bool robust(const std::string& cov_type);

/// A p-value for a table: "<1e-300" below that (where the tail has underflowed to 0), else 4 digits.
std::string shown_pvalue(double p);

/// A readable table of the report, as a statistician expects it.
std::string format_report(const OlsReport& r);

}  // namespace tessera
