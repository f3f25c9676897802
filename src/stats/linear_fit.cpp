#include "tessera/stats/linear_fit.hpp"

#include <limits>

namespace tessera {

double sse_from_gram(const Eigen::MatrixXd& g, const LinearFit& fit) {
  const Eigen::Index k = g.rows(), p = k - 2;
  Eigen::Matrix<long double, Eigen::Dynamic, 1> w(p + 1);
  w(0) = fit.intercept;
  for (Eigen::Index j = 0; j < p; ++j) w(j + 1) = fit.coef(j);
  const auto gl = g.cast<long double>();
  const long double sse = gl(k - 1, k - 1) - 2 * w.dot(gl.col(k - 1).head(p + 1)) +
                          w.dot(gl.topLeftCorner(p + 1, p + 1) * w);
  return static_cast<double>(sse);
}

double r2_from_gram(const Eigen::MatrixXd& g, const LinearFit& fit) {
  const double n = g(0, 0), sse = sse_from_gram(g, fit), tss = tss_from_gram(g);
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  // Σy² − (Σy)²/n of a constant y is rounding, not spread: below this it counts as zero.
  const double rounding = 16 * n * std::numeric_limits<double>::epsilon() * g(g.rows() - 1, g.cols() - 1);
  if (tss <= rounding) return sse == 0 ? 1.0 : 0.0;
  return 1 - sse / tss;
}

double tss_from_gram(const Eigen::MatrixXd& g) {
  const Eigen::Index k = g.rows();
  const long double n = g(0, 0), sy = g(0, k - 1);
  return static_cast<double>(static_cast<long double>(g(k - 1, k - 1)) - sy * sy / n);
}

}  // namespace tessera
