#include "tessera/kernels/gram.hpp"

#include <algorithm>

#include "tessera/error.hpp"
#include "tessera/kernels/blas.hpp"

namespace tessera {

Eigen::MatrixXd augmented_gram(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::MatrixXd>& yt,
                               bool intercept) {
  constexpr Eigen::Index gram_block = 2048;
  if (yt.cols() != xt.cols()) throw Error("gram: X and y blocks have different row counts");
  const Eigen::Index p = xt.rows(), off = intercept ? 1 : 0, k = p + off + 1;
  Eigen::MatrixXd xtx = Eigen::MatrixXd::Zero(p, p);
  Eigen::VectorXd xty = Eigen::VectorXd::Zero(p), colsum = Eigen::VectorXd::Zero(p);
  double ysum = 0, yy = 0;
  for (Eigen::Index begin = 0; begin < xt.cols(); begin += gram_block) {
    const Eigen::Index m = std::min(gram_block, xt.cols() - begin);
    const auto x = xt.middleCols(begin, m);
    const auto y = yt.middleCols(begin, m).transpose();
    blas::add_outer_product(x, xtx);
    xty.noalias() += x * y;
    if (intercept) {  // a product with ones: vectorised, unlike a row-wise sum over this layout
      colsum.noalias() += x * Eigen::VectorXd::Ones(m);
      ysum += y.sum();
    }
    yy += y.squaredNorm();
  }
  blas::symmetrize(xtx);
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(k, k);
  if (intercept) {
    g(0, 0) = static_cast<double>(xt.cols());
    g.block(0, 1, 1, p) = colsum.transpose();
    g.block(1, 0, p, 1) = colsum;
    g(0, k - 1) = g(k - 1, 0) = ysum;
  }
  g.block(off, off, p, p) = xtx;
  g.block(off, k - 1, p, 1) = xty;
  g.block(k - 1, off, 1, p) = xty.transpose();
  g(k - 1, k - 1) = yy;
  return g;
}

}  // namespace tessera
