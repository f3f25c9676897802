#include <algorithm>

#include "tessera/error.hpp"
#include "tessera/kernels/blas.hpp"
#include "tessera/kernels/builtin.hpp"

namespace tessera {
namespace {

/// XᵀX, Xᵀy and the row count of one chunk. X arrives transposed (p x rows), so XᵀX is Xt Xtᵀ,
/// a symmetric rank update. The chunk is taken in blocks of rows small enough to stay in cache, so
/// the rank update and Xᵀy read each block from memory once between them, not once each.
Value gram(const KernelContext& ctx) {
  constexpr Eigen::Index block_rows = 2048;
  const Eigen::MatrixXd& xt = ctx.input(0)[0];
  const Eigen::MatrixXd& yt = ctx.input(1)[0];  // 1 x rows
  if (yt.cols() != xt.cols()) throw Error("gram: X and y chunks have different row counts");
  Eigen::MatrixXd xtx = Eigen::MatrixXd::Zero(xt.rows(), xt.rows());
  Eigen::MatrixXd xty = Eigen::MatrixXd::Zero(xt.rows(), 1);
  for (Eigen::Index begin = 0; begin < xt.cols(); begin += block_rows) {
    const Eigen::Index rows = std::min(block_rows, xt.cols() - begin);
    blas::add_outer_product(xt.middleCols(begin, rows), xtx);
    xty.noalias() += xt.middleCols(begin, rows) * yt.middleCols(begin, rows).transpose();
  }
  blas::symmetrize(xtx);
  Eigen::MatrixXd n(1, 1);
  n(0, 0) = static_cast<double>(xt.cols());
  return Value::of(std::move(xtx), std::move(xty), std::move(n));
}

/// Blockwise sum of the inputs, in input order (the tree's shape fixes the order of additions).
Value sum(const KernelContext& ctx) {
  if (ctx.inputs.empty()) throw Error("sum: no inputs");
  Value total = ctx.input(0);
  for (std::size_t i = 1; i < ctx.inputs.size(); ++i) {
    const Value& v = ctx.input(i);
    if (v.blocks.size() != total.blocks.size()) throw Error("sum: inputs have different numbers of blocks");
    for (std::size_t b = 0; b < v.blocks.size(); ++b) {
      if (v.blocks[b].rows() != total.blocks[b].rows() || v.blocks[b].cols() != total.blocks[b].cols())
        throw Error("sum: block shapes differ");
      total.blocks[b] += v.blocks[b];
    }
  }
  return total;
}

/// One row block of A·B, transposed: (A_c B)ᵀ = Bᵀ A_cᵀ, with both factors already transposed.
Value matmul_rows(const KernelContext& ctx) {
  const Eigen::MatrixXd& at = ctx.input(0)[0];  // k x rows
  const Eigen::MatrixXd& bt = ctx.input(1)[0];  // m x k
  if (bt.cols() != at.rows()) throw Error("matmul_rows: inner dimensions differ");
  Eigen::MatrixXd ct(bt.rows(), at.cols());
  ct.noalias() = bt * at;
  return Value::of(std::move(ct));
}

}  // namespace

void register_linalg_kernels(KernelRegistry& registry) {
  registry.add("gram", gram);
  registry.add("sum", sum);
  registry.add("matmul_rows", matmul_rows);
}

}  // namespace tessera
