#include "tessera/ml/logistic.hpp"

#include <Eigen/Cholesky>
#include <cmath>

namespace tessera {

LogisticStats logistic_stats_at_zero(const Eigen::MatrixXd& gram) {
  const Eigen::Index k = gram.rows(), q = k - 1;  // q = p + 1 coefficients
  LogisticStats s;
  s.loss = gram(0, 0) * std::log(2.0);
  s.grad = 0.5 * gram.col(0).head(q) - gram.col(k - 1).head(q);
  s.hess = 0.25 * gram.topLeftCorner(q, q);
  return s;
}

Eigen::MatrixXd logistic_coordinates(const Eigen::MatrixXd& gram, const std::optional<PrincipalAxes>& axes,
                                     std::optional<Eigen::Index> components, bool fit_intercept) {
  const Eigen::Index p = gram.rows() - 2;
  Eigen::MatrixXd t;
  if (components) {
    const Eigen::MatrixXd v = axes->eigenvectors.leftCols(*components);
    const Eigen::VectorXd mean = gram.col(0).segment(1, p) / gram(0, 0);
    t = Eigen::MatrixXd::Zero(p + 1, *components + 1);
    t(0, 0) = 1;
    t.block(0, 1, 1, *components) = -mean.transpose() * v;
    t.bottomRightCorner(p, *components) = v;
  } else {
    t = Eigen::MatrixXd::Identity(p + 1, p + 1);
  }
  // Without an intercept b is not a free coordinate (after PCA it is fixed at −μᵀVw).
  return fit_intercept ? t : Eigen::MatrixXd(t.rightCols(t.cols() - 1));
}

NewtonSolver::NewtonSolver(Eigen::MatrixXd coordinates, double C, bool fit_intercept, double tol, int max_iter)
    : t_(std::move(coordinates)), tol_(tol), max_iter_(max_iter) {
  penalty_ = Eigen::VectorXd::Constant(t_.cols(), 1 / C);
  if (fit_intercept) penalty_(0) = 0;
  phi_ = Eigen::VectorXd::Zero(t_.cols());
}

bool NewtonSolver::update(const LogisticStats& stats) {
  const double objective = stats.loss + 0.5 * phi_.dot(penalty_.cwiseProduct(phi_));
  if (has_base_) {
    // Armijo: the objective must fall by a fraction of what the gradient promised.
    const double promised = 1e-4 * step_length_ * base_grad_.dot(step_);
    if (!std::isfinite(objective) || objective > base_objective_ + promised) {
      step_length_ /= 2;
      if (step_length_ < 1e-10) {  // no decrease possible at this precision: stop where we are
        done_ = true;
        converged_ = false;
        return false;
      }
      phi_ = base_phi_ + step_length_ * step_;
      return false;
    }
  }
  const Eigen::VectorXd grad = t_.transpose() * stats.grad + penalty_.cwiseProduct(phi_);
  Eigen::MatrixXd hess = t_.transpose() * stats.hess * t_;
  hess.diagonal() += penalty_;
  base_phi_ = phi_;
  base_grad_ = grad;
  base_objective_ = objective;
  has_base_ = true;
  step_ = -hess.ldlt().solve(grad);
  const double scale = std::max(1.0, phi_.cwiseAbs().maxCoeff());
  if (!step_.allFinite() || step_.cwiseAbs().maxCoeff() <= tol_ * scale) {
    done_ = true;
    converged_ = step_.allFinite();
    return true;
  }
  if (iterations_ >= max_iter_) {
    done_ = true;
    return true;
  }
  ++iterations_;
  step_length_ = 1;
  phi_ = base_phi_ + step_;
  return true;
}

}  // namespace tessera
