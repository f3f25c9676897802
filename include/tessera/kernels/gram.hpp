#pragma once
/// @file
/// Gram matrices of row blocks, shared by the kernels that need them.
#include <Eigen/Core>

namespace tessera {

/// [1 X y]ᵀ[1 X y] (the ones column only with `intercept`) for a block given transposed:
/// `xt` is p x rows, `yt` is 1 x rows. Cache-blocked: one pass over memory.
Eigen::MatrixXd augmented_gram(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::MatrixXd>& yt,
                               bool intercept);

}  // namespace tessera
