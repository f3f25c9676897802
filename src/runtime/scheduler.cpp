#include "tessera/runtime/scheduler.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "tessera/error.hpp"

namespace tessera {

Scheduler::Scheduler(std::vector<int> worker_ranks, int max_in_flight, int max_io_in_flight, LaneOf lane_of)
    : workers_(std::move(worker_ranks)),
      max_in_flight_(max_in_flight),
      max_io_in_flight_(max_io_in_flight),
      lane_of_(std::move(lane_of)),
      worker_queues_(workers_.size()),
      in_flight_(workers_.size(), 0),
      io_in_flight_(workers_.size(), 0),
      wants_shared_(workers_.size(), false) {
  if (workers_.empty()) throw Error("scheduler needs at least one worker");
  const int highest = *std::max_element(workers_.begin(), workers_.end());
  if (*std::min_element(workers_.begin(), workers_.end()) < 0) throw Error("worker ranks must not be negative");
  slot_by_rank_.assign(static_cast<std::size_t>(highest) + 1, workers_.size());
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    slot_by_rank_[static_cast<std::size_t>(workers_[w])] = w;
    reconsider_.insert(w);
  }
}

Scheduler::Node& Scheduler::node(const TaskKey& key) {
  const auto it = nodes_.find(key);
  if (it == nodes_.end()) throw Error("unknown task key " + key.hex());
  return it->second;
}

std::size_t Scheduler::slot_of(int rank) const {
  const auto r = static_cast<std::size_t>(rank);
  if (rank < 0 || r >= slot_by_rank_.size() || slot_by_rank_[r] == workers_.size())
    throw Error("rank " + std::to_string(rank) + " is not a worker");
  return slot_by_rank_[r];
}

std::int32_t Scheduler::chunk_of(const Task& task) const {
  if (task.locality) return static_cast<std::int32_t>(task.locality->index);
  std::int32_t chunk = -1;
  for (const TaskKey& in : task.inputs) {
    const auto it = nodes_.find(in);
    if (it == nodes_.end() || it->second.chunk < 0 || (chunk >= 0 && it->second.chunk != chunk)) return -1;
    chunk = it->second.chunk;
  }
  return chunk;
}

bool Scheduler::add(const TaskKey& key, const Task& task, const PackLocation* stored) {
  if (known(key)) {
    revive(key);
    return false;
  }
  Node fresh{task, next_priority_++};
  if (stored) fresh.stored = *stored;
  fresh.chunk = chunk_of(task);
  for (const TaskKey& in : fresh.inputs())
    if (!known(in))
      throw Error("task " + short_name(task.kernel, key) + " needs input " + in.hex() + ", which was never submitted");
  Node& n = nodes_.emplace(key, std::move(fresh)).first->second;
  link_inputs(key, n);
  attach_inputs(key, n);
  return true;
}

void Scheduler::link_inputs(const TaskKey& key, const Node& n) {
  for (const TaskKey& in : n.inputs()) nodes_.at(in).consumers.push_back(key);
}

void Scheduler::compute_instead(int rank, const TaskKey& key) {
  Node& n = node(key);
  if (n.state != State::running || !n.stored) throw Error("task " + key.hex() + " was not being read from a store");
  for (const TaskKey& in : n.task.inputs)  // checked first: a refusal changes nothing
    if (!known(in))
      throw Error("task " + short_name(n.task.kernel, key) + " needs input " + in.hex() + ", which was never submitted");
  const std::size_t w = slot_of(rank);
  --in_flight_[w];
  --io_in_flight_[w];
  reconsider(w);
  --unfinished_;  // attach_inputs counts it again
  n.stored.reset();
  link_inputs(key, n);
  attach_inputs(key, n);
}

void Scheduler::attach_inputs(const TaskKey& key, Node& n) {
  ++unfinished_;
  n.state = State::waiting;
  n.missing_inputs = 0;
  for (const TaskKey& in : n.inputs()) {
    revive(in);
    Node& input = nodes_.at(in);
    ++input.unfinished_consumers;
    if (input.state != State::done) ++n.missing_inputs;
  }
  if (n.missing_inputs == 0) make_ready(key, n);
}

void Scheduler::revive(const TaskKey& key) {
  Node& n = node(key);
  if (n.state != State::released) return;
  // Same key, same result: recomputing it is correct, and cheaper than keeping every result forever.
  n.holder = -1;
  n.bytes = 0;
  attach_inputs(key, n);
}

void Scheduler::make_ready(const TaskKey& key, Node& n) {
  n.state = State::ready;
  const auto entry = std::make_pair(n.priority, key);
  const auto lane = static_cast<std::size_t>(lane_of(n));
  if (!n.inputs().empty()) {
    std::map<int, std::uint64_t> bytes_by_rank;
    for (const TaskKey& in : n.inputs()) {
      const Node& input = nodes_.at(in);
      bytes_by_rank[input.holder] += input.bytes + 1;  // +1: an empty result still pulls towards its holder
    }
    const auto best = std::max_element(bytes_by_rank.begin(), bytes_by_rank.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    const std::size_t w = slot_of(best->first);
    worker_queues_[w][lane].insert(entry);
    reconsider(w);
  } else if (n.task.locality) {
    const auto& loc = *n.task.locality;
    const auto w = std::min(static_cast<std::size_t>(loc.index * static_cast<std::int64_t>(workers_.size()) /
                                                     std::max<std::int64_t>(loc.count, 1)),
                            workers_.size() - 1);
    worker_queues_[w][lane].insert(entry);
    reconsider(w);
  } else {
    any_queue_[lane].insert(entry);
    for (const std::size_t w : want_shared_) {
      wants_shared_[w] = false;
      reconsider(w);
    }
    want_shared_.clear();
  }
}

Scheduler::Queue* Scheduler::next_queue_for(std::size_t w) {
  if (in_flight_[w] >= max_in_flight_) return nullptr;
  // Reads are pulled by demand: a worker gets another only while few reads are running and its
  // compute lane is nearly out of work. Otherwise, when compute is the slower lane, finished
  // reads would wait in memory for it — the whole file, in the worst case.
  const int compute_in_flight = in_flight_[w] - io_in_flight_[w];
  const bool io_room = io_in_flight_[w] < max_io_in_flight_ && compute_in_flight <= max_io_in_flight_;
  // The worker's own queues first (its data is there), then the shared one; within each, the
  // task submitted first.
  for (LaneQueues* queues : {&worker_queues_[w], &any_queue_}) {
    Queue* best = nullptr;
    for (int lane = 0; lane < lane_count; ++lane) {
      Queue& q = (*queues)[static_cast<std::size_t>(lane)];
      if (q.empty() || (lane == static_cast<int>(Lane::io) && !io_room)) continue;
      if (!best || q.begin()->first < best->begin()->first) best = &q;
    }
    if (best) return best;
  }
  return nullptr;
}

std::vector<std::pair<int, protocol::TaskMessage>> Scheduler::dispatch() {
  std::vector<std::pair<int, protocol::TaskMessage>> out;
  // Visit workers round-robin, one task at a time, so free capacity is shared evenly; only those
  // that may start something (see reconsider_).
  for (bool progress = true; progress && !reconsider_.empty();) {
    progress = false;
    const std::size_t to_visit = reconsider_.size();
    auto it = reconsider_.lower_bound(next_worker_);
    for (std::size_t visited = 0; visited < to_visit && !reconsider_.empty(); ++visited) {
      if (it == reconsider_.end()) it = reconsider_.begin();
      const std::size_t w = *it;
      Queue* queue = next_queue_for(w);
      if (!queue) {
        // Nothing to start until something changes here, or shared work arrives while it has room.
        if (in_flight_[w] < max_in_flight_ && !wants_shared_[w]) {
          wants_shared_[w] = true;
          want_shared_.push_back(w);
        }
        it = reconsider_.erase(it);
        continue;
      }
      ++it;
      const TaskKey key = queue->begin()->second;
      queue->erase(queue->begin());
      Node& n = nodes_.at(key);
      n.state = State::running;
      ++in_flight_[w];
      if (lane_of(n) == Lane::io) ++io_in_flight_[w];
      protocol::TaskMessage message{key, n.task.kernel, n.task.params, {}, n.priority};
      message.chunk = n.chunk;
      if (n.stored) {
        message.from_store = true;
        message.stored = *n.stored;
      }
      for (const TaskKey& in : n.inputs()) message.inputs.push_back({in, nodes_.at(in).holder});
      out.emplace_back(workers_[w], std::move(message));
      progress = true;
    }
    next_worker_ = (next_worker_ + 1) % workers_.size();
  }
  return out;
}

void Scheduler::finished(int rank, const protocol::Done& done) {
  Node& n = node(done.key);
  if (n.state != State::running) throw Error("task " + done.key.hex() + " reported finished twice");
  n.state = State::done;
  n.holder = rank;
  n.bytes = done.bytes;
  const std::size_t w = slot_of(rank);
  --in_flight_[w];
  if (lane_of(n) == Lane::io) --io_in_flight_[w];
  reconsider(w);
  --unfinished_;
  ++executed_;
  if (n.stored) ++loaded_;
  if (!n.ever_done) {
    n.ever_done = true;
    ++completed_;
  }
  for (const TaskKey& c : n.consumers) {
    Node& consumer = nodes_.at(c);
    if (--consumer.missing_inputs == 0) make_ready(c, consumer);
  }
  for (const TaskKey& in : n.inputs()) {
    Node& input = nodes_.at(in);
    --input.unfinished_consumers;
    release_if_unneeded(in, input);
  }
  release_if_unneeded(done.key, n);
}

void Scheduler::release_if_unneeded(const TaskKey& key, Node& n) {
  if (n.state != State::done || n.unfinished_consumers != 0 || n.references != 0) return;
  n.state = State::released;
  releases_[n.holder].push_back(key);
}

void Scheduler::retain(const TaskKey& key) { ++node(key).references; }

void Scheduler::drop(const TaskKey& key) {
  Node& n = node(key);
  if (n.references == 0) throw Error("task " + key.hex() + " dropped more often than retained");
  --n.references;
  release_if_unneeded(key, n);
}

std::map<int, std::vector<TaskKey>> Scheduler::take_releases() { return std::exchange(releases_, {}); }

bool Scheduler::done(const TaskKey& key) const {
  const auto it = nodes_.find(key);
  return it != nodes_.end() && it->second.state == State::done;
}

int Scheduler::holder(const TaskKey& key) const {
  const auto it = nodes_.find(key);
  return it == nodes_.end() ? -1 : it->second.holder;
}

}  // namespace tessera

namespace tessera {
const std::string& Scheduler::kernel_of(const TaskKey& key) const { return task_of(key).kernel; }

const Task& Scheduler::task_of(const TaskKey& key) const {
  const auto it = nodes_.find(key);
  if (it == nodes_.end()) throw Error("unknown task key " + key.hex());
  return it->second.task;
}
}  // namespace tessera
