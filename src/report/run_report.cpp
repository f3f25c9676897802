#include "tessera/report/run_report.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace tessera::report {

namespace {

/// Bins of the utilisation curve.
constexpr int utilisation_bins = 120;

std::string seconds_text(double s) { return fmt::format("{:.3f}", s); }
std::string megabytes_text(double bytes) { return fmt::format("{:.1f}", bytes / 1e6); }
std::string percent_text(double f) { return fmt::format("{:.0f}%", 100 * f); }

struct Slice {
  int pid = 0, tid = 0;
  double start = 0, end = 0;  // seconds
  std::string name, category;
};

/// The complete events of the trace, and its thread names.
struct Stream {
  std::vector<Slice> slices;
  std::map<std::pair<int, int>, std::string> thread_names;
  std::map<int, std::string> process_names;
  double end = 0;
};

Stream read_stream(const nlohmann::json& trace) {
  Stream s;
  for (const auto& e : trace.at("traceEvents")) {
    const std::string ph = e.value("ph", "");
    const int pid = e.value("pid", 0), tid = e.value("tid", 0);
    if (ph == "M") {
      if (e.value("name", "") == "thread_name") s.thread_names[{pid, tid}] = e.at("args").value("name", "");
      if (e.value("name", "") == "process_name") s.process_names[pid] = e.at("args").value("name", "");
      continue;
    }
    if (ph != "X") continue;
    Slice slice{pid, tid, e.value("ts", 0.0) * 1e-6, 0, e.value("name", ""), e.value("cat", "")};
    slice.end = slice.start + e.value("dur", 0.0) * 1e-6;
    s.end = std::max(s.end, slice.end);
    s.slices.push_back(std::move(slice));
  }
  return s;
}

/// The task stream shows work: tasks and stored-result reads on the lanes, stored-result writes,
/// fetches on the comm threads. (Nested HDF5 reads would only repeat their read tasks.)
bool in_stream(const Slice& s) {
  return s.category == "task" || s.category == "store read" || s.category == "store write" || s.category == "fetch" ||
         s.category == "fetch serve";
}

}  // namespace

Section run_summary_section(const nlohmann::json& trace) {
  const auto& tessera = trace.at("tessera");
  const auto& profile = tessera.at("profile");
  Section section{"The run", "", {}};
  const double wall = profile.at("wall_seconds").get<double>();
  const double critical = profile.at("critical_path_seconds").get<double>();
  section.intro = fmt::format(
      "Wall time {:.3f} s on {} rank(s); {} tasks run, {} read from the checkpoint store; the data read {:.2f} times from HDF5 "
      "(chunk reads ÷ chunks). "
      "The critical path (the longest chain of dependent tasks, by their run times) is {:.3f} s, {:.0f}% of the wall time.",
      wall, profile.at("ranks").size(), profile.at("tasks").get<std::uint64_t>(),
      profile.at("tasks_from_store").get<std::uint64_t>(), profile.at("passes").get<double>(), critical,
      wall > 0 ? 100 * critical / wall : 0.0);
  if (tessera.value("events_dropped", 0) > 0) section.intro += " " + tessera.value("note", std::string());
  Table ranks{{"rank", "host", "tasks", "scheduler", "comm", "compute", "io", "store", "HDF5 read MB", "fetched MB", "sent MB",
               "peak memory MB"},
              {}};
  for (const auto& r : profile.at("ranks")) {
    const auto& busy = r.at("busy_fraction");
    ranks.rows.push_back({std::to_string(r.at("rank").get<int>()), r.at("host").get<std::string>(),
                          std::to_string(r.at("tasks").get<std::uint64_t>() + r.at("tasks_from_store").get<std::uint64_t>()),
                          percent_text(busy.at("scheduler")), percent_text(busy.at("comm")), percent_text(busy.at("compute")),
                          percent_text(busy.at("io")), percent_text(busy.at("store")),
                          megabytes_text(r.at("hdf5_bytes_read").get<double>()), megabytes_text(r.at("bytes_fetched").get<double>()),
                          megabytes_text(r.at("bytes_sent").get<double>()), megabytes_text(r.at("peak_memory_bytes").get<double>())});
  }
  section.blocks.push_back(html_table(ranks));
  Table kernels{{"kernel", "tasks", "total s", "max s", "share of task time"}, {}};
  double total = 0;
  for (const auto& k : profile.at("kernels")) total += k.at("total_seconds").get<double>();
  for (const auto& k : profile.at("kernels")) {
    const double t = k.at("total_seconds").get<double>();
    kernels.rows.push_back({k.at("kernel").get<std::string>(), std::to_string(k.at("tasks").get<std::uint64_t>()),
                            seconds_text(t), fmt::format("{:.4f}", k.at("max_seconds").get<double>()),
                            percent_text(total > 0 ? t / total : 0)});
  }
  section.blocks.push_back(html_table(kernels));
  return section;
}

Section timeline_section(const nlohmann::json& trace) {
  const Stream stream = read_stream(trace);
  Section section{"Task stream", "", {}};
  // Rows: every (rank, thread) with work, in rank then thread order.
  std::map<std::pair<int, int>, int> row_of;
  for (const Slice& s : stream.slices)
    if (in_stream(s)) row_of.emplace(std::pair{s.pid, s.tid}, 0);
  Timeline timeline{"Tasks on each rank and thread over time", "time since the start (s)", "rank, thread", {}, {}, {}, 0.0};
  for (auto& [key, row] : row_of) {
    row = static_cast<int>(timeline.rows.size());
    const auto name = stream.thread_names.find(key);
    timeline.rows.push_back(fmt::format("rank {} {}", key.first, name == stream.thread_names.end() ? "?" : name->second));
  }
  // Colours by kernel, the most used first (the legend then names what matters).
  std::map<std::string, double> time_of;
  for (const Slice& s : stream.slices)
    if (in_stream(s)) time_of[s.name] += s.end - s.start;
  std::vector<std::pair<double, std::string>> by_time;
  for (const auto& [name, t] : time_of) by_time.emplace_back(-t, name);
  std::sort(by_time.begin(), by_time.end());
  std::map<std::string, int> colour_of;
  for (const auto& [t, name] : by_time) {
    colour_of[name] = static_cast<int>(timeline.legend.size());
    timeline.legend.push_back(name);
  }
  std::size_t events = 0;
  for (const Slice& s : stream.slices) {
    if (!in_stream(s)) continue;
    ++events;
    timeline.spans.push_back({row_of.at({s.pid, s.tid}), s.start, s.end, colour_of.at(s.name),
                              fmt::format("{} on rank {}: {:.3f} ms", s.name, s.pid, 1e3 * (s.end - s.start))});
  }
  section.intro = fmt::format(
      "{} events over {:.3f} s. Open the trace file in Perfetto (ui.perfetto.dev) or chrome://tracing for every event "
      "with its key, chunk, bytes and where its inputs came from.",
      events, stream.end);
  if (timeline.rows.empty()) {
    timeline.rows.push_back("no events");
    timeline.legend.push_back("none");
  }
  section.blocks.push_back(svg(timeline));

  // Utilisation: per rank, the share of its compute lane busy in each time bin.
  const double width = stream.end > 0 ? stream.end / utilisation_bins : 1;
  std::map<int, std::vector<double>> busy;
  for (const Slice& s : stream.slices) {
    if (s.category != "task" && s.category != "store read") continue;
    const auto name = stream.thread_names.find({s.pid, s.tid});
    if (name == stream.thread_names.end() || name->second != "compute") continue;
    auto& bins = busy[s.pid];
    bins.resize(utilisation_bins, 0);
    for (int b = std::max(0, static_cast<int>(s.start / width)); b < utilisation_bins && b * width < s.end; ++b) {
      const double overlap = std::min(s.end, (b + 1) * width) - std::max(s.start, b * width);
      if (overlap > 0) bins[static_cast<std::size_t>(b)] += overlap / width;
    }
  }
  LineChart utilisation{"Compute lane utilisation over time", {"time since the start (s)"}, {"fraction of time busy"}, {}};
  for (const auto& [rank, bins] : busy) {
    Series s{fmt::format("rank {}", rank), {}, {}, {}};
    for (int b = 0; b < utilisation_bins; ++b) {
      s.x.push_back((b + 0.5) * width);
      s.y.push_back(std::min(1.0, bins[static_cast<std::size_t>(b)]));
    }
    s.points = false;
    utilisation.series.push_back(std::move(s));
  }
  section.blocks.push_back(svg(utilisation));
  return section;
}

}  // namespace tessera::report
