#pragma once
/// @file
/// The messages ranks exchange. Rank 0 carries metadata only; bulk data moves worker to worker
/// (Fetch / FetchReply), served by the holder's communication thread at once.
///
///   rank 0 -> worker : CheckpointConfig, TaskBatch, Release, StatsRequest, Drain, Shutdown
///   worker -> rank 0 : Report (done + failed + warnings), StatsReply, Drained, ShutdownAck
///   any    -> holder : Fetch            holder -> requester : FetchReply
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/value.hpp"
#include "tessera/graph/task.hpp"
#include "tessera/io/pack_file.hpp"

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
  checkpoint,
  drain,
  drained,
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
  bool keep = false;           ///< write the result to the checkpoint store too
  bool from_store = false;     ///< read the result from the store, at `stored`, instead of computing it
  PackLocation stored;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & key & kernel & params & inputs & priority & keep & from_store & stored;
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
  bool loaded = false;  ///< read from the checkpoint store
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & key & bytes & seconds & loaded;
  }
};

struct Failure {
  TaskKey key;
  std::string kernel;
  std::string message;
  bool input_error = false;
  int signal = 0;  ///< nonzero: not a task's failure, the worker was stopped by this signal
  bool stale = false;  ///< the stored result could not be read back: compute it instead
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & key & kernel & message & input_error & signal & stale;
  }
};

/// Everything a worker finished since its last report, sent as one message.
struct Report {
  std::vector<Done> done;
  std::vector<Failure> failed;
  std::vector<std::string> warnings;  ///< lines for rank 0 to print (workers do not log)
  bool empty() const { return done.empty() && failed.empty() && warnings.empty(); }
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & done & failed & warnings;
  }
};

/// Where this rank writes the results it keeps: `directory`/`pack`.
struct CheckpointConfig {
  std::string directory, pack;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & directory & pack;
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
