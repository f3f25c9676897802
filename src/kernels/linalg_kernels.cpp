// Dense linear algebra on row chunks; contracts in kernels/linalg.hpp.
#include "tessera/error.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/gram.hpp"
#include "tessera/kernels/linalg.hpp"

namespace tessera {
namespace {

/// XᵀX, Xᵀy and the row count of one chunk: the X-and-y part of its augmented Gram matrix.
Gram::Result gram(const NoFields&, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::MatrixXd g = augmented_gram(xt, in.matrix(1), false);
  const Eigen::Index p = xt.rows();
  return {Eigen::MatrixXd(g.topLeftCorner(p, p)), Eigen::MatrixXd(g.col(p).head(p)), static_cast<double>(xt.cols())};
}

/// Blockwise sum of the inputs, in input order (the tree's shape fixes the order of additions).
Value sum(const NoFields&, const KernelInputs& in) {
  Value total = in[0];
  const Value& v = in[1];
  if (v.blocks.size() != total.blocks.size()) throw Error("sum: inputs have different numbers of blocks");
  for (std::size_t b = 0; b < v.blocks.size(); ++b) {
    if (v.blocks[b].rows() != total.blocks[b].rows() || v.blocks[b].cols() != total.blocks[b].cols())
      throw Error("sum: block shapes differ");
    total.blocks[b] += v.blocks[b];
  }
  return total;
}

/// One row block of A·B, transposed: (A_c B)ᵀ = Bᵀ A_cᵀ, with both factors already transposed.
MatmulRows::Result matmul_rows(const NoFields&, const KernelInputs& in) {
  const Eigen::MatrixXd& at = in.matrix(0);  // k x rows
  const Eigen::MatrixXd& bt = in.matrix(1);  // m x k
  if (bt.cols() != at.rows()) throw Error("matmul_rows: inner dimensions differ");
  Eigen::MatrixXd ct(bt.rows(), at.cols());
  ct.noalias() = bt * at;
  return {std::move(ct)};
}

}  // namespace

void register_linalg_kernels(KernelRegistry& registry) {
  add_kernel<Gram>(registry, gram);
  add_kernel<Sum>(registry, sum);
  add_kernel<MatmulRows>(registry, matmul_rows);
}

}  // namespace tessera
