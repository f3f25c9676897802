// The trace recorder and the Chrome trace JSON it becomes: capacity, busy time, nesting, flows.
#include <gtest/gtest.h>

#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

#include "tessera/core/trace.hpp"
#include "tessera/runtime/trace_file.hpp"

namespace tessera {
namespace {

using trace::Kind;
using trace::Recorder;
using trace::Span;
using trace::Track;

void busy_wait(std::chrono::microseconds d) {
  const auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) {
  }
}

TEST(TraceRecorder, KeepsEventsUpToItsCapacityAndCountsTheRest) {
  Recorder& r = Recorder::instance();
  r.start(5);
  for (int i = 0; i < 8; ++i) Span span(Track::compute, Kind::task, "noop");
  const auto s = r.snapshot();
  EXPECT_EQ(s.events.size(), 5u);
  EXPECT_EQ(s.dropped, 3u);
  for (const auto& e : s.events) {
    EXPECT_EQ(s.names.at(e.name), "noop");
    EXPECT_EQ(e.track, Track::compute);
    EXPECT_GE(e.duration_ns, 0);
  }
}

TEST(TraceRecorder, NestedSpansShareTheTrackAndCountBusyTimeOnce) {
  Recorder& r = Recorder::instance();
  r.start(100);
  {
    Span task(Track::io, Kind::task, "read_rows");
    busy_wait(std::chrono::microseconds(2000));
    Span read(Kind::hdf5_read, "H5Dread");  // no track given: the enclosing span's
    busy_wait(std::chrono::microseconds(2000));
  }
  const auto s = r.snapshot();
  ASSERT_EQ(s.events.size(), 2u);
  const auto& inner = s.events[0];  // finished first
  const auto& outer = s.events[1];
  EXPECT_EQ(inner.track, Track::io);
  EXPECT_EQ(inner.kind, Kind::hdf5_read);
  EXPECT_GE(inner.start_ns, outer.start_ns);
  EXPECT_LE(inner.start_ns + inner.duration_ns, outer.start_ns + outer.duration_ns);
  const double io = s.busy_seconds[static_cast<int>(Track::io)];
  EXPECT_NEAR(io, static_cast<double>(outer.duration_ns) * 1e-9, 1e-9) << "the outer span only";
  EXPECT_EQ(Recorder::thread_track(), Track::scheduler) << "the thread's track is restored";
}

TEST(TraceRecorder, OffItKeepsBusyTimeButNoEvents) {
  Recorder& r = Recorder::instance();
  r.start(0);  // capacity 0: everything dropped
  { Span span(Track::comm, Kind::message, "tasks"); }
  const auto s = r.snapshot();
  EXPECT_TRUE(s.events.empty());
  EXPECT_GT(s.busy_seconds[static_cast<int>(Track::comm)], 0);
}

TEST(TraceFile, EventsNestPerThreadAndFetchesBecomeArrows) {
  auto event = [](Track track, Kind kind, std::int64_t start, std::int64_t duration, std::uint16_t name) {
    trace::Event e;
    e.track = track;
    e.kind = kind;
    e.start_ns = start;
    e.duration_ns = duration;
    e.name = name;
    return e;
  };
  auto bytes_of = [](std::vector<trace::Event> events) {
    std::vector<char> out(events.size() * sizeof(trace::Event));
    std::memcpy(out.data(), events.data(), out.size());
    return out;
  };
  TaskKey key{1, 2};
  RunRecord record;
  record.ranks.resize(3);
  for (auto& r : record.ranks) r.host = "node";
  // Rank 1 serves a fetch of `key` to rank 2; rank 2 receives it. Rank 1's read holds an HDF5 read.
  auto serve = event(Track::comm, Kind::fetch_serve, 1000, 500, 0);
  serve.key = key;
  serve.peer = 2;
  auto receive = event(Track::comm, Kind::fetch_receive, 2000, 300, 0);
  receive.key = key;
  receive.peer = 1;
  auto inner = event(Track::io, Kind::hdf5_read, 150, 50, 1);  // recorded first, as it finishes first
  auto outer = event(Track::io, Kind::task, 100, 400, 2);
  outer.chunk = 7;
  record.ranks[1].names = {"serve fetch", "H5Dread", "read_rows"};
  record.ranks[1].events = bytes_of({serve, inner, outer});
  record.ranks[2].names = {"fetch"};
  record.ranks[2].events = bytes_of({receive});
  const auto json = nlohmann::json::parse(chrome_trace_json(record, {{"type", "gram"}}));
  std::vector<nlohmann::json> io, flows;
  for (const auto& e : json.at("traceEvents")) {
    if (e.at("ph") == "X" && e.at("pid") == 1 && e.at("tid") == static_cast<int>(Track::io) + 1) io.push_back(e);
    if (e.at("ph") == "s" || e.at("ph") == "f") flows.push_back(e);
  }
  ASSERT_EQ(io.size(), 2u);
  EXPECT_EQ(io[0].at("name"), "read_rows") << "the enclosing event first";
  EXPECT_EQ(io[0].at("args").at("chunk"), 7);
  EXPECT_EQ(io[1].at("name"), "H5Dread");
  EXPECT_EQ(io[0].at("ts").get<double>(), 0.1);
  EXPECT_EQ(io[0].at("dur").get<double>(), 0.4);
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0].at("id"), flows[1].at("id"));
  EXPECT_EQ(flows[0].at("pid"), 1);
  EXPECT_EQ(flows[1].at("pid"), 2);
  EXPECT_EQ(json.at("tessera").at("job").at("type"), "gram");
}

}  // namespace
}  // namespace tessera
