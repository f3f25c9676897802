#include "tessera/runtime/client.hpp"

#include <chrono>
#include <optional>
#include <unordered_map>

#include "tessera/error.hpp"
#include "tessera/runtime/backoff.hpp"
#include "tessera/runtime/mailbox.hpp"
#include "tessera/runtime/result_store.hpp"
#include "tessera/runtime/scheduler.hpp"
#include "tessera/runtime/task_runner.hpp"
#include "tessera/core/interrupt.hpp"

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
                  [&k](const std::string& kernel) { return k.lane(kernel); }) {}

  Mailbox mailbox;
  const KernelRegistry& kernels;
  Scheduler scheduler;
  ResultStore local_store;  // used when rank 0 runs alone
  Backoff backoff;
  /// The first failure anywhere (a task's TaskError, or Interrupted); rethrown by every wait.
  std::exception_ptr failure;
  std::unordered_map<TaskKey, ValuePtr, TaskKeyHash> gathered;
  std::vector<std::optional<protocol::StoreStats>> stats_replies;
  ClientStats stats;
  int acknowledged = 0;
  bool shut_down = false;

  bool local() const { return mailbox.size() == 1; }

  /// One round of progress: take messages, start ready tasks, release dead results, then idle
  /// briefly if nothing happened.
  void pump() {
    if (!failure && interrupt_signal()) failure = std::make_exception_ptr(Interrupted(interrupt_signal()));
    bool active = false;
    while (auto message = mailbox.poll()) {
      handle(*message);
      active = true;
    }
    if (!failure) active |= dispatch();
    release();
    mailbox.progress();
    if (active)
      backoff.reset();
    else
      backoff.pause();
  }

  bool dispatch() {
    auto ready = scheduler.dispatch();
    if (ready.empty()) return false;
    if (local()) {
      for (auto& [rank, task] : ready) run_locally(task);
      return true;
    }
    std::unordered_map<int, protocol::TaskBatch> batches;
    for (auto& [rank, task] : ready) batches[rank].tasks.push_back(std::move(task));
    for (auto& [rank, batch] : batches) mailbox.post(rank, Tag::task_batch, batch);
    return true;
  }

  void run_locally(const protocol::TaskMessage& task) {
    if (failure) return;
    std::vector<ValuePtr> inputs;
    for (const auto& in : task.inputs) inputs.push_back(local_store.get(in.key));
    auto outcome = run_task(kernels, task, inputs, local_store, 0);
    protocol::Report report;
    if (auto* done = std::get_if<protocol::Done>(&outcome))
      report.done.push_back(*done);
    else
      report.failed.push_back(std::get<protocol::Failure>(outcome));
    on_report(0, report);
  }

  void on_report(int rank, const protocol::Report& report) {
    for (const auto& done : report.done) {
      auto& time = stats.kernels[scheduler.kernel_of(done.key)];
      ++time.tasks;
      time.seconds += done.seconds;
      scheduler.finished(rank, done);
    }
    if (!report.failed.empty() && !failure) {
      const auto& f = report.failed.front();
      failure = f.signal ? std::make_exception_ptr(Interrupted(f.signal))
                         : std::make_exception_ptr(TaskError(f.key.hex(), f.kernel, rank, f.message, f.input_error));
    }
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
        auto reply = message.decode<protocol::FetchReply>();
        if (!reply.value) throw CommError("rank " + std::to_string(message.source()) + " no longer holds " + reply.key.hex());
        gathered[reply.key] = std::move(reply.value);
        break;
      }
      case Tag::stats_reply:
        stats_replies.at(static_cast<std::size_t>(message.source())) = message.decode<protocol::StoreStats>();
        break;
      case Tag::shutdown_ack:
        message.decode<protocol::Empty>();
        ++acknowledged;
        break;
      default:
        throw CommError("rank 0 received unexpected message tag " + std::to_string(static_cast<int>(message.tag())) +
                        " from rank " + std::to_string(message.source()));
    }
  }

  void throw_if_failed() const {
    if (failure) std::rethrow_exception(failure);
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
  if (state_->scheduler.add(key, task))
    ++state_->stats.submitted;
  else
    ++state_->stats.deduplicated;
  return Future(state_, key);
}

std::vector<Future> Client::submit(const Graph& graph, const std::vector<TaskKey>& outputs) {
  for (const TaskKey& key : graph.topological_order()) {  // validates: cycles and missing inputs throw
    if (state_->scheduler.add(key, graph.task(key)))
      ++state_->stats.submitted;
    else
      ++state_->stats.deduplicated;
  }
  state_->stats.deduplicated += graph.deduplicated();
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
  auto all_in = [&] {
    for (const auto& r : s.stats_replies)
      if (!r) return false;
    return true;
  };
  while (!all_in()) {
    s.throw_if_failed();
    s.pump();
  }
  std::vector<protocol::StoreStats> out;
  for (const auto& r : s.stats_replies) out.push_back(*r);
  return out;
}

ClientStats Client::stats() const {
  ClientStats s = state_->stats;
  s.executed = state_->scheduler.executed();
  return s;
}

int Client::workers() const { return state_->local() ? 1 : state_->mailbox.size() - 1; }

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
