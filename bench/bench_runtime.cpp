// Scheduler benchmarks on the real runtime (run under mpiexec; rank 0 prints JSON lines):
//   noop_throughput  independent no-op tasks per second
//   tree_sum         a pairwise sum tree over 16,384 leaves
//   chain            2,000 dependent tasks, one after another (per-task latency)
// With --trace every rank keeps trace events, as `tessera run --trace` does, and the cost of
// gathering them and writing the JSON is reported as trace_write.
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/tasks.hpp"
#include "tessera/runtime/cluster.hpp"
#include "tessera/runtime/memory.hpp"
#include "tessera/runtime/trace_file.hpp"
#include "tessera/core/trace.hpp"
#include <cstring>

namespace {
using namespace tessera;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void emit(const std::string& name, int ranks, int workers, std::int64_t tasks, double seconds) {
  nlohmann::json line{{"bench", name},        {"ranks", ranks},     {"workers", workers},
                      {"tasks", tasks},       {"seconds", seconds}, {"tasks_per_second", static_cast<double>(tasks) / seconds},
                      {"ms_per_task", 1e3 * seconds / static_cast<double>(tasks)}};
  std::cout << line.dump() << std::endl;
}

void noop_throughput(Client& client, int ranks, std::int64_t n) {
  const auto start = Clock::now();
  std::vector<Future> all;
  all.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) all.push_back(client.submit(Task{"noop", {{"i", i}}, {}}));
  client.wait(all);
  emit("noop_throughput", ranks, client.workers(), n, since(start));
}

void tree_sum(Client& client, int ranks, std::int64_t leaves) {
  const auto start = Clock::now();
  Graph g;
  std::vector<TaskKey> keys;
  for (std::int64_t i = 0; i < leaves; ++i) keys.push_back(g.add(Task{"leaf", {{"i", i}}, {}}));
  const TaskKey root = reduce<Sum>(g, keys);
  auto futures = client.submit(g, {root});
  const double total = (*client.gather(futures[0]))[0](0, 0);
  if (total != static_cast<double>(leaves) * static_cast<double>(leaves - 1) / 2) throw std::runtime_error("tree_sum: wrong total");
  emit("tree_sum", ranks, client.workers(), static_cast<std::int64_t>(g.size()), since(start));
}

void chain(Client& client, int ranks, std::int64_t length) {
  const auto start = Clock::now();
  Future x = client.submit(Task{"leaf", {{"i", std::int64_t{0}}}, {}});
  for (std::int64_t i = 1; i < length; ++i) x = client.submit(Task{"add_one", {}, {x.key()}});
  if ((*client.gather(x))[0](0, 0) != static_cast<double>(length - 1)) throw std::runtime_error("chain: wrong value");
  emit("chain", ranks, client.workers(), length, since(start));
}
}  // namespace

int main(int argc, char** argv) {
  tessera::keep_freed_memory_for_reuse();
  boost::mpi::environment env(argc, argv, boost::mpi::threading::funneled);
  boost::mpi::communicator world;
  KernelRegistry kernels;
  register_builtin_kernels(kernels);
  kernels.add("noop", [](const KernelContext&) { return Value{}; });
  kernels.add("leaf", [](const KernelContext& c) {
    return Value::of(Eigen::MatrixXd::Constant(1, 1, static_cast<double>(c.params.integer("i"))));
  });
  kernels.add("add_one", [](const KernelContext& c) { return Value::of((c.input(0)[0].array() + 1.0).matrix()); });
  // bench_runtime [--trace] [--only noop_throughput|tree_sum|chain]
  bool traced = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--trace") == 0) traced = true;
    else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
  }
  const auto wanted = [&](const char* name) { return only.empty() || only == name; };
  world.barrier();
  if (traced) trace::Recorder::instance().start(1'000'000);
  return run_cluster(world, kernels, [&](Client& client) {
    if (wanted("noop_throughput")) noop_throughput(client, world.size(), 100000);
    if (wanted("tree_sum")) tree_sum(client, world.size(), 16384);
    if (wanted("chain")) chain(client, world.size(), 2000);
    if (traced) {
      const auto start = Clock::now();
      const RunRecord record = client.profile(0);
      const std::string document = chrome_trace_json(record, nlohmann::json::object());
      std::uint64_t events = 0;
      for (const auto& rank : record.ranks) events += rank.events.size() / sizeof(trace::Event);
      std::cout << nlohmann::json{{"bench", "trace_write"}, {"ranks", world.size()}, {"workers", client.workers()},
                                  {"events", events}, {"json_bytes", document.size()}, {"seconds", since(start)}}
                       .dump()
                << std::endl;
      // What one event costs the thread that records it: a million spans, back to back, kept in a
      // fresh buffer (its pages touched for the first time), past a full one (only counted), and
      // with the trace off (a span's own cost: two clock reads and the busy time, always paid).
      // The trace's cost per event is the first less the last.
      auto cost = [](std::size_t capacity, bool keep_events) {
        trace::Recorder::instance().start(capacity);
        if (!keep_events) trace::Recorder::instance().stop();
        const auto spans = Clock::now();
        for (int i = 0; i < 1'000'000; ++i) trace::Span span(trace::Track::compute, trace::Kind::task, "noop");
        return since(spans) / 1e6;
      };
      const double kept = cost(1'000'000, true), counted = cost(1, true), untraced = cost(1, false);
      std::cout << nlohmann::json{{"bench", "trace_event_cost"},
                                  {"events", 1'000'000},
                                  {"seconds", kept * 1e6},
                                  {"ns_per_event", kept * 1e9},
                                  {"ns_per_event_not_kept", counted * 1e9},
                                  {"ns_per_span_untraced", untraced * 1e9},
                                  {"bytes_per_event", sizeof(trace::Event)}}
                       .dump()
                << std::endl;
    }
    return 0;
  });
}
