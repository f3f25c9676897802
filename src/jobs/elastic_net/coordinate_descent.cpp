#include "jobs/elastic_net/coordinate_descent.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tessera/stats/pca.hpp"

namespace tessera {

ElasticNetProblem elastic_net_problem(const Eigen::MatrixXd& g, bool fit_intercept) {
  const Eigen::Index k = g.rows(), p = k - 2;
  ElasticNetProblem problem;
  problem.rows = g(0, 0);
  if (fit_intercept) {
    auto [xx, xy] = centred_gram(g);
    problem.xx = std::move(xx);
    problem.xy = std::move(xy);
    problem.yy = tss_from_gram(g);
    problem.x_mean = g.col(0).segment(1, p) / problem.rows;
    problem.y_mean = g(0, k - 1) / problem.rows;
  } else {
    problem.xx = g.block(1, 1, p, p);
    problem.xy = g.col(k - 1).segment(1, p);
    problem.yy = g(k - 1, k - 1);
    problem.x_mean = Eigen::VectorXd::Zero(p);
  }
  return problem;
}

namespace {

/// The duality gap of `w` in scikit-learn's scaling (l1 = αρn, l2 = α(1−ρ)n); `h` = XᵀXw. With an
/// L1 part it is scikit-learn's formula, so fits stop where scikit-learn's stop. That formula
/// scales the dual point by l1 / ‖Xᵀr − l2·w‖∞, which is 0 without an L1 part: its gap is then the
/// primal objective and never falls below tol. Ridge (l1 = 0 < l2) has a dual with no constraint,
/// D(θ) = θᵀy − ‖θ‖²/2 − ‖Xᵀθ‖²/(2·l2), so its gap at θ = r is used instead; it is zero at the
/// optimum (Xᵀr = l2·w) and bounds the distance to it.
double duality_gap(const ElasticNetProblem& s, const Eigen::VectorXd& w, const Eigen::VectorXd& h, double l1, double l2) {
  const double q_dot_w = w.dot(s.xy);
  const double residual_norm2 = s.yy + w.dot(h) - 2 * q_dot_w;
  if (l1 == 0) return residual_norm2 - s.yy + q_dot_w + 0.5 * l2 * w.squaredNorm() + (s.xy - h).squaredNorm() / (2 * l2);
  const double dual_norm = (s.xy - h - l2 * w).cwiseAbs().maxCoeff();
  double scale = 1, gap = residual_norm2;
  if (dual_norm > l1) {
    scale = l1 / dual_norm;
    gap = 0.5 * residual_norm2 * (1 + scale * scale);
  }
  return gap + l1 * w.lpNorm<1>() - scale * (s.yy - q_dot_w) + 0.5 * l2 * (1 + scale * scale) * w.squaredNorm();
}

}  // namespace

CoordinateDescent coordinate_descent(const ElasticNetProblem& s, double alpha, double l1_ratio, double tol,
                                     std::int64_t max_iter, Eigen::VectorXd start) {
  const Eigen::Index p = s.xy.size();
  const double l1 = alpha * l1_ratio * s.rows, l2 = alpha * (1 - l1_ratio) * s.rows;
  const double gap_tol = tol * s.yy;
  CoordinateDescent out;
  Eigen::VectorXd& w = out.coef;
  w = std::move(start);
  Eigen::VectorXd h = s.xx * w;  // XᵀXw, kept up to date coordinate by coordinate
  for (std::int64_t sweep = 0; sweep < max_iter; ++sweep) {
    double w_max = 0, change_max = 0;
    for (Eigen::Index j = 0; j < p; ++j) {
      const double qjj = s.xx(j, j);
      if (qjj == 0) continue;  // a constant column stays at zero
      const double old = w(j);
      if (old != 0) h -= old * s.xx.col(j);
      const double z = s.xy(j) - h(j);
      w(j) = std::copysign(std::max(std::abs(z) - l1, 0.0), z) / (qjj + l2);
      if (w(j) != 0) h += w(j) * s.xx.col(j);
      change_max = std::max(change_max, std::abs(w(j) - old));
      w_max = std::max(w_max, std::abs(w(j)));
    }
    out.n_iter = sweep + 1;
    // The gap costs as much as a sweep: tested only once the steps are small, as scikit-learn does.
    const bool small_steps = w_max == 0 || change_max / w_max < tol;
    if (small_steps && l1 == 0 && l2 == 0) {  // least squares (alpha = 0): no dual to bound it; the steps alone
      out.converged = true;
      break;
    }
    if (small_steps || sweep == max_iter - 1) {
      if (l2 + l1 > 0 && duality_gap(s, w, h, l1, l2) < gap_tol) {
        out.converged = true;
        break;
      }
    }
  }
  return out;
}

LinearFit elastic_net_fit(const ElasticNetProblem& problem, const Eigen::VectorXd& coef) {
  return LinearFit{problem.y_mean - problem.x_mean.dot(coef), coef};
}

std::vector<double> alpha_grid(const ElasticNetProblem& all_rows, double l1_ratio, std::int64_t count, double eps) {
  const double alpha_max = all_rows.xy.cwiseAbs().maxCoeff() / (all_rows.rows * l1_ratio);
  const double resolution = 1e-15;  // numpy's finfo(float).resolution: a y that no feature explains
  std::vector<double> alphas(static_cast<std::size_t>(count), resolution);
  if (!(alpha_max > resolution)) return alphas;
  // numpy's logspace(log10(α_max·eps), log10(α_max), count)[::-1]: linspace's steps, the last exact.
  const double low = std::log10(alpha_max * eps), high = std::log10(alpha_max);
  const double step = count > 1 ? (high - low) / static_cast<double>(count - 1) : 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const double exponent = i == count - 1 && count > 1 ? high : low + static_cast<double>(i) * step;
    alphas[static_cast<std::size_t>(count - 1 - i)] = std::pow(10.0, exponent);
  }
  return alphas;
}

}  // namespace tessera
