#include "tessera/runtime/client.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/runtime/backoff.hpp"
#include "tessera/runtime/mailbox.hpp"
#include "tessera/runtime/result_store.hpp"
#include "tessera/runtime/scheduler.hpp"
#include "tessera/runtime/task_runner.hpp"
#include "tessera/core/interrupt.hpp"
#include "tessera/core/log.hpp"
#include "tessera/core/trace.hpp"

namespace tessera {

using protocol::Tag;

namespace {
std::vector<int> worker_ranks(int size) {
  if (size == 1) return {0};  // rank 0 runs the tasks itself
  std::vector<int> ranks;
  for (int r = 1; r < size; ++r) ranks.push_back(r);
  return ranks;
}
}  // namespace

namespace detail {

struct ClientState {
  ClientState(const boost::mpi::communicator& world, const KernelRegistry& k, ClientOptions options)
      : mailbox(world),
        kernels(k),
        scheduler(worker_ranks(world.size()), options.max_in_flight, options.max_io_in_flight,
                  [&k](const std::string& kernel) { return k.lane(kernel); }),
        grace(options.grace_seconds),
        progress(options.progress),
        computed_on(static_cast<std::size_t>(world.size()), 0),
        loaded_on(static_cast<std::size_t>(world.size()), 0) {}

  Mailbox mailbox;
  const KernelRegistry& kernels;
  Scheduler scheduler;
  ResultStore local_store;  // used when rank 0 runs alone
  Checkpoint local_checkpoint;
  /// The checkpoint store's directory ("" without one) and the results it holds for this run.
  std::string checkpoint_directory;
  std::unordered_map<TaskKey, PackLocation, TaskKeyHash> stored;
  /// Tasks of submitted graphs not scheduled (yet): every consumer's result was stored. Scheduled
  /// after all if a stored result turns out unreadable, or a later task needs them.
  std::unordered_map<TaskKey, Task, TaskKeyHash> deferred;
  double grace;
  Progress progress;
  bool interrupting = false;
  bool store_warned = false;
  Backoff backoff;
  /// The first failure anywhere (a task's TaskError, or Interrupted); rethrown by every wait.
  std::exception_ptr failure;
  std::unordered_map<TaskKey, ValuePtr, TaskKeyHash> gathered;
  std::vector<std::optional<protocol::StoreStats>> stats_replies;
  std::vector<std::optional<protocol::RankProfile>> profile_replies;
  ClientStats stats;
  /// For the profile: tasks computed and loaded per rank; each finished task's longest chain of
  /// dependent run times ending in it; chunk reads run, and distinct chunks read.
  std::vector<std::uint64_t> computed_on, loaded_on;
  std::unordered_map<TaskKey, double, TaskKeyHash> chain_seconds;
  double critical_path = 0;
  std::uint64_t reads_run = 0;
  std::unordered_set<TaskKey, TaskKeyHash> chunks_read;
  int acknowledged = 0;
  bool shut_down = false;

  bool local() const { return mailbox.size() == 1; }

  /// One round of progress: take messages, start ready tasks, release dead results, then idle
  /// briefly if nothing happened.
  void pump() {
    if (!failure && interrupt_signal()) interrupt(interrupt_signal());
    bool active = false;
    while (auto message = mailbox.poll()) {
      handle(*message);
      active = true;
    }
    if (!failure) active |= dispatch();
    release();
    mailbox.progress();
    progress.update(scheduler.completed(), scheduler.size());
    if (active)
      backoff.reset();
    else
      backoff.pause();
  }

  /// With a checkpoint store, a computed result is kept when its kernel's contract says so.
  void mark_keep(protocol::TaskMessage& task) const {
    task.keep = !checkpoint_directory.empty() && !task.from_store && kernels.checkpointed(task.kernel);
  }

  bool dispatch() {
    auto ready = scheduler.dispatch();
    if (ready.empty()) return false;
    if (local()) {
      for (auto& [rank, task] : ready) {
        mark_keep(task);
        run_locally(task);
      }
      return true;
    }
    trace::Span span(trace::Kind::message, "dispatch");
    span.event.bytes_out = ready.size();  // tasks sent
    std::unordered_map<int, protocol::TaskBatch> batches;
    for (auto& [rank, task] : ready) {
      mark_keep(task);
      batches[rank].tasks.push_back(std::move(task));
    }
    for (auto& [rank, batch] : batches) mailbox.post(rank, Tag::task_batch, batch);
    return true;
  }

  void run_locally(const protocol::TaskMessage& task) {
    if (failure) return;
    std::vector<ValuePtr> inputs;
    for (const auto& in : task.inputs) inputs.push_back(local_store.get(in.key));
    auto outcome = run_task(kernels, task, inputs, local_store, local_checkpoint, 0);
    protocol::Report report;
    if (auto* done = std::get_if<protocol::Done>(&outcome))
      report.done.push_back(*done);
    else
      report.failed.push_back(std::get<protocol::Failure>(outcome));
    if (auto warning = local_checkpoint.take_warning()) report.warnings.push_back(std::move(*warning));
    on_report(0, report);
  }

  void on_report(int rank, const protocol::Report& report) {
    trace::Span span(trace::Kind::message, "report");
    span.event.peer = static_cast<std::int16_t>(rank);
    warn(report.warnings);
    for (const auto& done : report.done) {
      count_for_profile(rank, done);
      scheduler.finished(rank, done);
    }
    for (const auto& f : report.failed) {
      if (f.stale && !failure) {
        compute_instead(rank, f);
      } else if (f.signal && !failure) {
        interrupt(f.signal);
      } else if (!failure) {
        failure = std::make_exception_ptr(TaskError(f.key.hex(), f.kernel, rank, f.message, f.input_error));
      }
    }
  }

  void count_for_profile(int rank, const protocol::Done& done) {
    const auto r = static_cast<std::size_t>(rank);
    double chain = done.seconds;
    if (done.loaded) {
      ++stats.loaded;
      ++loaded_on[r];
    } else {
      const Task& task = scheduler.task_of(done.key);
      auto& time = stats.kernels[task.kernel];
      ++time.tasks;
      time.seconds += done.seconds;
      time.max_seconds = std::max(time.max_seconds, done.seconds);
      ++computed_on[r];
      double longest_input = 0;
      for (const TaskKey& in : task.inputs)
        if (const auto it = chain_seconds.find(in); it != chain_seconds.end()) longest_input = std::max(longest_input, it->second);
      chain += longest_input;
      if (task.kernel.rfind("read_", 0) == 0) {  // read_rows, read_all: the chunk reads
        ++reads_run;
        chunks_read.insert(done.key);
      }
    }
    chain_seconds[done.key] = chain;
    critical_path = std::max(critical_path, chain);
  }

  // ---- checkpoint store ----

  /// Workers' warnings (a store that failed): the first is printed, once for the whole job — each
  /// worker whose disk filled says the same.
  void warn(const std::vector<std::string>& warnings) {
    for (const auto& w : warnings)
      if (!store_warned) {
        spdlog::warn("{}", w);
        store_warned = true;
      }
  }

  /// Schedules `key` (a task of a submitted graph) unless it is already: read from the store if
  /// its result is there, else computed, its deferred inputs first.
  void schedule(const TaskKey& key) {
    if (scheduler.known(key)) return;
    const auto it = deferred.find(key);
    if (it == deferred.end()) return;  // never submitted: Scheduler::add names it
    const Task task = std::move(it->second);
    deferred.erase(it);
    add(key, task);
  }

  /// Adds a task whose graph is known: from the store, or computed from its inputs.
  bool add(const TaskKey& key, const Task& task) {
    if (const auto s = stored.find(key); s != stored.end()) return scheduler.add(key, task, &s->second);
    for (const TaskKey& in : task.inputs) schedule(in);
    return scheduler.add(key, task);
  }

  void compute_instead(int rank, const protocol::Failure& f) {
    spdlog::warn("checkpoint: stored result of task {} cannot be used ({}); computing it again",
                 short_name(f.kernel, f.key), f.message);
    ++stats.stale;
    stored.erase(f.key);
    for (const TaskKey& in : scheduler.task_of(f.key).inputs) schedule(in);
    scheduler.compute_instead(rank, f.key);
  }

  // ---- signals ----

  /// Stops dispatch, lets running tasks finish and be stored for up to `grace` seconds, then
  /// makes every wait throw Interrupted.
  void interrupt(int signal) {
    if (interrupting) return;
    interrupting = true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                                 std::chrono::duration<double>(grace));
    if (local()) {
      local_checkpoint.flushed(deadline);
      if (auto warning = local_checkpoint.take_warning()) warn({*warning});
    } else {
      const int workers = mailbox.size() - 1;
      for (int r = 1; r <= workers; ++r) mailbox.post(r, Tag::drain, protocol::Empty{});
      int drained = 0;
      while (drained < workers && std::chrono::steady_clock::now() < deadline) {
        bool active = false;
        while (auto message = mailbox.poll()) {
          active = true;
          if (message->tag() == Tag::drained) {
            message->decode<protocol::Empty>();
            ++drained;
          } else {
            handle(*message);  // the last reports count their tasks done, as always
          }
        }
        mailbox.progress();
        if (active)
          backoff.reset();
        else
          backoff.pause();
      }
    }
    progress.finish();
    const std::string counts =
        fmt::format("{} of {} tasks done", grouped(scheduler.completed()), grouped(scheduler.size()));
    const bool resumable = !checkpoint_directory.empty();
    const std::string line =
        resumable ? fmt::format("interrupted by {}: {}, stored in {}; rerun with --resume", signal_name(signal), counts,
                                checkpoint_directory)
                  : fmt::format("interrupted by {}: {}; no output was written (with --checkpoint DIR a run can be "
                                "resumed)",
                                signal_name(signal), counts);
    failure = std::make_exception_ptr(Interrupted(signal, line, resumable));
  }

  void release() {
    for (auto& [rank, keys] : scheduler.take_releases()) {
      if (local())
        for (const TaskKey& key : keys) local_store.erase(key);
      else
        mailbox.post(rank, Tag::release, protocol::Release{std::move(keys)});
    }
  }

  void handle(Envelope& message) {
    switch (message.tag()) {
      case Tag::report:
        on_report(message.source(), message.decode<protocol::Report>());
        break;
      case Tag::fetch_reply: {
        trace::Span span(trace::Kind::fetch_receive, "gather");
        auto reply = message.decode<protocol::FetchReply>();
        span.event.key = reply.key;
        span.event.peer = static_cast<std::int16_t>(message.source());
        span.event.bytes_in = reply.value ? reply.value->bytes() : 0;
        trace::Recorder::instance().count_fetched(span.event.bytes_in);
        if (!reply.value) throw CommError("rank " + std::to_string(message.source()) + " no longer holds " + reply.key.hex());
        gathered[reply.key] = std::move(reply.value);
        break;
      }
      case Tag::stats_reply:
        stats_replies.at(static_cast<std::size_t>(message.source())) = message.decode<protocol::StoreStats>();
        break;
      case Tag::profile_reply:
        profile_replies.at(static_cast<std::size_t>(message.source())) = message.decode<protocol::RankProfile>();
        break;
      case Tag::shutdown_ack:
        message.decode<protocol::Empty>();
        ++acknowledged;
        break;
      case Tag::drained:  // a late answer to a drain that timed out
        message.decode<protocol::Empty>();
        break;
      default:
        throw CommError("rank 0 received unexpected message tag " + std::to_string(static_cast<int>(message.tag())) +
                        " from rank " + std::to_string(message.source()));
    }
  }

  void throw_if_failed() const {
    if (failure) std::rethrow_exception(failure);
  }

  /// Makes progress until every rank's reply has arrived.
  template <class Reply>
  void wait_for_replies(const std::vector<std::optional<Reply>>& replies) {
    const auto all_in = [&] { return std::all_of(replies.begin(), replies.end(), [](const auto& r) { return r.has_value(); }); };
    while (!all_in()) {
      throw_if_failed();
      pump();
    }
  }

  void wait(const TaskKey& key) {
    for (;;) {
      throw_if_failed();
      if (scheduler.done(key)) return;
      pump();
    }
  }
};

}  // namespace detail

// ---- Future ----

Future::Future(std::weak_ptr<detail::ClientState> state, TaskKey key) : state_(std::move(state)), key_(key) {
  if (auto s = state_.lock()) s->scheduler.retain(key_);
}
Future::Future(const Future& other) : Future(other.state_, other.key_) {}
Future& Future::operator=(const Future& other) {
  if (this != &other) {
    Future copy(other);
    *this = std::move(copy);
  }
  return *this;
}
Future& Future::operator=(Future&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    key_ = other.key_;
    other.state_.reset();
  }
  return *this;
}
Future::~Future() { reset(); }
void Future::reset() {
  if (auto s = state_.lock()) s->scheduler.drop(key_);
  state_.reset();
}

// ---- Client ----

Client::Client(const boost::mpi::communicator& world, const KernelRegistry& kernels, ClientOptions options)
    : state_(std::make_shared<detail::ClientState>(world, kernels, options)) {
  if (world.rank() != 0) throw Error("the Client lives on rank 0");
}

Client::~Client() {
  try {
    shutdown(exit_code::failure);
  } catch (...) {
    MPI_Abort(MPI_COMM_WORLD, exit_code::failure);
  }
}

Future Client::submit(Task task) {
  const TaskKey key = task.key();
  if (state_->add(key, task))
    ++state_->stats.submitted;
  else
    ++state_->stats.deduplicated;
  return Future(state_, key);
}

std::vector<Future> Client::submit(const Graph& graph, const std::vector<TaskKey>& outputs) {
  auto& s = *state_;
  // Validates: cycles and missing inputs throw. An input may be a result submitted before.
  const std::vector<TaskKey> order = graph.topological_order([&](const TaskKey& key) { return s.scheduler.known(key); });
  // With stored results, schedule only what the outputs (and the graph's sinks, which may write
  // files) need: walking back from them, a stored task needs none of its inputs.
  std::unordered_set<TaskKey, TaskKeyHash> needed;
  if (!s.stored.empty()) {
    std::unordered_set<TaskKey, TaskKeyHash> consumed(outputs.begin(), outputs.end());
    std::unordered_set<TaskKey, TaskKeyHash> has_consumer;
    for (const TaskKey& key : order)
      for (const TaskKey& in : graph.task(key).inputs) has_consumer.insert(in);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if (!consumed.count(*it) && has_consumer.count(*it)) continue;
      needed.insert(*it);
      if (!s.stored.count(*it))
        for (const TaskKey& in : graph.task(*it).inputs) consumed.insert(in);
    }
  }
  for (const TaskKey& key : order) {
    if (!s.stored.empty() && !needed.count(key)) {
      if (!s.scheduler.known(key)) s.deferred.emplace(key, graph.task(key));
      continue;
    }
    if (s.add(key, graph.task(key)))
      ++s.stats.submitted;
    else
      ++s.stats.deduplicated;
  }
  s.stats.deduplicated += graph.deduplicated();
  std::vector<Future> futures;
  for (const TaskKey& key : outputs) futures.push_back(Future(state_, key));
  // Tasks that nobody uses are released as soon as they finish; the futures above keep the outputs.
  return futures;
}

void Client::wait(const Future& future) { state_->wait(future.key()); }

void Client::wait(const std::vector<Future>& futures) {
  for (const Future& f : futures) wait(f);
}

ValuePtr Client::gather(const Future& future) {
  wait(future);
  const TaskKey& key = future.key();
  if (state_->local()) return state_->local_store.get(key);
  state_->mailbox.post(state_->scheduler.holder(key), Tag::fetch, protocol::Fetch{key});
  while (!state_->gathered.count(key)) {
    state_->throw_if_failed();
    state_->pump();
  }
  // The caller owns the value from here: rank 0 keeps nothing it gathered.
  const auto it = state_->gathered.find(key);
  ValuePtr value = std::move(it->second);
  state_->gathered.erase(it);
  return value;
}

std::vector<protocol::StoreStats> Client::store_stats() {
  auto& s = *state_;
  s.release();  // releases already decided go out first, so the counts reflect them
  if (s.local()) return {s.local_store.stats()};
  s.stats_replies.assign(static_cast<std::size_t>(s.mailbox.size()), std::nullopt);
  s.stats_replies[0] = protocol::StoreStats{};
  for (int r = 1; r < s.mailbox.size(); ++r) s.mailbox.post(r, Tag::stats_request, protocol::Empty{});
  s.wait_for_replies(s.stats_replies);
  std::vector<protocol::StoreStats> out;
  for (const auto& r : s.stats_replies) out.push_back(*r);
  return out;
}

ClientStats Client::stats() const {
  ClientStats s = state_->stats;
  s.executed = state_->scheduler.executed() - state_->scheduler.loaded();
  return s;
}

RunRecord Client::profile(double wall_seconds) {
  auto& s = *state_;
  const auto size = static_cast<std::size_t>(s.mailbox.size());
  s.profile_replies.assign(size, std::nullopt);
  for (int r = 1; r < s.mailbox.size(); ++r) s.mailbox.post(r, Tag::profile_request, protocol::Empty{});
  if (s.local()) s.local_checkpoint.flushed(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  s.profile_replies[0] = this_rank_profile();
  s.wait_for_replies(s.profile_replies);
  RunRecord record;
  JobProfile& p = record.profile;
  p.wall_seconds = wall_seconds;
  p.critical_path_seconds = s.critical_path;
  p.passes = s.chunks_read.empty() ? 0.0 : static_cast<double>(s.reads_run) / static_cast<double>(s.chunks_read.size());
  p.tasks = stats().executed;
  p.tasks_from_store = s.stats.loaded;
  for (std::size_t r = 0; r < size; ++r) {
    auto& reply = *s.profile_replies[r];
    RankSummary summary;
    summary.rank = static_cast<int>(r);
    summary.host = reply.host;
    summary.seconds = reply.seconds;
    for (std::size_t t = 0; t < summary.busy_seconds.size() && t < reply.busy_seconds.size(); ++t)
      summary.busy_seconds[t] = reply.busy_seconds[t];
    summary.tasks = s.computed_on[r];
    summary.tasks_loaded = s.loaded_on[r];
    summary.hdf5_bytes_read = reply.hdf5_bytes_read;
    summary.bytes_fetched = reply.bytes_fetched;
    summary.bytes_sent = reply.bytes_sent;
    summary.peak_memory_bytes = reply.peak_memory_bytes;
    summary.events = reply.events.size() / sizeof(trace::Event);
    summary.dropped_events = reply.dropped_events;
    p.ranks.push_back(std::move(summary));
    record.ranks.push_back(std::move(reply));
  }
  for (const auto& [name, time] : s.stats.kernels) p.kernels.push_back({name, time.tasks, time.seconds, time.max_seconds});
  std::stable_sort(p.kernels.begin(), p.kernels.end(),
                   [](const KernelProfile& a, const KernelProfile& b) { return a.total_seconds > b.total_seconds; });
  s.profile_replies.clear();
  return record;
}

int Client::workers() const { return state_->local() ? 1 : state_->mailbox.size() - 1; }

void Client::use_checkpoint(CheckpointSetup setup) {
  auto& s = *state_;
  s.checkpoint_directory = setup.directory;
  s.stored = std::move(setup.stored);
  if (s.local()) {
    s.local_checkpoint.configure(setup.directory, setup.run + ".rank-0.pack");
    return;
  }
  for (int r = 1; r < s.mailbox.size(); ++r)
    s.mailbox.post(r, Tag::checkpoint, protocol::CheckpointConfig{setup.directory, fmt::format("{}.rank-{}.pack", setup.run, r)});
}

void Client::set_phase(std::string phase) { state_->progress.set_phase(std::move(phase)); }
void Client::end_progress() { state_->progress.finish(); }

void Client::shutdown(int exit_code) {
  auto& s = *state_;
  if (s.shut_down) return;
  s.shut_down = true;
  const int workers = s.mailbox.size() - 1;
  for (int r = 1; r <= workers; ++r) s.mailbox.post(r, Tag::shutdown, protocol::Shutdown{exit_code});
  // Workers acknowledge from their communication thread, even mid-kernel, so this is quick; a rank
  // that does not answer is stuck or gone, and MPI_Abort is the only way to free the allocation.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (s.acknowledged < workers || s.mailbox.progress()) {
    if (std::chrono::steady_clock::now() > deadline) MPI_Abort(MPI_COMM_WORLD, exit_code == 0 ? 1 : exit_code);
    while (auto message = s.mailbox.poll()) {
      if (message->tag() == Tag::shutdown_ack) {
        message->decode<protocol::Empty>();
        ++s.acknowledged;
      }  // anything else (late reports, replies) no longer matters
    }
    s.backoff.pause();
  }
}

}  // namespace tessera
