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

namespace tessera {

/// 128-bit content hash naming a task and its result.
struct TaskKey {
  std::uint64_t hi = 0, lo = 0;
  auto operator<=>(const TaskKey&) const = default;
  /// 32 hex digits.
  std::string hex() const;
  /// Parses what hex() printed; throws InputError otherwise.
  static TaskKey from_hex(const std::string& text);
  /// A key chosen by name rather than by content (for hand-made graphs and tests).
  static TaskKey named(const std::string& name);
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & hi & lo;
  }
};

struct TaskKeyHash {
  std::size_t operator()(const TaskKey& k) const noexcept { return static_cast<std::size_t>(k.lo ^ (k.hi * 0x9E3779B97F4A7C15ull)); }
};

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

  /// The content hash of (kernel, params, inputs).
  TaskKey key() const;
};

/// Short readable form of a key for messages and DOT: "kernel-0123abcd".
std::string short_name(const std::string& kernel, const TaskKey& key);

}  // namespace tessera
