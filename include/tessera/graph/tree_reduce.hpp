#pragma once
/// @file
/// Reduction trees whose shape depends only on the number of leaves: the reason results are
/// bit-identical on any rank count.
#include <string>
#include <vector>

#include "tessera/graph/graph.hpp"

namespace tessera {

/// Combines `leaves` pairwise with `kernel` {params} (of `version`), level by level ((0,1), (2,3), ...; an odd last
/// one moves up as is), so the order of operations is fixed by the leaf indices alone:
/// bit-identical on any rank count.
TaskKey tree_reduce(Graph& graph, std::vector<TaskKey> leaves, const std::string& kernel, const Params& params = {},
                    std::uint32_t version = 0);

}  // namespace tessera
