#include "tessera/ml/ridge.hpp"

#include <Eigen/Cholesky>

#include "tessera/error.hpp"

namespace tessera {

LinearFit ridge_from_gram(const Eigen::MatrixXd& g, double alpha, bool fit_intercept) {
  const Eigen::Index k = g.rows(), p = k - 2;
  const double n = g(0, 0);
  Eigen::MatrixXd a = g.block(1, 1, p, p);
  Eigen::VectorXd b = g.block(1, k - 1, p, 1);
  if (fit_intercept) {
    const Eigen::VectorXd sx = g.block(1, 0, p, 1);
    a.noalias() -= sx * sx.transpose() / n;
    b -= sx * (g(0, k - 1) / n);
  }
  a.diagonal().array() += alpha;
  LinearFit fit;
  Eigen::LDLT<Eigen::MatrixXd> ldlt(a);
  fit.coef = ldlt.solve(b);
  if (ldlt.info() != Eigen::Success || !fit.coef.allFinite()) throw Error("ridge: the penalised system is singular");
  if (fit_intercept) fit.intercept = (g(0, k - 1) - g.col(0).segment(1, p).dot(fit.coef)) / n;
  return fit;
}

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

double tss_from_gram(const Eigen::MatrixXd& g) {
  const Eigen::Index k = g.rows();
  const long double n = g(0, 0), sy = g(0, k - 1);
  return static_cast<double>(static_cast<long double>(g(k - 1, k - 1)) - sy * sy / n);
}

}  // namespace tessera
