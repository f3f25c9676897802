#include "tessera/stats/pca.hpp"

#include <Eigen/Eigenvalues>

#include "tessera/error.hpp"

namespace tessera {

std::pair<Eigen::MatrixXd, Eigen::VectorXd> centred_gram(const Eigen::MatrixXd& g) {
  const Eigen::Index k = g.rows(), p = k - 2;
  const double n = g(0, 0);
  const Eigen::VectorXd sx = g.col(0).segment(1, p);
  Eigen::MatrixXd c = g.block(1, 1, p, p) - sx * sx.transpose() / n;
  Eigen::VectorXd b = g.col(k - 1).segment(1, p) - sx * (g(0, k - 1) / n);
  return {std::move(c), std::move(b)};
}

PrincipalAxes principal_axes(const Eigen::MatrixXd& g) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(centred_gram(g).first);
  if (eig.info() != Eigen::Success) throw Error("pca: eigen-decomposition failed");
  // Eigen sorts ascending; PCA wants the largest first.
  return {eig.eigenvalues().reverse(), eig.eigenvectors().rowwise().reverse()};
}

}  // namespace tessera
