#pragma once
/// @file
/// A task: a kernel name, parameters and input keys. Its key is a content hash of those three, so
/// two identical sub-computations are one node of the graph.
#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tessera/core/params.hpp"
#include "tessera/core/task_key.hpp"

namespace tessera {

/// Where a task without inputs would best run: part `index` of `count` equal parts of the work,
/// placed so each worker gets a contiguous range (chunk i of n goes to worker floor(i*W/n)).
/// Not part of the key: it is a scheduling hint, not a property of the result.
struct Locality {
  std::int64_t index = 0, count = 1;
};

/// One node of the graph.
struct Task {
  std::string kernel;
  Params params;
  std::vector<TaskKey> inputs;
  std::optional<Locality> locality;
  /// The kernel's version (core/contract.hpp's version_of): part of the key, so a result stored by a
  /// tessera whose kernel computed differently never matches. 0 for hand-made tasks.
  std::uint32_t version = 0;

  /// The content hash of (kernel, version, params, inputs).
  TaskKey key() const;
};

/// Short readable form of a key for messages and DOT: "kernel-0123abcd".
std::string short_name(const std::string& kernel, const TaskKey& key);

}  // namespace tessera
