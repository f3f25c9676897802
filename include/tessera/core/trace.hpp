#pragma once
/// @file
/// What one rank did, as it happens: a complete event per task, HDF5 read, stored-result write and
/// message handled, in a fixed-size buffer (64 bytes per event, taken in well under a microsecond),
/// and the busy time of each of the rank's threads ("tracks"), which the end-of-job profile reports.
///
/// One recorder per process (an MPI rank is a process). Busy times and counters are always kept;
/// events only after start(). Past the buffer's capacity events are counted, not kept: the
/// profile's per-kernel totals (from rank 0's reports) stay complete, and the trace says how many
/// events it lacks.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "tessera/core/task_key.hpp"

namespace tessera::trace {

/// A rank's threads as a trace shows them: rank 0's scheduler, and each worker's comm, compute, io
/// lanes and checkpoint writer.
enum class Track : std::uint8_t { scheduler = 0, comm, compute, io, store };
inline constexpr int track_count = 5;
const char* track_name(Track track);

enum class Kind : std::uint8_t {
  task = 0,       ///< a kernel run
  hdf5_read,      ///< an H5Dread inside a task
  store_read,     ///< a task whose result was read from the checkpoint store
  store_write,    ///< a group commit of results to the checkpoint store
  fetch_serve,    ///< a holder answering a peer's fetch (a flow arrow starts here)
  fetch_receive,  ///< a fetched input arriving (the arrow ends here)
  message,        ///< any other message handled, or a round of the scheduler
};
const char* kind_name(Kind kind);

/// One complete event. 64 bytes, so a million events cost 64 MB.
struct Event {
  std::int64_t start_ns = 0;     ///< since the job's common epoch (all ranks leave a barrier at it)
  std::int64_t duration_ns = 0;
  TaskKey key;                   ///< the task (or the fetched result); zero for other events
  std::uint64_t bytes_in = 0;    ///< inputs' bytes (fetch: the bytes sent or received)
  std::uint64_t bytes_out = 0;   ///< result's bytes (hdf5_read: bytes read; message: tasks it carried)
  std::int32_t chunk = -1;       ///< the task's chunk index, -1 if it has none
  std::int16_t peer = -1;        ///< fetch: the other rank
  std::uint16_t name = 0;        ///< index into the recorder's names (the kernel's, or the message's)
  Track track = Track::scheduler;
  Kind kind = Kind::task;
  std::uint8_t inputs_local = 0;   ///< inputs this rank held already (at most 255 counted)
  std::uint8_t inputs_fetched = 0; ///< inputs fetched from peers
};
static_assert(sizeof(Event) <= 64, "a trace event must stay within 64 bytes");
static_assert(std::is_trivially_copyable_v<Event>, "events are copied as bytes between ranks");

class Recorder {
 public:
  static Recorder& instance();

  /// Starts keeping events, at most `capacity` of them; the epoch is now. Busy times restart too.
  void start(std::size_t capacity);
  /// Stops keeping events (those kept stay, for snapshot()); spans then only add busy time.
  void stop() { on_.store(false, std::memory_order_relaxed); }
  /// Only the epoch (busy times and counters are kept without a trace).
  void set_epoch();
  bool on() const { return on_.load(std::memory_order_relaxed); }
  std::int64_t now_ns() const;

  void record(const Event& event);
  /// Adds to a track's busy time (every Span does, trace or not).
  void add_busy(Track track, std::int64_t ns) { busy_ns_[static_cast<int>(track)].fetch_add(ns, std::memory_order_relaxed); }
  /// A name's index in names() (kernels, messages); stable for the process.
  std::uint16_t name_id(std::string_view name);
  /// The same, looked up in this thread's cache first.
  std::uint16_t cached_name_id(std::string_view name);

  /// This thread's track (set once by whoever starts the thread).
  static void set_thread_track(Track track);
  static Track thread_track();

  // Counters for the profile.
  void count_hdf5_read(std::uint64_t bytes) { hdf5_bytes_.fetch_add(bytes, std::memory_order_relaxed); }
  void count_fetched(std::uint64_t bytes) { fetched_bytes_.fetch_add(bytes, std::memory_order_relaxed); }
  void count_sent(std::uint64_t bytes) { sent_bytes_.fetch_add(bytes, std::memory_order_relaxed); }

  struct Snapshot {
    std::vector<Event> events;
    std::vector<std::string> names;
    std::uint64_t dropped = 0;
    double seconds = 0;  ///< since the epoch
    std::array<double, track_count> busy_seconds{};
    std::uint64_t hdf5_bytes_read = 0, bytes_fetched = 0, bytes_sent = 0;
  };
  /// Everything so far (events copied: threads may still record).
  Snapshot snapshot();

 private:
  Recorder() = default;
  std::atomic<bool> on_{false};
  std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
  /// Its own mapping (kept to the process's end): pages are touched only as events fill them.
  /// A recording thread takes a slot with one atomic increment, writes it, then counts it
  /// written: no lock on the path every task takes.
  Event* events_ = nullptr;
  std::size_t capacity_ = 0;
  std::atomic<std::uint64_t> reserved_{0}, written_{0};
  std::mutex names_mutex_;  // taken once per name and thread (each thread caches its lookups)
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::uint16_t> name_ids_;
  std::array<std::atomic<std::int64_t>, track_count> busy_ns_{};
  std::atomic<std::uint64_t> hdf5_bytes_{0}, fetched_bytes_{0}, sent_bytes_{0};
};

/// Times what happens in its scope on this thread's track (or the one given, which spans opened
/// inside it then share: rank 0 running a read task itself shows its HDF5 read under the task);
/// on destruction adds the time to the track's busy total and, with the trace on, records the
/// event (fill `event` meanwhile).
class Span {
 public:
  Span(Kind kind, std::string_view name);
  Span(Track track, Kind kind, std::string_view name);
  ~Span();
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  Event event;

 private:
  Recorder& recorder_;
  Track enclosing_;
};

}  // namespace tessera::trace
