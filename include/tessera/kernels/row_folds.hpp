#pragma once
/// @file
/// Which fold each row of a chunk belongs to, from the parameters the cross-validation kernels
/// share: {row_begin, rows, folds, shuffle, seed}. `folds = 0` means no cross-validation: every
/// row gets fold -2, which no model's fold equals (a model of fold -1 trains on all rows).
#include <Eigen/Core>
#include <vector>

#include "tessera/graph/task.hpp"

namespace tessera {

inline constexpr int no_fold = -2;

std::vector<int> row_folds(const Params& params, Eigen::Index chunk_rows);

/// Throws InputError naming `target` (file:dataset), the row and what needs it (`needs`, e.g.
/// "logistic regression needs") unless every value of `yt` (1 x rows, from row `row_begin`) is 0 or 1.
void require_binary(const Eigen::Ref<const Eigen::MatrixXd>& yt, const std::string& target, std::int64_t row_begin,
                    const std::string& needs);

}  // namespace tessera
