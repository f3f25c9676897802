#pragma once
// Helpers for MPI tests: a kernel registry with test kernels, and a way to run one driver on
// rank 0 while the other ranks serve as workers.
#include <gtest/gtest.h>

#include <boost/mpi/communicator.hpp>
#include <functional>

#include "tessera/runtime/cluster.hpp"

namespace tessera::testing {

/// Builtin kernels plus:
///   fill {rows, cols, value}      -> matrix filled with value
///   ramp {n, start}               -> n x 1 with start, start+1, ...
///   scale (x) {factor}            -> factor * x
///   add_one (x)                   -> x + 1
///   where {bytes}                 -> [1x1 rank that ran it, padding of `bytes` doubles]
///   where_sum (a, b)              -> [1x1 rank that ran it]
///   fail {on_rank}                -> throws "deliberate failure" on that rank (-1: any rank)
///   sleep {ms}                    -> sleeps; returns [1x1 CPU seconds this process used meanwhile]
///   noop                          -> empty value
const KernelRegistry& test_kernels();

inline boost::mpi::communicator& world() {
  static boost::mpi::communicator w;
  return w;
}

/// Runs `driver` on rank 0 inside run_cluster (the others serve); returns the exit code.
/// An exception escaping the driver becomes a test failure on rank 0.
inline int run_on_cluster(const std::function<void(Client&)>& driver, ClientOptions options = {}) {
  try {
    return run_cluster(world(), test_kernels(), [&](Client& c) {
      driver(c);
      return 0;
    }, options);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "driver threw: " << e.what();
    return 1;
  }
}

inline int workers() { return world().size() == 1 ? 1 : world().size() - 1; }

/// CPU seconds this process (all its threads) has used so far.
double process_cpu_seconds();

}  // namespace tessera::testing
