// Gram matrices in double-double precision, for least squares too ill-conditioned for double;
// contracts GramDd and SumDd in kernels/least_squares.hpp. Compiled with -ffp-contract=off (see
// stats/double_double.hpp).
#include <algorithm>

#include "tessera/error.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/least_squares.hpp"
#include "tessera/stats/double_double.hpp"

namespace tessera {
namespace {

/// Rows summed into a fresh accumulator before it is added to the chunk's total: rounding errors
/// then grow with block_rows + rows / block_rows, not with the rows of the chunk.
constexpr Eigen::Index block_rows = 256;

/// Adds the upper triangle of (hi, lo) into (total_hi, total_lo), to double-double accuracy.
void add_block(const Eigen::MatrixXd& hi, const Eigen::MatrixXd& lo, Eigen::MatrixXd& total_hi, Eigen::MatrixXd& total_lo) {
  for (Eigen::Index j = 0; j < hi.cols(); ++j)
    for (Eigen::Index i = 0; i <= j; ++i) {
      const dd::Number s = dd::add({total_hi(i, j), total_lo(i, j)}, {hi(i, j), lo(i, j)});
      total_hi(i, j) = s.hi;
      total_lo(i, j) = s.lo;
    }
}

DoubleDoubleMatrix gram_dd(const InterceptParams& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::MatrixXd& yt = in.matrix(1);
  if (yt.cols() != xt.cols()) throw Error("gram_dd: X and y blocks have different row counts");
  const bool intercept = params.intercept;
  const Eigen::Index p = xt.rows(), off = intercept ? 1 : 0, k = p + off + 1, rows = xt.cols();
  Eigen::MatrixXd total_hi = Eigen::MatrixXd::Zero(k, k), total_lo = Eigen::MatrixXd::Zero(k, k);
  Eigen::MatrixXd hi(k, k), lo(k, k);  // column j holds the upper triangle's entries (i <= j)
  Eigen::VectorXd w(k);               // one row of [1 X y]
  for (Eigen::Index begin = 0; begin < rows; begin += block_rows) {
    hi.setZero();
    lo.setZero();
    const Eigen::Index end = std::min(rows, begin + block_rows);
    for (Eigen::Index r = begin; r < end; ++r) {
      if (intercept) w(0) = 1;
      w.segment(off, p) = xt.col(r);
      w(k - 1) = yt(0, r);
      for (Eigen::Index j = 0; j < k; ++j) {
        const double wj = w(j);
        double* h = hi.col(j).data();
        double* l = lo.col(j).data();
        // Vectorised over i: TwoProd of w_i·w_j, TwoSum onto the running hi, errors into lo.
        for (Eigen::Index i = 0; i <= j; ++i) {
          const double prod = w(i) * wj, prod_err = std::fma(w(i), wj, -prod);
          const double s = h[i] + prod, bb = s - h[i];
          const double sum_err = (h[i] - (s - bb)) + (prod - bb);
          h[i] = s;
          l[i] += sum_err + prod_err;
        }
      }
    }
    add_block(hi, lo, total_hi, total_lo);
  }
  for (Eigen::Index j = 0; j < k; ++j)
    for (Eigen::Index i = j + 1; i < k; ++i) {
      total_hi(i, j) = total_hi(j, i);
      total_lo(i, j) = total_lo(j, i);
    }
  return {std::move(total_hi), std::move(total_lo)};
}

DoubleDoubleMatrix sum_dd(const NoFields&, const KernelInputs& in) {
  const auto a = from_value<DoubleDoubleMatrix>(in[0]), b = from_value<DoubleDoubleMatrix>(in[1]);
  if (a.hi.rows() != b.hi.rows() || a.hi.cols() != b.hi.cols()) throw Error("sum_dd: mismatched values");
  DoubleDoubleMatrix out{Eigen::MatrixXd(a.hi.rows(), a.hi.cols()), Eigen::MatrixXd(a.hi.rows(), a.hi.cols())};
  for (Eigen::Index i = 0; i < a.hi.size(); ++i) {
    const dd::Number s = dd::add({a.hi(i), a.lo(i)}, {b.hi(i), b.lo(i)});
    out.hi(i) = s.hi;
    out.lo(i) = s.lo;
  }
  return out;
}

}  // namespace

void register_exact_gram_kernels(KernelRegistry& registry) {
  add_kernel<GramDd>(registry, gram_dd);
  add_kernel<SumDd>(registry, sum_dd);
}

}  // namespace tessera
