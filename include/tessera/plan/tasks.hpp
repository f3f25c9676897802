#pragma once
/// @file
/// Tasks from kernel contracts (core/contract.hpp): a builder names a contract, fills its Params
/// struct and gives exactly as many inputs as the contract takes.
///
/// @code
/// const TaskKey g = graph.add(task_of<FoldGram>({fold_assignment, chunk.begin}, {x, y}));
/// const TaskKey total = reduce<Sum>(graph, leaves);
/// @endcode
#include <array>
#include <optional>

#include "tessera/core/contract.hpp"
#include "tessera/graph/graph.hpp"
#include "tessera/graph/tree_reduce.hpp"

namespace tessera {

template <class K>
Task task_of(const typename K::Params& params, const std::array<TaskKey, K::inputs>& inputs,
             std::optional<Locality> locality = std::nullopt) {
  return Task{K::name, to_params(params), std::vector<TaskKey>(inputs.begin(), inputs.end()), locality, version_of<K>()};
}

/// `leaves` combined pairwise by contract K (two inputs, a result of the same layout), as tree_reduce.
template <class K>
TaskKey reduce(Graph& graph, std::vector<TaskKey> leaves, const typename K::Params& params = {}) {
  static_assert(K::inputs == 2, "a reduction combines two values at a time");
  return tree_reduce(graph, std::move(leaves), K::name, to_params(params), version_of<K>());
}

}  // namespace tessera
