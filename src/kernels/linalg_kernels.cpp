#include "tessera/error.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/gram.hpp"

namespace tessera {
namespace {

/// XᵀX, Xᵀy and the row count of one chunk: the X-and-y part of its augmented Gram matrix.
Value gram(const KernelContext& ctx) {
  const Eigen::MatrixXd& xt = ctx.input(0)[0];
  const Eigen::MatrixXd g = augmented_gram(xt, ctx.input(1)[0], false);
  const Eigen::Index p = xt.rows();
  return Value::of(Eigen::MatrixXd(g.topLeftCorner(p, p)), Eigen::MatrixXd(g.col(p).head(p)),
                   Eigen::MatrixXd::Constant(1, 1, static_cast<double>(xt.cols())));
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
