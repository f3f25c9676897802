#pragma once
/// @file
/// A job's graph and the keys whose values it wants.
#include <vector>

#include "tessera/graph/graph.hpp"

namespace tessera {

struct PlannedGraph {
  Graph graph;
  std::vector<TaskKey> outputs;
};

}  // namespace tessera
