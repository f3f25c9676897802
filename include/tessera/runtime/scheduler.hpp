#pragma once
/// @file
/// The scheduler's bookkeeping, free of MPI so it can be tested on its own: which tasks are
/// ready, where each should run, which results can be released. The Client carries out what it
/// decides.
///
/// Placement: a task with inputs goes to the rank holding most of its input bytes (ties to the
/// lowest rank); a task without inputs but with a Locality hint goes to worker floor(i*W/n), so
/// each worker reads a contiguous range of chunks; any other task goes to whichever worker has room.
/// Each worker has at most `max_in_flight` tasks dispatched and unfinished, of which at most
/// `max_io_in_flight` on its io lane, and it is sent a new io task only while at most that many
/// compute tasks are waiting too — so reads run just ahead of the compute that consumes them, not
/// the whole file ahead. A worker runs its tasks in priority (submission) order.
#include <array>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include <functional>

#include "tessera/graph/task.hpp"
#include "tessera/core/kernel_registry.hpp"
#include "tessera/io/pack_file.hpp"
#include "tessera/runtime/protocol.hpp"

namespace tessera {

class Scheduler {
 public:
  using LaneOf = std::function<Lane(const std::string& kernel)>;

  Scheduler(std::vector<int> worker_ranks, int max_in_flight, int max_io_in_flight = 2,
            LaneOf lane_of = [](const std::string&) { return Lane::compute; });

  /// Adds a task. Returns false when the key is already known (a released result is then
  /// scheduled to be computed again). Throws Error if an input was never submitted.
  /// With `stored`, the result is read from a checkpoint store instead: the task is ready at once,
  /// on the io lane, and its inputs need not be known.
  bool add(const TaskKey& key, const Task& task, const PackLocation* stored = nullptr);
  /// A stored result that `rank` could not read: the task is computed after all, from its inputs
  /// (which must be known by now).
  void compute_instead(int rank, const TaskKey& key);
  /// Tasks to start now, each with the rank to run it.
  std::vector<std::pair<int, protocol::TaskMessage>> dispatch();
  /// Records a finished task.
  void finished(int rank, const protocol::Done& done);

  /// A Future refers to `key`: keep its result until released by drop().
  void retain(const TaskKey& key);
  void drop(const TaskKey& key);
  /// Results no longer needed, grouped by the rank holding them; clears the list.
  std::map<int, std::vector<TaskKey>> take_releases();

  bool known(const TaskKey& key) const { return nodes_.count(key) != 0; }
  bool done(const TaskKey& key) const;
  int holder(const TaskKey& key) const;
  const std::string& kernel_of(const TaskKey& key) const;
  const Task& task_of(const TaskKey& key) const;
  std::size_t unfinished() const { return unfinished_; }
  /// Tasks finished (computed or read from a store), counting a recomputed one again.
  std::uint64_t executed() const { return executed_; }
  /// Of those, read from a checkpoint store.
  std::uint64_t loaded() const { return loaded_; }
  /// Tasks known, and how many of them have been finished at least once: the job's progress.
  std::size_t size() const { return nodes_.size(); }
  std::size_t completed() const { return completed_; }

 private:
  enum class State { waiting, ready, running, done, released };
  struct Node {
    Task task;
    std::uint64_t priority = 0;
    State state = State::waiting;
    std::size_t missing_inputs = 0;
    std::vector<TaskKey> consumers;
    std::size_t unfinished_consumers = 0;
    std::size_t references = 0;  ///< live Futures
    int holder = -1;
    std::uint64_t bytes = 0;
    std::optional<PackLocation> stored;  ///< read from a checkpoint store rather than computed
    bool ever_done = false;
    /// The chunk it works on, for traces: its Locality's, or its inputs' when they share one; -1.
    std::int32_t chunk = -1;
    /// The inputs it waits for: none when it is read from a store.
    const std::vector<TaskKey>& inputs() const {
      static const std::vector<TaskKey> none;
      return stored ? none : task.inputs;
    }
  };
  using Queue = std::set<std::pair<std::uint64_t, TaskKey>>;  // (priority, key)
  using LaneQueues = std::array<Queue, lane_count>;

  Node& node(const TaskKey& key);
  std::int32_t chunk_of(const Task& task) const;
  Lane lane_of(const Node& n) const { return n.stored ? Lane::io : lane_of_(n.task.kernel); }
  /// Records that `n` is consumed by `key`: its inputs learn their consumer.
  void link_inputs(const TaskKey& key, const Node& n);
  /// Links `key` to its inputs (reviving released ones) and readies it if they are all done.
  void attach_inputs(const TaskKey& key, Node& n);
  /// Schedules a released result to be computed again, its released inputs first.
  void revive(const TaskKey& key);
  void make_ready(const TaskKey& key, Node& n);
  void release_if_unneeded(const TaskKey& key, Node& n);
  std::size_t slot_of(int rank) const;
  /// The queue whose next task worker slot `w` should start, or null if it should start none.
  Queue* next_queue_for(std::size_t w);
  /// Worker slot `w` may start something now (a task finished there, or one was queued for it).
  void reconsider(std::size_t w) { reconsider_.insert(w); }

  std::vector<int> workers_;
  int max_in_flight_, max_io_in_flight_;
  LaneOf lane_of_;
  std::unordered_map<TaskKey, Node, TaskKeyHash> nodes_;
  std::vector<LaneQueues> worker_queues_;
  LaneQueues any_queue_;
  std::vector<int> in_flight_, io_in_flight_;
  std::vector<std::size_t> slot_by_rank_;  ///< worker slot of each rank (workers_.size() if none)
  /// What keeps a dispatch from costing O(workers) per task: it visits only the workers whose
  /// state changed since they were last found with nothing to start (`reconsider_`, in
  /// round-robin order from next_worker_), and those with room that wait only for shared work
  /// (`want_shared_`), which rejoin when a task enters the shared queue.
  std::set<std::size_t> reconsider_;
  std::vector<std::size_t> want_shared_;
  std::vector<bool> wants_shared_;
  std::map<int, std::vector<TaskKey>> releases_;
  std::uint64_t next_priority_ = 0, executed_ = 0, loaded_ = 0;
  std::size_t unfinished_ = 0, next_worker_ = 0, completed_ = 0;
};

}  // namespace tessera
