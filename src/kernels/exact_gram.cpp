// Gram matrices in double-double precision, for least squares too ill-conditioned for double.
// Compiled with -ffp-contract=off (see double_double.hpp).
//
//   gram_dd (X, y) {intercept} -> [hi, lo] of [1 X y]ᵀ[1 X y] for the chunk (the ones column only
//                                 with intercept), each entry to about 30 significant digits
//   sum_dd (a, b)              -> [hi, lo] of a + b
#include <algorithm>

#include "tessera/error.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/double_double.hpp"

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

Value gram_dd(const KernelContext& ctx) {
  const Eigen::MatrixXd& xt = ctx.input(0)[0];
  const Eigen::MatrixXd& yt = ctx.input(1)[0];
  if (yt.cols() != xt.cols()) throw Error("gram_dd: X and y blocks have different row counts");
  const bool intercept = ctx.params.integer("intercept") != 0;
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
  return Value::of(std::move(total_hi), std::move(total_lo));
}

Value sum_dd(const KernelContext& ctx) {
  const Value& a = ctx.input(0);
  const Value& b = ctx.input(1);
  if (a.blocks.size() != 2 || b.blocks.size() != 2 || a[0].rows() != b[0].rows() || a[0].cols() != b[0].cols())
    throw Error("sum_dd: mismatched values");
  Eigen::MatrixXd hi(a[0].rows(), a[0].cols()), lo(a[0].rows(), a[0].cols());
  for (Eigen::Index i = 0; i < hi.size(); ++i) {
    const dd::Number s = dd::add({a[0](i), a[1](i)}, {b[0](i), b[1](i)});
    hi(i) = s.hi;
    lo(i) = s.lo;
  }
  return Value::of(std::move(hi), std::move(lo));
}

}  // namespace

void register_exact_gram_kernels(KernelRegistry& registry) {
  registry.add("gram_dd", gram_dd);
  registry.add("sum_dd", sum_dd);
}

}  // namespace tessera
