#pragma once
/// @file
/// The messages ranks exchange. Rank 0 carries metadata only; bulk data moves worker to worker
/// (Fetch / FetchReply), served by the holder's communication thread at once.
///
///   rank 0 -> worker : TaskBatch, Release, StatsRequest, Shutdown
///   worker -> rank 0 : Report (done + failed), StatsReply, ShutdownAck
///   any    -> holder : Fetch            holder -> requester : FetchReply
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/graph/task.hpp"
#include "tessera/core/value.hpp"

namespace tessera::protocol {

enum class Tag : int {
  task_batch = 11,
  report,
  release,
  fetch,
  fetch_reply,
  stats_request,
  stats_reply,
  shutdown,
  shutdown_ack,
};

/// An input of a dispatched task and the rank that holds it.
struct InputRef {
  TaskKey key;
  int holder = 0;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & key & holder;
  }
};

struct TaskMessage {
  TaskKey key;
  std::string kernel;
  Params params;
  std::vector<InputRef> inputs;
  std::uint64_t priority = 0;  ///< lower runs first (the builder's order)
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & key & kernel & params & inputs & priority;
  }
};

struct TaskBatch {
  std::vector<TaskMessage> tasks;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & tasks;
  }
};

struct Done {
  TaskKey key;
  std::uint64_t bytes = 0;
  double seconds = 0;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & key & bytes & seconds;
  }
};

struct Failure {
  TaskKey key;
  std::string kernel;
  std::string message;
  bool input_error = false;
  int signal = 0;  ///< nonzero: not a task's failure, the worker was stopped by this signal
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & key & kernel & message & input_error & signal;
  }
};

/// Everything a worker finished since its last report, sent as one message.
struct Report {
  std::vector<Done> done;
  std::vector<Failure> failed;
  bool empty() const { return done.empty() && failed.empty(); }
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & done & failed;
  }
};

struct Release {
  std::vector<TaskKey> keys;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & keys;
  }
};

struct Fetch {
  TaskKey key;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & key;
  }
};

/// The holder's answer to a Fetch; `value` is null when the holder no longer has the key.
struct FetchReply {
  TaskKey key;
  ValuePtr value;
  template <class A>
  void save(A& ar, unsigned) const;
  template <class A>
  void load(A& ar, unsigned);
  template <class A>
  void serialize(A& ar, unsigned version);
};

/// What a rank's result store holds now, and what it has run.
struct StoreStats {
  std::uint64_t keys = 0, bytes = 0, tasks_run = 0;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & keys & bytes & tasks_run;
  }
};

struct Empty {
  template <class A>
  void serialize(A&, unsigned) {}
};

struct Shutdown {
  int exit_code = 0;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & exit_code;
  }
};

}  // namespace tessera::protocol
