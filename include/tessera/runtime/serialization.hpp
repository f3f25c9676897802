#pragma once
/// @file
/// Boost.Serialization for the types messages carry: Params (a variant map) and Eigen matrices
/// (dimensions, then the raw array in one piece).
#include <boost/serialization/array_wrapper.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/split_member.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "tessera/graph/task.hpp"
#include "tessera/runtime/protocol.hpp"

namespace boost::serialization {

template <class Archive>
void save(Archive& ar, const Eigen::MatrixXd& m, unsigned) {
  std::int64_t rows = m.rows(), cols = m.cols();
  ar << rows << cols;
  if (m.size() > 0) ar << boost::serialization::make_array(m.data(), static_cast<std::size_t>(m.size()));
}

template <class Archive>
void load(Archive& ar, Eigen::MatrixXd& m, unsigned) {
  std::int64_t rows = 0, cols = 0;
  ar >> rows >> cols;
  m.resize(rows, cols);
  if (m.size() > 0) ar >> boost::serialization::make_array(m.data(), static_cast<std::size_t>(m.size()));
}

template <class Archive>
void serialize(Archive& ar, Eigen::MatrixXd& m, unsigned version) {
  split_free(ar, m, version);
}

}  // namespace boost::serialization

namespace tessera {

template <class Archive>
void Params::serialize(Archive& ar, unsigned) {
  std::uint64_t count = values_.size();
  ar & count;
  if constexpr (Archive::is_saving::value) {
    for (auto& [name, value] : values_) {
      std::string n = name;
      std::int32_t index = static_cast<std::int32_t>(value.index());
      ar & n & index;
      std::visit([&](auto& v) { ar & v; }, value);
    }
  } else {
    values_.clear();
    for (std::uint64_t i = 0; i < count; ++i) {
      std::string name;
      std::int32_t index = 0;
      ar & name & index;
      Param value;
      switch (index) {
        case 0: value = std::int64_t{}; break;
        case 1: value = double{}; break;
        case 2: value = std::string{}; break;
        case 3: value = std::vector<double>{}; break;
        default: throw std::runtime_error("corrupt parameter message");
      }
      std::visit([&](auto& v) { ar & v; }, value);
      values_.emplace(std::move(name), std::move(value));
    }
  }
}

template <class A>
void protocol::FetchReply::save(A& ar, unsigned) const {
  const bool found = value != nullptr;
  ar << key << found;
  if (found) ar << value->blocks;
}

template <class A>
void protocol::FetchReply::load(A& ar, unsigned) {
  bool found = false;
  ar >> key >> found;
  value = nullptr;
  if (found) {
    auto v = std::make_shared<Value>();
    ar >> v->blocks;
    value = std::move(v);
  }
}

template <class A>
void protocol::FetchReply::serialize(A& ar, unsigned version) {
  boost::serialization::split_member(ar, *this, version);
}

}  // namespace tessera
