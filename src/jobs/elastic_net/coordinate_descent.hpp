#pragma once
/// @file
/// scikit-learn's ElasticNet objective solved from sufficient statistics:
///
///   minimise  1/(2n) ‖y − Xw − b‖² + α ρ ‖w‖₁ + α (1 − ρ)/2 ‖w‖²   (ρ = l1_ratio, b not penalised)
///
/// by cyclic coordinate descent with covariance updates (glmnet's method; scikit-learn's
/// enet_coordinate_descent_gram), stopped by the same duality-gap test. Everything it needs is in
/// the augmented Gram matrix of the training rows, so a whole path over α for every fold costs no
/// pass over the data.
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "tessera/stats/linear_fit.hpp"

namespace tessera {

/// The statistics of one fit: XᵀX, Xᵀy and yᵀy, centred by the rows' means with an intercept.
struct ElasticNetProblem {
  Eigen::MatrixXd xx;
  Eigen::VectorXd xy;
  double yy = 0;
  double rows = 0;
  Eigen::VectorXd x_mean;  ///< zero without an intercept
  double y_mean = 0;
};

/// The problem of the rows the augmented Gram matrix `g` (ones column first) summarises.
ElasticNetProblem elastic_net_problem(const Eigen::MatrixXd& g, bool fit_intercept);

struct CoordinateDescent {
  Eigen::VectorXd coef;
  std::int64_t n_iter = 0;  ///< sweeps over the coordinates, as scikit-learn's n_iter_
  bool converged = false;   ///< the duality gap fell below tol · yᵀy within max_iter sweeps
};

/// Minimises the objective for (alpha, l1_ratio) from `start` (a warm start: the fit of a nearby
/// alpha, or zeros). tol has scikit-learn's meaning: the sweeps stop once the largest coordinate
/// change is below tol times the largest coefficient and the duality gap is below tol · yᵀy.
CoordinateDescent coordinate_descent(const ElasticNetProblem& problem, double alpha, double l1_ratio, double tol,
                                     std::int64_t max_iter, Eigen::VectorXd start);

/// The fitted model on the original features: the intercept is ȳ − x̄ᵀw.
LinearFit elastic_net_fit(const ElasticNetProblem& problem, const Eigen::VectorXd& coef);

/// ElasticNetCV's automatic alphas for one l1_ratio (> 0): `count` values from α_max down to
/// eps · α_max, evenly spaced in log10, where α_max = max |Xᵀy| / (n · l1_ratio) is the smallest
/// alpha whose fit is all zeros.
std::vector<double> alpha_grid(const ElasticNetProblem& all_rows, double l1_ratio, std::int64_t count, double eps);

}  // namespace tessera
