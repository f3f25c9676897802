#pragma once
/// @file
/// The messages ranks exchange. Rank 0 carries metadata only; bulk data moves worker to worker
/// (Fetch / FetchReply), served by the holder's communication thread at once.
///
///   rank 0 -> worker : CheckpointConfig, TaskBatch, Release, StatsRequest, ProfileRequest, Drain, Shutdown
///   worker -> rank 0 : Report (done + failed + warnings), StatsReply, RankProfile, Drained, ShutdownAck
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
  profile_request,
  profile_reply,
};

/// The message's name in traces.
inline const char* tag_name(Tag tag) {
  switch (tag) {
    case Tag::task_batch: return "tasks";
    case Tag::report: return "report";
    case Tag::release: return "release";
    case Tag::fetch: return "serve fetch";
    case Tag::fetch_reply: return "fetch";
    case Tag::stats_request: return "stats request";
    case Tag::stats_reply: return "stats";
    case Tag::shutdown: return "shutdown";
    case Tag::shutdown_ack: return "shutdown ack";
    case Tag::checkpoint: return "checkpoint config";
    case Tag::drain: return "drain";
    case Tag::drained: return "drained";
    case Tag::profile_request: return "profile request";
    case Tag::profile_reply: return "profile";
  }
  return "message";
}

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
  std::int32_t chunk = -1;     ///< the chunk it works on, for the trace (-1: none)
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & key & kernel & params & inputs & priority & keep & from_store & stored & chunk;
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

/// What one rank did, for the end-of-job profile and the trace (runtime/profile.hpp).
struct RankProfile {
  std::string host;
  double seconds = 0;                ///< since the job's epoch
  std::vector<double> busy_seconds;  ///< per trace::Track
  std::uint64_t hdf5_bytes_read = 0, bytes_fetched = 0, bytes_sent = 0, peak_memory_bytes = 0;
  std::uint64_t dropped_events = 0;
  std::vector<std::string> names;    ///< what the events' name indices refer to
  std::vector<char> events;          ///< trace::Event records, as bytes (empty without a trace)
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & host & seconds & busy_seconds & hdf5_bytes_read & bytes_fetched & bytes_sent & peak_memory_bytes & dropped_events &
        names & events;
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
