#pragma once
/// @file
/// SIGTERM, SIGINT and SIGUSR1 (what Slurm sends at the wall-clock limit, Ctrl-C, and Slurm's
/// early warning with --signal=USR1@SECONDS) end a job in order:
/// the handler only notes the signal; the loops that wait (rank 0's scheduler, each worker's
/// communication thread, generate's writers) see it within a millisecond and stop, every rank
/// exits, temporary files are removed, and rank 0 prints one line. A second signal of the same
/// kind ends the process at once (the handler is reset by the first).
#include <string>

namespace tessera {

/// Installs the handlers (once per process; call after MPI is initialised, so they are ours).
void install_interrupt_handlers();
/// The signal received so far, or 0.
int interrupt_signal();
/// Throws Interrupted if a signal has been received.
void throw_if_interrupted();
/// "SIGTERM", "SIGINT", or "signal N".
std::string signal_name(int signal);

}  // namespace tessera
