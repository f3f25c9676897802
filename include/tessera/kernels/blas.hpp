#pragma once
/// @file
/// The few BLAS calls tessera makes directly, where OpenBLAS beats Eigen's own kernels.
#include <Eigen/Core>

namespace tessera::blas {

/// Keeps OpenBLAS to one thread: each MPI rank is one core's worth of work, and BLAS threads
/// would fight the other ranks for the same cores. Call once per process before any BLAS call.
void use_one_thread();

/// `gram` += a·aᵀ for `a` (p x n): a symmetric rank-n update (dsyrk, half the work of a GEMM),
/// with half the work of a GEMM.
/// Only the lower triangle is accumulated; call symmetrize() once the sum is complete.
void add_outer_product(const Eigen::Ref<const Eigen::MatrixXd>& a, Eigen::MatrixXd& gram);

/// c = a·b + beta·c, with a or b transposed when asked (dgemm; faster than Eigen's product for the
/// short, wide blocks the logistic kernels multiply).
void multiply(const Eigen::Ref<const Eigen::MatrixXd>& a, bool transpose_a, const Eigen::Ref<const Eigen::MatrixXd>& b,
              bool transpose_b, Eigen::Ref<Eigen::MatrixXd> c, double beta = 0);
/// The same in single precision (k-means seeding's distances, where 7 digits are plenty).
void multiply(const Eigen::Ref<const Eigen::MatrixXf>& a, bool transpose_a, const Eigen::Ref<const Eigen::MatrixXf>& b,
              bool transpose_b, Eigen::Ref<Eigen::MatrixXf> c);

/// Copies the lower triangle onto the upper one.
void symmetrize(Eigen::MatrixXd& gram);

/// R ← the R factor of [R; B] (LAPACK dtpqrt: Householder QR of a triangle stacked on a block,
/// without touching the structural zeros). `r` is k x k upper triangular, `b` is m x k, of which
/// the first `triangular_rows` rows form an upper trapezoid (0 for a full block, k to merge two
/// R factors). `b` is overwritten.
void stacked_qr(Eigen::MatrixXd& r, Eigen::MatrixXd& b, int triangular_rows = 0);

}  // namespace tessera::blas
