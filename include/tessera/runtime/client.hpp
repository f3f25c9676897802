#pragma once
/// @file
/// The futures interface on rank 0: submit tasks (or a whole graph), wait for them, gather their
/// values. The scheduler makes progress inside these calls, so a driver can grow the graph as
/// results arrive — the shape iterative fits need.
///
/// @code
/// Future a = client.submit({"read_rows", params, {}});
/// Future g = client.submit({"gram", {}, {a.key()}});
/// ValuePtr xtx = client.gather(g);   // waits, then fetches the value from the worker holding it
/// @endcode
///
/// A result lives while a Future refers to it or a submitted consumer has yet to finish.
///
/// With a checkpoint store (use_checkpoint), workers also write the results worth keeping to disk,
/// and results already stored are read instead of computed: a submitted task whose result is
/// stored needs none of its inputs, so whatever only fed stored results is never scheduled.
/// A signal stops dispatch; what runs gets `grace_seconds` to finish and be stored.
#include <boost/mpi/communicator.hpp>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "tessera/graph/graph.hpp"
#include "tessera/core/kernel_registry.hpp"
#include "tessera/runtime/profile.hpp"
#include "tessera/runtime/progress.hpp"
#include "tessera/runtime/protocol.hpp"

namespace tessera {

class Client;
namespace detail {
struct ClientState;
}

/// A reference to a submitted task's result. Copies share it; the result may be released once the
/// last copy is gone and no pending task needs it.
class Future {
 public:
  Future() = default;
  Future(const Future& other);
  Future& operator=(const Future& other);
  Future(Future&&) noexcept = default;
  Future& operator=(Future&& other) noexcept;
  ~Future();
  const TaskKey& key() const { return key_; }

 private:
  friend class Client;
  Future(std::weak_ptr<detail::ClientState> state, TaskKey key);
  void reset();
  std::weak_ptr<detail::ClientState> state_;
  TaskKey key_;
};

struct ClientOptions {
  /// Tasks dispatched to one worker and not yet finished; enough that no worker idles between tasks.
  int max_in_flight = 128;
  /// Of those, tasks on the io lane (chunk reads): enough to keep reading ahead of the compute
  /// that consumes them, few enough that chunks do not pile up in memory.
  int max_io_in_flight = 2;
  /// After a signal, how long running tasks may take to finish before the job ends anyway.
  double grace_seconds = 10;
  ProgressOptions progress;
};

/// A checkpoint store as the Client uses it (the command line sets it up: checkpoint/).
struct CheckpointSetup {
  std::string directory;
  /// This run's name: rank R writes RUN.rank-R.pack.
  std::string run;
  /// Results to read instead of computing (empty unless resuming).
  std::unordered_map<TaskKey, PackLocation, TaskKeyHash> stored;
};

/// Time spent in one kernel, summed over its tasks (on whichever ranks ran them).
struct KernelTime {
  std::uint64_t tasks = 0;
  double seconds = 0;
  double max_seconds = 0;  ///< the longest task
};

/// Counters a job reports.
struct ClientStats {
  std::uint64_t submitted = 0, deduplicated = 0, executed = 0;
  /// Results read from a checkpoint store (not counted in executed), and stored ones that could
  /// not be read back and were computed instead.
  std::uint64_t loaded = 0, stale = 0;
  std::map<std::string, KernelTime> kernels;
};

class Client {
 public:
  Client(const boost::mpi::communicator& world, const KernelRegistry& kernels, ClientOptions options = {});
  /// Shuts the workers down (exit code 1) if shutdown() was not called.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Submits one task whose inputs were submitted before. Identical tasks collapse into one.
  Future submit(Task task);
  /// Validates and submits a whole graph; returns Futures for `outputs`, in order.
  std::vector<Future> submit(const Graph& graph, const std::vector<TaskKey>& outputs);

  /// Blocks until the task is done. Throws TaskError as soon as any task anywhere has failed.
  void wait(const Future& future);
  void wait(const std::vector<Future>& futures);
  /// Waits, then brings the value to rank 0 (from the worker holding it).
  ValuePtr gather(const Future& future);

  /// Every rank's result store (index = rank; rank 0's is used only when it runs alone).
  std::vector<protocol::StoreStats> store_stats();
  ClientStats stats() const;
  /// The end-of-job profile, with every rank's measurements (and trace events, if kept), gathered
  /// now. `wall_seconds`: the job's wall time as the caller measured it.
  RunRecord profile(double wall_seconds);
  /// Number of ranks running tasks (1 when rank 0 runs alone).
  int workers() const;

  /// Keeps results in `setup`'s store from now on, and reads those it lists.
  void use_checkpoint(CheckpointSetup setup);
  /// What the driver is doing, for the progress line ("pass 3 of at most 26").
  void set_phase(std::string phase);
  /// Clears a live progress line before the job's last lines are printed.
  void end_progress();

  /// Tells every worker to exit with `exit_code` and waits for each to acknowledge; after a
  /// deadline, MPI_Abort. Idempotent.
  void shutdown(int exit_code);

 private:
  std::shared_ptr<detail::ClientState> state_;
};

}  // namespace tessera
