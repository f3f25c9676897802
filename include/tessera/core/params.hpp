#pragma once
/// @file
/// Kernel parameters: a name-ordered map of a few value types (the order and the types are part of
/// a task's content hash). Kernel contracts (kernels/*.hpp) pack and unpack them; nothing else
/// spells a parameter's name.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tessera {

/// A parameter value. Kept to the few types kernels need so the content hash stays canonical.
using Param = std::variant<std::int64_t, double, std::string, std::vector<double>>;

/// Kernel parameters, ordered by name (the order is part of the hash).
class Params {
 public:
  Params() = default;
  Params(std::initializer_list<std::pair<const std::string, Param>> init) : values_(init) {}

  Params& set(const std::string& name, Param value);
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  const std::vector<double>& reals(const std::string& name) const;
  const std::map<std::string, Param>& values() const { return values_; }

  template <class Archive>
  void serialize(Archive& ar, unsigned);

 private:
  template <class T>
  const T& get(const std::string& name) const;
  std::map<std::string, Param> values_;
};

}  // namespace tessera
