#include "tessera/runtime/trace_file.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

namespace tessera {

namespace {

using trace::Event;
using trace::Kind;
using trace::Track;

/// Thread ids within a rank's process: one per track, in the order a trace viewer lists them.
int tid_of(Track track) { return static_cast<int>(track) + 1; }

/// A flow's id: the fetched key and the rank that asked for it, so the holder's "serve" and the
/// requester's "fetch" (which know each other's rank) compute the same one. 52 bits: JSON numbers
/// are doubles in the viewers.
std::uint64_t flow_id(const TaskKey& key, int requester) {
  std::uint64_t h = key.lo ^ (key.hi * 0x9E3779B97F4A7C15ull) ^ (static_cast<std::uint64_t>(requester + 1) * 0xC2B2AE3D27D4EB4Full);
  h ^= h >> 29;
  return h & ((1ull << 52) - 1);
}

/// Microseconds with nanosecond digits: nested events keep their exact order.
std::string micros(std::int64_t ns) { return fmt::format("{}.{:03}", ns / 1000, ns % 1000); }

std::vector<Event> events_of(const protocol::RankProfile& rank) {
  std::vector<Event> events(rank.events.size() / sizeof(Event));
  if (!events.empty()) std::memcpy(events.data(), rank.events.data(), events.size() * sizeof(Event));
  // Per thread, by start; an enclosing event (longer) before what it encloses.
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.track != b.track) return a.track < b.track;
    if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
    return a.duration_ns > b.duration_ns;
  });
  return events;
}

std::string inputs_text(const Event& e) {
  if (e.kind == Kind::store_read) return "read from the checkpoint store";
  if (e.inputs_local == 0 && e.inputs_fetched == 0) return "none";
  return fmt::format("{} held here, {} fetched from peers", e.inputs_local, e.inputs_fetched);
}

/// `quoted`: the rank's names as JSON strings, escaped once rather than per event.
void append_event(fmt::memory_buffer& out, const Event& e, int rank, const std::vector<std::string>& quoted) {
  const std::string_view name = e.name < quoted.size() ? std::string_view(quoted[e.name]) : std::string_view("\"?\"");
  fmt::format_to(std::back_inserter(out), R"(,{{"ph":"X","pid":{},"tid":{},"ts":{},"dur":{},"name":{},"cat":"{}","args":{{)",
                 rank, tid_of(e.track), micros(e.start_ns), micros(std::max<std::int64_t>(e.duration_ns, 0)), name,
                 trace::kind_name(e.kind));
  bool first = true;
  auto arg = [&](std::string_view key, const auto& value) {
    fmt::format_to(std::back_inserter(out), R"({}"{}":{})", first ? "" : ",", key, value);
    first = false;
  };
  const bool keyed = e.key != TaskKey{};
  if (keyed) arg("key", fmt::format("\"{}\"", e.key.hex()));
  switch (e.kind) {
    case Kind::task:
    case Kind::store_read:
      if (e.chunk >= 0) arg("chunk", e.chunk);
      arg("bytes_in", e.bytes_in);
      arg("bytes_out", e.bytes_out);
      arg("inputs", nlohmann::json(inputs_text(e)).dump());
      break;
    case Kind::hdf5_read:
      arg("bytes_read", e.bytes_out);
      break;
    case Kind::store_write:
      arg("bytes_written", e.bytes_out);
      break;
    case Kind::fetch_serve:
      arg("to_rank", e.peer);
      arg("bytes", e.bytes_in);
      break;
    case Kind::fetch_receive:
      arg("from_rank", e.peer);
      arg("bytes", e.bytes_in);
      break;
    case Kind::message:
      if (e.peer >= 0) arg("rank", e.peer);
      if (e.bytes_out) arg("tasks", e.bytes_out);
      break;
  }
  out.append(std::string_view("}}"));
  // Flow arrows, bound to the slices above: from the holder serving a fetch to the receiver.
  if (keyed && e.kind == Kind::fetch_serve)
    fmt::format_to(std::back_inserter(out), R"(,{{"ph":"s","pid":{},"tid":{},"ts":{},"id":{},"name":"fetch","cat":"fetch"}})",
                   rank, tid_of(e.track), micros(e.start_ns), flow_id(e.key, e.peer));
  if (keyed && e.kind == Kind::fetch_receive)
    fmt::format_to(std::back_inserter(out),
                   R"(,{{"ph":"f","bp":"e","pid":{},"tid":{},"ts":{},"id":{},"name":"fetch","cat":"fetch"}})", rank,
                   tid_of(e.track), micros(e.start_ns), flow_id(e.key, rank));
}

}  // namespace

std::string chrome_trace_json(const RunRecord& record, const nlohmann::json& job) {
  fmt::memory_buffer out;
  // Metadata first: each rank's process named by rank and host, each track's thread named.
  out.append(std::string_view(R"({"displayTimeUnit":"ms","traceEvents":[)"));
  bool first = true;
  auto meta = [&](int pid, int tid, std::string_view what, const nlohmann::json& args) {
    fmt::format_to(std::back_inserter(out), R"({}{{"ph":"M","pid":{},"tid":{},"name":"{}","args":{}}})", first ? "" : ",", pid,
                   tid, what, args.dump());
    first = false;
  };
  std::uint64_t dropped = 0;
  for (std::size_t r = 0; r < record.ranks.size(); ++r) {
    const auto& rank = record.ranks[r];
    const int pid = static_cast<int>(r);
    dropped += rank.dropped_events;
    meta(pid, 0, "process_name", {{"name", fmt::format("rank {} ({})", r, rank.host)}});
    meta(pid, 0, "process_sort_index", {{"sort_index", pid}});
    for (int t = 0; t < trace::track_count; ++t) {
      const auto track = static_cast<Track>(t);
      // Rank 0 schedules (and runs tasks itself when alone); workers have no scheduler.
      if (track == Track::scheduler && r != 0) continue;
      meta(pid, tid_of(track), "thread_name", {{"name", trace::track_name(track)}});
      meta(pid, tid_of(track), "thread_sort_index", {{"sort_index", t}});
    }
    std::vector<std::string> quoted;
    for (const std::string& name : rank.names) quoted.push_back(nlohmann::json(name).dump());
    for (const Event& e : events_of(rank)) append_event(out, e, pid, quoted);
  }
  nlohmann::json tessera;
  tessera["job"] = job;
  tessera["profile"] = record.profile.to_json();
  tessera["events_dropped"] = dropped;
  if (dropped)
    tessera["note"] = fmt::format("{} events past the per-rank limit were not kept; the profile's per-kernel totals count them",
                                  dropped);
  fmt::format_to(std::back_inserter(out), R"(],"tessera":{}}})", tessera.dump());
  out.push_back('\n');
  return fmt::to_string(out);
}

}  // namespace tessera
