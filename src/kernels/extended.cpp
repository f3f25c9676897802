#include "tessera/kernels/extended.hpp"

namespace tessera {

void append_extended(Value& value, const MatrixXld& m) {
  Eigen::MatrixXd hi = m.cast<double>();
  Eigen::MatrixXd lo = (m - hi.cast<long double>()).cast<double>();
  value.blocks.push_back(std::move(hi));
  value.blocks.push_back(std::move(lo));
}

MatrixXld extended_block(const Value& value, std::size_t first) {
  return value[first].cast<long double>() + value[first + 1].cast<long double>();
}

}  // namespace tessera
