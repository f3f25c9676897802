#pragma once
/// @file
/// Double-double arithmetic: a number is the unevaluated sum hi + lo of two doubles, about 106
/// significant bits, built from error-free transformations (TwoSum, and TwoProd with an FMA).
/// Used where double precision is not enough: the Gram matrix of an ill-conditioned least-squares
/// problem, whose solution loses κ² units of rounding. Code that calls these in loops must be
/// compiled with -ffp-contract=off, so the compiler never fuses a product into a sum they expect
/// to be rounded on its own.
///
/// A matrix of double-doubles travels as two blocks of a Value, hi then lo.
#include <Eigen/Core>
#include <cmath>

namespace tessera::dd {

struct Number {
  double hi = 0, lo = 0;
};

/// a + b exactly, as a rounded sum and its error (Knuth's TwoSum).
inline Number two_sum(double a, double b) {
  const double s = a + b, bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

/// a · b exactly, as a rounded product and its error.
inline Number two_prod(double a, double b) {
  const double p = a * b;
  return {p, std::fma(a, b, -p)};
}

/// a + b to double-double accuracy (the accurate addition of the QD library).
inline Number add(Number a, Number b) {
  Number s = two_sum(a.hi, b.hi);
  const Number t = two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return two_sum(s.hi, s.lo);
}

}  // namespace tessera::dd
