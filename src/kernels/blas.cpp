#include "tessera/kernels/blas.hpp"

#include <cblas.h>

#include <algorithm>
#include <string>

#include "tessera/error.hpp"

extern "C" void dtpqrt_(const int* m, const int* n, const int* l, const int* nb, double* a, const int* lda, double* b,
                        const int* ldb, double* t, const int* ldt, double* work, int* info);

namespace tessera::blas {

void use_one_thread() { openblas_set_num_threads(1); }

void add_outer_product(const Eigen::Ref<const Eigen::MatrixXd>& a, Eigen::MatrixXd& gram) {
  const auto p = static_cast<int>(a.rows());
  if (gram.rows() != p || gram.cols() != p) throw Error("add_outer_product: result must be p x p");
  if (a.size() == 0) return;
  cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, p, static_cast<int>(a.cols()), 1.0, a.data(),
              static_cast<int>(a.outerStride()), 1.0, gram.data(), p);
}

void multiply(const Eigen::Ref<const Eigen::MatrixXd>& a, bool transpose_a, const Eigen::Ref<const Eigen::MatrixXd>& b,
              bool transpose_b, Eigen::Ref<Eigen::MatrixXd> c, double beta) {
  const Eigen::Index m = transpose_a ? a.cols() : a.rows(), k = transpose_a ? a.rows() : a.cols();
  const Eigen::Index n = transpose_b ? b.rows() : b.cols();
  if ((transpose_b ? b.cols() : b.rows()) != k || c.rows() != m || c.cols() != n) throw Error("multiply: shapes differ");
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasColMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), 1.0, a.data(), static_cast<int>(a.outerStride()), b.data(),
              static_cast<int>(b.outerStride()), beta, c.data(), static_cast<int>(c.outerStride()));
}

void multiply(const Eigen::Ref<const Eigen::MatrixXf>& a, bool transpose_a, const Eigen::Ref<const Eigen::MatrixXf>& b,
              bool transpose_b, Eigen::Ref<Eigen::MatrixXf> c) {
  const Eigen::Index m = transpose_a ? a.cols() : a.rows(), k = transpose_a ? a.rows() : a.cols();
  const Eigen::Index n = transpose_b ? b.rows() : b.cols();
  if ((transpose_b ? b.cols() : b.rows()) != k || c.rows() != m || c.cols() != n) throw Error("multiply: shapes differ");
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasColMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), 1.0f, a.data(), static_cast<int>(a.outerStride()), b.data(),
              static_cast<int>(b.outerStride()), 0.0f, c.data(), static_cast<int>(c.outerStride()));
}

void symmetrize(Eigen::MatrixXd& gram) { gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose(); }

}  // namespace tessera::blas

namespace tessera::blas {

void stacked_qr(Eigen::MatrixXd& r, Eigen::MatrixXd& b, int triangular_rows) {
  const int k = static_cast<int>(r.cols()), m = static_cast<int>(b.rows());
  if (r.rows() != k || b.cols() != k) throw Error("stacked_qr: shapes differ");
  if (m == 0) return;
  const int nb = std::min(16, k);  // inner block size: fastest measured for k around 64
  Eigen::MatrixXd t(nb, k), work(nb, k);
  int info = 0, ldt = nb, lda = k, ldb = m;
  dtpqrt_(&m, &k, &triangular_rows, &nb, r.data(), &lda, b.data(), &ldb, t.data(), &ldt, work.data(), &info);
  if (info != 0) throw Error("dtpqrt failed with info " + std::to_string(info));
}

}  // namespace tessera::blas
