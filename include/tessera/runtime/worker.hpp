#pragma once
/// @file
/// A worker rank (1..N-1): receives task batches from rank 0, fetches inputs it does not hold
/// from the ranks that do, runs tasks on its compute thread, keeps their results, and answers
/// peers' fetches at once, even while a long kernel runs.
#include <boost/mpi/communicator.hpp>
#include <unordered_map>

#include "tessera/runtime/executor.hpp"
#include "tessera/runtime/mailbox.hpp"

namespace tessera {

class Worker {
 public:
  Worker(const boost::mpi::communicator& world, const KernelRegistry& kernels);
  /// Serves until rank 0 says shut down; returns the exit code rank 0 sent.
  int run();

 private:
  void handle(Envelope& message);
  void accept(protocol::TaskMessage task);
  void on_fetch_reply(const protocol::FetchReply& reply);
  void report_internal_error(const std::string& message);

  /// A task still waiting for inputs from other ranks.
  struct Waiting {
    protocol::TaskMessage task;
    std::vector<ValuePtr> inputs;
    std::size_t missing = 0;
  };

  Mailbox mailbox_;
  Executor compute_;
  ResultStore& store_;  ///< the executor's store
  std::uint64_t next_waiting_id_ = 0;
  std::unordered_map<std::uint64_t, Waiting> waiting_;
  /// Remote key -> (waiting task, input slot) pairs that need it; one Fetch per key in flight.
  std::unordered_map<TaskKey, std::vector<std::pair<std::uint64_t, std::size_t>>, TaskKeyHash> fetches_;
  bool shutting_down_ = false;
  bool draining_ = false, drained_ = false;
  bool told_interrupt_ = false;
  int exit_code_ = 0;
};

}  // namespace tessera
