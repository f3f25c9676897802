#include "tessera/runtime/profile.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

namespace tessera {

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

double megabytes(std::uint64_t bytes) { return static_cast<double>(bytes) / 1e6; }

}  // namespace

protocol::RankProfile this_rank_profile() {
  auto snapshot = trace::Recorder::instance().snapshot();
  protocol::RankProfile p;
  p.host = host_name();
  p.seconds = snapshot.seconds;
  p.busy_seconds.assign(snapshot.busy_seconds.begin(), snapshot.busy_seconds.end());
  p.hdf5_bytes_read = snapshot.hdf5_bytes_read;
  p.bytes_fetched = snapshot.bytes_fetched;
  p.bytes_sent = snapshot.bytes_sent;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  p.peak_memory_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
  p.dropped_events = snapshot.dropped;
  p.names = std::move(snapshot.names);
  p.events.resize(snapshot.events.size() * sizeof(trace::Event));
  if (!snapshot.events.empty()) std::memcpy(p.events.data(), snapshot.events.data(), p.events.size());
  return p;
}

nlohmann::json JobProfile::to_json() const {
  nlohmann::json j;
  j["wall_seconds"] = wall_seconds;
  j["critical_path_seconds"] = critical_path_seconds;
  j["passes"] = passes;
  j["tasks"] = tasks;
  j["tasks_from_store"] = tasks_from_store;
  j["ranks"] = nlohmann::json::array();
  for (const auto& r : ranks) {
    nlohmann::json busy;
    for (int t = 0; t < trace::track_count; ++t)
      busy[trace::track_name(static_cast<trace::Track>(t))] = r.seconds > 0 ? r.busy_seconds[t] / r.seconds : 0.0;
    j["ranks"].push_back({{"rank", r.rank},
                          {"host", r.host},
                          {"seconds", r.seconds},
                          {"busy_fraction", busy},
                          {"tasks", r.tasks},
                          {"tasks_from_store", r.tasks_loaded},
                          {"hdf5_bytes_read", r.hdf5_bytes_read},
                          {"bytes_fetched", r.bytes_fetched},
                          {"bytes_sent", r.bytes_sent},
                          {"peak_memory_bytes", r.peak_memory_bytes},
                          {"trace_events", r.events},
                          {"trace_events_dropped", r.dropped_events}});
  }
  j["kernels"] = nlohmann::json::array();
  for (const auto& k : kernels)
    j["kernels"].push_back(
        {{"kernel", k.name}, {"tasks", k.tasks}, {"total_seconds", k.total_seconds}, {"max_seconds", k.max_seconds}});
  return j;
}

std::vector<std::string> JobProfile::to_lines() const {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("profile: wall {:.3f} s, critical path {:.3f} s ({:.0f}% of wall); {} tasks, {} from the "
                              "store; the data read {:.2f} times from HDF5",
                              wall_seconds, critical_path_seconds,
                              wall_seconds > 0 ? 100 * critical_path_seconds / wall_seconds : 0.0, tasks, tasks_from_store,
                              passes));
  lines.push_back(fmt::format("  {:>4} {:<16} {:>8} {:>6} {:>6} {:>7} {:>6} {:>6} {:>10} {:>10} {:>10} {:>9}", "rank", "host",
                              "tasks", "sched", "comm", "compute", "io", "store", "read MB", "fetched MB", "sent MB",
                              "peak MB"));
  for (const auto& r : ranks) {
    auto busy = [&](trace::Track t) {
      const double f = r.seconds > 0 ? r.busy_seconds[static_cast<int>(t)] / r.seconds : 0.0;
      return fmt::format("{:.0f}%", 100 * f);
    };
    lines.push_back(fmt::format("  {:>4} {:<16} {:>8} {:>6} {:>6} {:>7} {:>6} {:>6} {:>10.1f} {:>10.1f} {:>10.1f} {:>9.1f}",
                                r.rank, r.host.substr(0, 16), r.tasks + r.tasks_loaded, busy(trace::Track::scheduler),
                                busy(trace::Track::comm), busy(trace::Track::compute), busy(trace::Track::io),
                                busy(trace::Track::store), megabytes(r.hdf5_bytes_read), megabytes(r.bytes_fetched),
                                megabytes(r.bytes_sent), megabytes(r.peak_memory_bytes)));
  }
  lines.push_back(fmt::format("  {:<22} {:>9} {:>11} {:>10}", "kernel", "tasks", "total s", "max s"));
  for (const auto& k : kernels)
    lines.push_back(fmt::format("  {:<22} {:>9} {:>11.3f} {:>10.4f}", k.name, k.tasks, k.total_seconds, k.max_seconds));
  return lines;
}

}  // namespace tessera
