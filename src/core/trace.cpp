#include "tessera/core/trace.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <thread>

namespace tessera::trace {

namespace {
thread_local Track this_thread_track = Track::scheduler;
/// Spans open on this thread: only the outermost adds busy time (an HDF5 read inside a read task
/// is not twice the work).
thread_local std::array<int, track_count> open_spans{};
}  // namespace

const char* track_name(Track track) {
  switch (track) {
    case Track::scheduler: return "scheduler";
    case Track::comm: return "comm";
    case Track::compute: return "compute";
    case Track::io: return "io";
    case Track::store: return "store";
  }
  return "?";
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::task: return "task";
    case Kind::hdf5_read: return "hdf5";
    case Kind::store_read: return "store read";
    case Kind::store_write: return "store write";
    case Kind::fetch_serve: return "fetch serve";
    case Kind::fetch_receive: return "fetch";
    case Kind::message: return "message";
  }
  return "?";
}

Recorder& Recorder::instance() {
  static Recorder recorder;
  return recorder;
}

void Recorder::set_epoch() {
  epoch_ = std::chrono::steady_clock::now();
  for (auto& b : busy_ns_) b.store(0, std::memory_order_relaxed);
}

void Recorder::start(std::size_t capacity) {
  on_.store(false, std::memory_order_relaxed);
  // Its own mapping, not the heap's: the pages are touched only as events fill them.
  if (events_) munmap(events_, std::max<std::size_t>(capacity_, 1) * sizeof(Event));
  const std::size_t bytes = std::max<std::size_t>(capacity, 1) * sizeof(Event);
  void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  // Huge pages where the system allows them: a page fault per 32,768 events rather than per 64
  // (a first touch costs about 12 us per 4 KiB page on the project's VM: 190 ns per event).
  madvise(memory, bytes, MADV_HUGEPAGE);
  // The first pages are touched now, before the job's clock starts: a page first touched while the
  // job runs stalls the thread that records there, and on the project's VM a short latency-bound
  // job (2,000 dependent tasks, 640 KB of events) ran 2x slower for it. 4 MiB (65,536 events)
  // covers such jobs; a longer trace touches the rest as it fills, its stalls spread over a longer
  // run, and memory is committed only for events a rank keeps.
  constexpr std::size_t touched_at_start = std::size_t{4} << 20;
  for (std::size_t at = 0; at < std::min(bytes, touched_at_start); at += 4096) static_cast<volatile char*>(memory)[at] = 0;
  events_ = static_cast<Event*>(memory);
  capacity_ = capacity;
  reserved_.store(0);
  written_.store(0);
  set_epoch();
  on_.store(true, std::memory_order_release);
}

std::int64_t Recorder::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - epoch_).count();
}

void Recorder::record(const Event& event) {
  const std::uint64_t slot = reserved_.fetch_add(1, std::memory_order_relaxed);
  if (slot >= capacity_) return;  // counted as dropped: reserved_ - capacity_
  events_[slot] = event;
  written_.fetch_add(1, std::memory_order_release);
}

std::uint16_t Recorder::name_id(std::string_view name) {
  std::lock_guard lock(names_mutex_);
  const auto it = name_ids_.find(std::string(name));
  if (it != name_ids_.end()) return it->second;
  const auto id = static_cast<std::uint16_t>(std::min<std::size_t>(names_.size(), 0xFFFF));
  if (names_.size() < 0xFFFF) {
    names_.emplace_back(name);
    name_ids_.emplace(std::string(name), id);
  }
  return id;
}

namespace {
/// Lookups by string_view without building a string.
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
}  // namespace

std::uint16_t Recorder::cached_name_id(std::string_view name) {
  // A thread mostly names the same thing again (a lane running one kernel's tasks in a row): a
  // comparison of a few bytes before a hash of the whole name.
  thread_local std::string last_name;
  thread_local std::uint16_t last_id = 0;
  if (name == last_name && !last_name.empty()) return last_id;
  thread_local std::unordered_map<std::string, std::uint16_t, NameHash, std::equal_to<>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(std::string(name), name_id(name)).first;
  last_name = it->first;
  last_id = it->second;
  return last_id;
}

void Recorder::set_thread_track(Track track) { this_thread_track = track; }
Track Recorder::thread_track() { return this_thread_track; }

Recorder::Snapshot Recorder::snapshot() {
  Snapshot s;
  const std::uint64_t reserved = reserved_.load(std::memory_order_relaxed);
  const std::uint64_t kept = std::min<std::uint64_t>(reserved, capacity_);
  // A thread that took a slot may still be writing it: wait for it (microseconds; the job is over,
  // so a slot never written would be a thread stuck inside a span — then take what is written).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  while (written_.load(std::memory_order_acquire) < kept && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  if (events_) s.events.assign(events_, events_ + std::min<std::uint64_t>(kept, written_.load(std::memory_order_acquire)));
  s.dropped = reserved - kept;
  {
    std::lock_guard lock(names_mutex_);
    s.names = names_;
  }
  s.seconds = static_cast<double>(now_ns()) * 1e-9;
  for (int t = 0; t < track_count; ++t) s.busy_seconds[t] = static_cast<double>(busy_ns_[t].load()) * 1e-9;
  s.hdf5_bytes_read = hdf5_bytes_.load();
  s.bytes_fetched = fetched_bytes_.load();
  s.bytes_sent = sent_bytes_.load();
  return s;
}

Span::Span(Kind kind, std::string_view name) : Span(Recorder::thread_track(), kind, name) {}

Span::Span(Track track, Kind kind, std::string_view name) : recorder_(Recorder::instance()), enclosing_(this_thread_track) {
  this_thread_track = track;
  ++open_spans[static_cast<int>(track)];
  event.track = track;
  event.kind = kind;
  if (recorder_.on()) event.name = recorder_.cached_name_id(name);
  event.start_ns = recorder_.now_ns();
}

Span::~Span() {
  event.duration_ns = recorder_.now_ns() - event.start_ns;
  if (--open_spans[static_cast<int>(event.track)] == 0) recorder_.add_busy(event.track, event.duration_ns);
  if (recorder_.on()) recorder_.record(event);
  this_thread_track = enclosing_;
}

}  // namespace tessera::trace
