#pragma once
/// @file
/// Logistic regression fitted on rank 0 from statistics the workers sum over chunks.
///
/// A model minimises Σ log-loss(y, b + xᵀw) + its penalty over its training rows — scikit-learn's
/// LogisticRegression(penalty, C, l1_ratio) objective divided by C, so the same optimum; the
/// intercept b is not penalised. With an L1 part the Newton step is a proximal one (Lee, Sun and
/// Saunders 2014; glmnet's and newGLMNET's method): coordinate descent on the quadratic model
/// with the L1 term, and a line search on the whole objective. It is solved in coordinates φ with θ = (b, w) = Tφ: T = I for logistic regression
/// alone, T = [1 −μᵀV; 0 V] after a PCA step (μ the training means, V the kept axes), so a PCA
/// pipeline is logistic regression on the components with nothing else changed.
///
/// Each pass returns the data part of the objective, its gradient and its Hessian (on a fixed
/// sample of rows when the data are large) at the θ asked for; the solver takes a Newton step
/// with that Hessian, halving it (Armijo back-tracking) when the objective does not fall enough.
/// Once the steps are small the Hessian hardly changes: the last one is reused (the passes then
/// skip computing it), corrected after each step by a BFGS update.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "tessera/stats/pca.hpp"
#include "tessera/stats/standardize.hpp"

namespace tessera {

/// scikit-learn's penalty divided by C: l2 ‖w‖²/(2C), l1 ‖w‖₁/C, elasticnet ρ‖w‖₁/C +
/// (1 − ρ)‖w‖²/(2C) with ρ = l1_ratio.
struct LogisticPenalty {
  double l1 = 0;  ///< the weight of ‖w‖₁
  double l2 = 0;  ///< the weight of ‖w‖²/2
};
/// `penalty` is "l2", "l1" or "elasticnet" (the parser has checked it).
LogisticPenalty logistic_penalty(const std::string& penalty, double C, double l1_ratio);

/// What a pass measured for one model at θ (data term only).
struct LogisticStats {
  double loss = 0;
  Eigen::VectorXd grad;  ///< (p + 1): intercept first
  Eigen::MatrixXd hess;  ///< (p + 1) x (p + 1), scaled to all training rows; empty: reuse the last one
};

/// A starting point near the optimum, in φ coordinates: linear discriminant analysis from the same
/// Gram matrix — the least-squares fit of y on the columns T of [1 X], scaled by n / RSS (which
/// turns it into the LDA direction), with the LDA intercept log(n₁/n₀) − wᵀ(μ₁ + μ₀)/2. From there
/// Newton needs about five steps instead of eight from zero. Zero when the fit is degenerate.
Eigen::VectorXd lda_start(const Eigen::MatrixXd& gram, const Eigen::MatrixXd& coordinates, bool fit_intercept);

/// θ = Tφ: plain logistic regression (identity, less the intercept column without one), or
/// after PCA with the first `components` of `axes` of the rows `gram` summarises. With `scaling`
/// (StandardScaler first) the features are z = (x − μ)/σ: T = [1 −μᵀW; 0 W] with W = D⁻¹ (or D⁻¹V
/// after PCA, V then the axes of the standardized statistics), so the penalty acts on z's coefficients.
Eigen::MatrixXd logistic_coordinates(const Eigen::MatrixXd& gram, const std::optional<PrincipalAxes>& axes,
                                     std::optional<Eigen::Index> components, bool fit_intercept,
                                     const std::optional<Standardization>& scaling = std::nullopt);

class NewtonSolver {
 public:
  /// Starts at φ = `start` (zero if empty).
  NewtonSolver(Eigen::MatrixXd coordinates, LogisticPenalty penalty, bool fit_intercept, double tol, int max_iter,
               const Eigen::VectorXd& start = {});

  /// Where the next pass should evaluate: θ (intercept first).
  Eigen::VectorXd theta() const { return t_ * phi_; }
  /// Takes the pass's statistics at theta(). Returns true when theta() was accepted as the new
  /// iterate (its test-fold scores are then the model's scores should it stop there).
  bool update(const LogisticStats& stats);
  /// Whether the next pass must measure the Hessian (false once the last one can be reused).
  bool wants_hessian() const { return !reuse_hessian_; }

  bool done() const { return done_; }
  bool converged() const { return converged_; }
  /// Newton steps taken (accepted points less the start).
  int iterations() const { return iterations_; }
  /// Per accepted point, its Newton step's largest move relative to the point (what is compared
  /// with `tol`): how the model converged.
  const std::vector<double>& step_history() const { return step_history_; }
  /// The last accepted point, as θ.
  Eigen::VectorXd solution() const { return t_ * base_phi_; }

 private:
  /// The step from the current point: Newton's, or with an L1 part the proximal Newton step.
  Eigen::VectorXd step(const Eigen::MatrixXd& hess, const Eigen::VectorXd& grad) const;

  Eigen::MatrixXd t_;
  Eigen::VectorXd penalty_;  ///< the L2 weight on penalised coordinates, 0 on the intercept
  Eigen::VectorXd l1_;       ///< the L1 weight on penalised coordinates, 0 on the intercept (all 0: no L1)
  bool has_l1_ = false;
  double decrease_ = 0;      ///< the step's promised decrease of the objective (Armijo's reference)
  double tol_;
  int max_iter_;
  Eigen::VectorXd phi_, base_phi_, base_grad_, step_;
  Eigen::MatrixXd hess_;  ///< the objective's Hessian in φ coordinates: measured, or reused and corrected
  double base_objective_ = 0, step_length_ = 1;
  bool has_base_ = false, done_ = false, converged_ = false, reuse_hessian_ = false;
  int iterations_ = 0;
  std::vector<double> step_history_;
};

}  // namespace tessera
