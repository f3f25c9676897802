#pragma once
/// @file
/// Logistic regression fitted on rank 0 from statistics the workers sum over chunks.
///
/// A model minimises Σ log-loss(y, b + xᵀw) + ‖w‖² / (2C) over its training rows — scikit-learn's
/// LogisticRegression(C) objective divided by C, so the same optimum; the intercept b is not
/// penalised. It is solved in coordinates φ with θ = (b, w) = Tφ: T = I for logistic regression
/// alone, T = [1 −μᵀV; 0 V] after a PCA step (μ the training means, V the kept axes), so a PCA
/// pipeline is logistic regression on the components with nothing else changed.
///
/// Each pass returns the data part of the objective, its gradient and its Hessian (on a fixed
/// sample of rows when the data are large) at the θ asked for; the solver takes a Newton step
/// with that Hessian, halving it (Armijo back-tracking) when the objective does not fall enough.
#include <Eigen/Core>
#include <optional>

#include "tessera/ml/ridge.hpp"

namespace tessera {

/// What a pass measured for one model at θ (data term only).
struct LogisticStats {
  double loss = 0;
  Eigen::VectorXd grad;  ///< (p + 1): intercept first
  Eigen::MatrixXd hess;  ///< (p + 1) x (p + 1), scaled to all training rows
};

/// The statistics at θ = 0, exactly, from the augmented Gram matrix [1 X y]ᵀ[1 X y] of the
/// training rows (y in {0, 1}): loss n·log 2, gradient X̃ᵀ(½ − y), Hessian X̃ᵀX̃ / 4.
LogisticStats logistic_stats_at_zero(const Eigen::MatrixXd& gram);

/// θ = Tφ: plain logistic regression (identity, less the intercept column without one), or
/// after PCA with the first `components` of `axes` of the rows `gram` summarises.
Eigen::MatrixXd logistic_coordinates(const Eigen::MatrixXd& gram, const std::optional<PrincipalAxes>& axes,
                                     std::optional<Eigen::Index> components, bool fit_intercept);

class NewtonSolver {
 public:
  NewtonSolver(Eigen::MatrixXd coordinates, double C, bool fit_intercept, double tol, int max_iter);

  /// Where the next pass should evaluate: θ (intercept first).
  Eigen::VectorXd theta() const { return t_ * phi_; }
  /// Takes the pass's statistics at theta(). Returns true when theta() was accepted as the new
  /// iterate (its test-fold scores are then the model's scores should it stop there).
  bool update(const LogisticStats& stats);

  bool done() const { return done_; }
  bool converged() const { return converged_; }
  /// Newton steps taken (accepted points less the start).
  int iterations() const { return iterations_; }
  /// The last accepted point, as θ.
  Eigen::VectorXd solution() const { return t_ * base_phi_; }

 private:
  Eigen::MatrixXd t_;
  Eigen::VectorXd penalty_;  ///< 1/C on penalised coordinates, 0 on the intercept
  double tol_;
  int max_iter_;
  Eigen::VectorXd phi_, base_phi_, base_grad_, step_;
  double base_objective_ = 0, step_length_ = 1;
  bool has_base_ = false, done_ = false, converged_ = false;
  int iterations_ = 0;
};

}  // namespace tessera
