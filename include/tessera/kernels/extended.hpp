#pragma once
/// @file
/// Extended precision (long double, 64-bit mantissa) for the few places that need it: values
/// travel between ranks as pairs of double matrices (hi, lo) with hi + lo = the long double
/// value, which a double pair represents exactly.
#include <Eigen/Core>

#include "tessera/runtime/value.hpp"

namespace tessera {

using MatrixXld = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
using VectorXld = Eigen::Matrix<long double, Eigen::Dynamic, 1>;

/// Appends `m` to `value` as two blocks, hi then lo.
void append_extended(Value& value, const MatrixXld& m);
/// The long double matrix stored at blocks `first` (hi) and `first + 1` (lo).
MatrixXld extended_block(const Value& value, std::size_t first);

}  // namespace tessera
