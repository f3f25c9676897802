#pragma once
/// @file
/// The one entry point a program calls on every rank: rank 0 runs the driver with a Client,
/// the other ranks serve as workers until it is done. Every rank returns the same exit code.
#include <boost/mpi/communicator.hpp>
#include <functional>

#include "tessera/runtime/client.hpp"

namespace tessera {

/// Runs `driver` on rank 0. When it returns, workers are shut down with its return value; when it
/// throws, they are shut down with `exit_code_for(exception)` and the exception propagates on rank 0
/// (the caller prints it). Workers return the code rank 0 sent.
int run_cluster(const boost::mpi::communicator& world, const KernelRegistry& kernels,
                const std::function<int(Client&)>& driver, ClientOptions options = {});

/// The exit code for the exception being handled: 2 for bad input, 1 otherwise.
int exit_code_for_current_exception();

}  // namespace tessera
