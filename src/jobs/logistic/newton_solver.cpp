#include "jobs/logistic/newton_solver.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>

namespace tessera {

namespace {
constexpr double reuse_hessian_below = 1e-2;
}  // namespace

Eigen::MatrixXd logistic_coordinates(const Eigen::MatrixXd& gram, const std::optional<PrincipalAxes>& axes,
                                     std::optional<Eigen::Index> components, bool fit_intercept,
                                     const std::optional<Standardization>& scaling) {
  const Eigen::Index p = gram.rows() - 2;
  Eigen::MatrixXd t;
  if (components || scaling) {
    // z = Wᵀ(x − μ): the model's features, centred by the training means.
    Eigen::MatrixXd w = components ? Eigen::MatrixXd(axes->eigenvectors.leftCols(*components)) : Eigen::MatrixXd::Identity(p, p);
    if (scaling) w = scaling->scale.cwiseInverse().asDiagonal() * w;
    const Eigen::VectorXd mean = gram.col(0).segment(1, p) / gram(0, 0);
    t = Eigen::MatrixXd::Zero(p + 1, w.cols() + 1);
    t(0, 0) = 1;
    t.block(0, 1, 1, w.cols()) = -mean.transpose() * w;
    t.bottomRightCorner(p, w.cols()) = w;
  } else {
    t = Eigen::MatrixXd::Identity(p + 1, p + 1);
  }
  // Without an intercept b is not a free coordinate (after PCA it is fixed at −μᵀVw).
  return fit_intercept ? t : Eigen::MatrixXd(t.rightCols(t.cols() - 1));
}

LogisticPenalty logistic_penalty(const std::string& penalty, double C, double l1_ratio) {
  if (penalty == "l1") return {1 / C, 0};
  if (penalty == "elasticnet") return {l1_ratio / C, (1 - l1_ratio) / C};
  return {0, 1 / C};
}

NewtonSolver::NewtonSolver(Eigen::MatrixXd coordinates, LogisticPenalty penalty, bool fit_intercept, double tol, int max_iter,
                           const Eigen::VectorXd& start)
    : t_(std::move(coordinates)), tol_(tol), max_iter_(max_iter) {
  penalty_ = Eigen::VectorXd::Constant(t_.cols(), penalty.l2);
  l1_ = Eigen::VectorXd::Constant(t_.cols(), penalty.l1);
  if (fit_intercept) penalty_(0) = l1_(0) = 0;
  has_l1_ = penalty.l1 > 0;
  phi_ = start.size() == t_.cols() ? start : Eigen::VectorXd::Zero(t_.cols());
}

namespace {
double soft_threshold(double z, double t) { return z > t ? z - t : z < -t ? z + t : 0.0; }
constexpr int most_sweeps = 10000;
}  // namespace

Eigen::VectorXd NewtonSolver::step(const Eigen::MatrixXd& hess, const Eigen::VectorXd& grad) const {
  if (!has_l1_) return -hess.ldlt().solve(grad);
  // The proximal Newton step: u = φ + d minimises gᵀd + ½dᵀHd + Σ l1ⱼ|uⱼ|, by cyclic coordinate
  // descent from u = φ; `model` is the quadratic's gradient g + H(u − φ) at u.
  Eigen::VectorXd u = phi_, model = grad;
  for (int sweep = 0; sweep < most_sweeps; ++sweep) {
    double largest = 0, size = 1;
    for (Eigen::Index j = 0; j < u.size(); ++j) {
      const double h = hess(j, j);
      if (!(h > 0)) continue;
      const double next = soft_threshold(u(j) - model(j) / h, l1_(j) / h);
      const double delta = next - u(j);
      if (delta == 0) continue;
      model += hess.col(j) * delta;
      u(j) = next;
      largest = std::max(largest, std::abs(delta));
      size = std::max(size, std::abs(next));
    }
    // Converged well below the outer test (a step of tol relative): the step is exact to rounding.
    if (largest <= 1e-3 * tol_ * size) break;
  }
  return u - phi_;
}

Eigen::VectorXd lda_start(const Eigen::MatrixXd& gram, const Eigen::MatrixXd& coordinates, bool fit_intercept) {
  const Eigen::Index k = gram.rows(), q = k - 1, p = q - 1;
  const Eigen::MatrixXd& t = coordinates;
  const double n = gram(0, 0), n1 = gram(0, k - 1), n0 = n - n1;
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(t.cols());
  if (n1 <= 0 || n0 <= 0) return zero;
  const Eigen::MatrixXd a = t.transpose() * gram.topLeftCorner(q, q) * t;
  const Eigen::VectorXd b = t.transpose() * gram.col(k - 1).head(q);
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(a);
  Eigen::VectorXd phi = ldlt.solve(b);
  const double rss = gram(k - 1, k - 1) - phi.dot(b);
  if (ldlt.info() != Eigen::Success || !phi.allFinite() || !(rss > 1e-12 * n)) return zero;
  phi *= n / rss;
  if (fit_intercept) {
    const Eigen::VectorXd w = (t * phi).tail(p);
    const Eigen::VectorXd mean1 = gram.col(k - 1).segment(1, p) / n1;
    const Eigen::VectorXd mean0 = (gram.col(0).segment(1, p) - gram.col(k - 1).segment(1, p)) / n0;
    const double intercept = std::log(n1 / n0) - w.dot(mean1 + mean0) / 2;
    phi(0) += intercept - (t * phi)(0);  // t(0, 0) = 1: φ₀ moves θ₀ one for one
  }
  return phi.allFinite() ? phi : zero;
}

bool NewtonSolver::update(const LogisticStats& stats) {
  double objective = stats.loss + 0.5 * phi_.dot(penalty_.cwiseProduct(phi_));
  if (has_l1_) objective += l1_.dot(phi_.cwiseAbs());
  if (has_base_) {
    // Armijo: the objective must fall by a fraction of what the gradient promised.
    // (Plus rounding slack: near the optimum the decrease is below what the sum over rows resolves.)
    const double promised = 1e-4 * step_length_ * decrease_;
    const double slack = 1e-13 * std::abs(base_objective_);
    if (!std::isfinite(objective) || objective > base_objective_ + promised + slack) {
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
  if (stats.hess.size() > 0) {
    hess_ = t_.transpose() * stats.hess * t_;
    hess_.diagonal() += penalty_;
  } else if (has_base_) {
    // A reused Hessian, corrected along the step just taken (BFGS): the sampled Hessian's error
    // shrinks with every step instead of setting a fixed rate of convergence.
    const Eigen::VectorXd s = phi_ - base_phi_, y = grad - base_grad_;
    const Eigen::VectorXd hs = hess_ * s;
    const double ys = y.dot(s), shs = s.dot(hs);
    if (ys > 0 && shs > 0) hess_ += y * y.transpose() / ys - hs * hs.transpose() / shs;
  }
  const Eigen::MatrixXd& hess = hess_;
  base_phi_ = phi_;
  base_grad_ = grad;
  base_objective_ = objective;
  has_base_ = true;
  step_ = step(hess, grad);
  // Armijo's reference: the smooth part's slope along the step, plus the L1 term's change.
  decrease_ = grad.dot(step_);
  if (has_l1_) decrease_ += l1_.dot((phi_ + step_).cwiseAbs() - phi_.cwiseAbs());
  const double scale = std::max(1.0, phi_.cwiseAbs().maxCoeff());
  step_history_.push_back(step_.allFinite() ? step_.cwiseAbs().maxCoeff() / scale : std::numeric_limits<double>::quiet_NaN());
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
  // A step this small changes the Hessian by about as much, relatively: the next step made with the
  // old one is then off by about that fraction of itself — convergence barely slows.
  reuse_hessian_ = step_.cwiseAbs().maxCoeff() <= reuse_hessian_below * scale;
  step_length_ = 1;
  phi_ = base_phi_ + step_;
  return true;
}

}  // namespace tessera
