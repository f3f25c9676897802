// Rank 0's scheduler at 2 to 10,000 workers, driven by a simulated cluster instead of MPI.
//
// The graph is a gram job's: per chunk a read (io lane, placed by locality), its XᵀX (compute),
// and a pairwise sum tree; the same 40,000 chunks (120,000 tasks) at every worker count, so the
// cost per task is compared on equal work. Virtual workers run what they are sent, one task at a
// time per lane, for a modelled duration; rank 0 is a single server that takes each report in
// turn, for the CPU time its Scheduler calls really take here (measured: the loop's own time
// with every duration zero, so rank 0 is all there is), plus a per-message cost given on the
// command line (the Client's handling and MPI's, which this does not simulate: bench_runtime
// measures them on real ranks).
//
//   bench_scheduler [--read-ms R] [--compute-ms C] [--message-us M] [--chunks N] [WORKERS...]
//
// JSON lines, one per worker count: rank 0's microseconds per task and the tasks/s that makes,
// the scheduler's memory per task and per worker, and the simulated run: its makespan, the ideal
// (the busier lane's work spread evenly over the workers), their ratio as the efficiency, and how busy
// rank 0 was.
#include <malloc.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/graph/graph.hpp"
#include "tessera/runtime/scheduler.hpp"

namespace {
using namespace tessera;
using Clock = std::chrono::steady_clock;

struct Model {
  double read_seconds = 0.005, compute_seconds = 0.010, sum_seconds = 0.0001, message_seconds = 0;
};

/// The gram job's graph over `chunks` chunks: read → xtx per chunk, then a pairwise sum tree.
Graph gram_graph(std::int64_t chunks) {
  Graph g;
  std::vector<TaskKey> level;
  for (std::int64_t c = 0; c < chunks; ++c) {
    Task read{"read_rows", {{"chunk", c}}, {}};
    read.locality = Locality{c, chunks};
    const TaskKey r = g.add(std::move(read));
    level.push_back(g.add(Task{"xtx", {}, {r}}));
  }
  while (level.size() > 1) {
    std::vector<TaskKey> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(g.add(Task{"sum", {}, {level[i], level[i + 1]}}));
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
  }
  return g;
}

double duration_of(const std::string& kernel, const Model& m) {
  if (kernel == "read_rows") return m.read_seconds;
  if (kernel == "xtx") return m.compute_seconds;
  return m.sum_seconds;
}

std::size_t heap_bytes() { return mallinfo2().uordblks; }

/// Ranks 1..workers, as the Client gives them to its Scheduler.
std::vector<int> worker_ranks(int workers) {
  std::vector<int> ranks(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers; ++w) ranks[static_cast<std::size_t>(w)] = w + 1;
  return ranks;
}

struct Outcome {
  double loop_seconds = 0, makespan = 0, rank0_busy = 0;
  std::array<double, lane_count> work{};  ///< modelled seconds per lane, all workers
  std::size_t tasks = 0;
};

/// Runs the graph on `workers` virtual workers. `rank0_seconds_per_report`: the time rank 0 is
/// busy per report (0 when measuring it).
Outcome simulate(const Graph& g, int workers, const Model& m, double rank0_seconds_per_report, bool zero_durations) {
  const auto lane_of = [](const std::string& kernel) { return kernel == "read_rows" ? Lane::io : Lane::compute; };
  Scheduler s(worker_ranks(workers), 128, 2, lane_of);

  struct Event {
    double time;
    int rank;
    TaskKey key;
    bool operator>(const Event& o) const { return time > o.time; }
  };
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  std::vector<std::array<double, lane_count>> lane_free(static_cast<std::size_t>(workers));
  Outcome out;
  double now = 0, rank0_free = 0;
  const auto start = Clock::now();
  for (const TaskKey& key : g.topological_order()) s.add(key, g.task(key));
  out.tasks = s.size();
  for (;;) {
    for (auto& [rank, message] : s.dispatch()) {
      const double d = zero_durations ? 0 : duration_of(message.kernel, m);
      out.work[static_cast<std::size_t>(lane_of(message.kernel))] += d;
      auto& free = lane_free[static_cast<std::size_t>(rank - 1)][static_cast<std::size_t>(lane_of(message.kernel))];
      free = std::max(now + m.message_seconds, free) + d;
      events.push({free, rank, message.key});
    }
    if (events.empty()) break;
    const Event e = events.top();
    events.pop();
    // Rank 0 takes reports one at a time: a report waits while rank 0 is busy with the last.
    now = std::max(e.time, rank0_free) + rank0_seconds_per_report;
    rank0_free = now;
    out.rank0_busy += rank0_seconds_per_report;
    s.finished(e.rank, protocol::Done{e.key, 8, 0, false});
    s.take_releases();
  }
  out.loop_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.makespan = now;
  return out;
}
}  // namespace

int main(int argc, char** argv) {
  Model model;
  std::vector<int> worker_counts;
  std::int64_t chunks = 40'000;
  for (int i = 1; i < argc; ++i) {
    const auto value = [&] { return i + 1 < argc ? std::atof(argv[++i]) : 0.0; };
    if (std::strcmp(argv[i], "--read-ms") == 0) model.read_seconds = value() * 1e-3;
    else if (std::strcmp(argv[i], "--compute-ms") == 0) model.compute_seconds = value() * 1e-3;
    else if (std::strcmp(argv[i], "--message-us") == 0) model.message_seconds = value() * 1e-6;
    else if (std::strcmp(argv[i], "--chunks") == 0) chunks = static_cast<std::int64_t>(value());
    else worker_counts.push_back(std::atoi(argv[i]));
  }
  if (worker_counts.empty()) worker_counts = {2, 64, 1024, 10000};
  const Graph graph = gram_graph(chunks);
  for (const int workers : worker_counts) {
    // Memory: a scheduler with no tasks (per worker), then the graph added (per task).
    std::size_t per_worker = 0, per_task = 0;
    {
      std::vector<int> ranks = worker_ranks(workers);
      const std::size_t before = heap_bytes();
      Scheduler s(std::move(ranks), 128);
      const std::size_t empty = heap_bytes();
      for (const TaskKey& key : graph.topological_order()) s.add(key, graph.task(key));
      per_worker = (empty - before) / static_cast<std::size_t>(workers);
      per_task = (heap_bytes() - empty) / s.size();
    }
    // Rank 0's cost per task: the whole loop with every duration zero, best of 3.
    double loop = 1e300;
    std::size_t tasks = 0;
    for (int r = 0; r < 3; ++r) {
      const Outcome o = simulate(graph, workers, model, 0, true);
      loop = std::min(loop, o.loop_seconds);
      tasks = o.tasks;
    }
    const double per_task_seconds = loop / static_cast<double>(tasks);
    // The run with the modelled durations, rank 0 busy that long per report plus the message cost.
    const Outcome run = simulate(graph, workers, model, per_task_seconds + model.message_seconds, false);
    // Ideal: the busier lane's work spread evenly over the workers (the lanes run side by side).
    const double ideal = *std::max_element(run.work.begin(), run.work.end()) / static_cast<double>(workers);
    std::cout << nlohmann::json{{"bench", "scheduler_simulated"},
                                {"workers", workers},
                                {"tasks", tasks},
                                {"chunks", chunks},
                                {"rank0_us_per_task", per_task_seconds * 1e6},
                                {"rank0_tasks_per_second", 1 / per_task_seconds},
                                {"scheduler_bytes_per_task", per_task},
                                {"scheduler_bytes_per_worker", per_worker},
                                {"read_ms", model.read_seconds * 1e3},
                                {"compute_ms", model.compute_seconds * 1e3},
                                {"message_us", model.message_seconds * 1e6},
                                {"simulated_seconds", run.makespan},
                                {"ideal_seconds", ideal},
                                {"efficiency", ideal / run.makespan},
                                {"rank0_busy_fraction", run.rank0_busy / run.makespan}}
                     .dump()
              << std::endl;
  }
}
