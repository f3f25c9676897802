#include "tessera/kernels/blas.hpp"

#include <cblas.h>

#include "tessera/error.hpp"

namespace tessera::blas {

void use_one_thread() { openblas_set_num_threads(1); }

void add_outer_product(const Eigen::Ref<const Eigen::MatrixXd>& a, Eigen::MatrixXd& gram) {
  const auto p = static_cast<int>(a.rows());
  if (gram.rows() != p || gram.cols() != p) throw Error("add_outer_product: result must be p x p");
  if (a.size() == 0) return;
  cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, p, static_cast<int>(a.cols()), 1.0, a.data(),
              static_cast<int>(a.outerStride()), 1.0, gram.data(), p);
}

void symmetrize(Eigen::MatrixXd& gram) { gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose(); }

}  // namespace tessera::blas
