#include "tessera/runtime/worker.hpp"

#include "tessera/error.hpp"
#include <chrono>

#include "tessera/runtime/backoff.hpp"
#include "tessera/core/interrupt.hpp"
#include "tessera/core/trace.hpp"
#include "tessera/runtime/profile.hpp"

namespace tessera {

using protocol::Tag;

Worker::Worker(const boost::mpi::communicator& world, const KernelRegistry& kernels)
    : mailbox_(world), compute_(kernels, world.rank()), store_(compute_.store()) {}

int Worker::run() {
  trace::Recorder::set_thread_track(trace::Track::comm);
  Backoff backoff;
  while (!shutting_down_) {
    bool active = false;
    try {
      while (auto message = mailbox_.poll()) {
        handle(*message);
        active = true;
        if (shutting_down_) break;
      }
      protocol::Report report;
      bool any = compute_.collect(report);
      if (auto warning = compute_.checkpoint().take_warning()) {
        report.warnings.push_back(std::move(*warning));
        any = true;
      }
      if (const int signal = interrupt_signal(); signal && !told_interrupt_) {
        // Rank 0 decides: it ends the job on every rank, as for any failure.
        report.failed.push_back(protocol::Failure{TaskKey{}, "worker", "stopped by " + signal_name(signal), false, signal});
        told_interrupt_ = any = true;
      }
      if (any) {
        mailbox_.post(0, Tag::report, report);
        active = true;
      }
      // Drained: what was running has finished and reported, and its results are on disk.
      if (draining_ && !drained_ && compute_.idle() && compute_.checkpoint().flushed(std::chrono::steady_clock::now())) {
        protocol::Report last;
        compute_.collect(last);
        if (auto warning = compute_.checkpoint().take_warning()) last.warnings.push_back(std::move(*warning));
        if (!last.empty()) mailbox_.post(0, Tag::report, last);
        mailbox_.post(0, Tag::drained, protocol::Empty{});
        drained_ = active = true;
      }
      mailbox_.progress();
    } catch (const std::exception& e) {
      report_internal_error(e.what());  // rank 0 then ends the job; keep serving until it says so
      active = true;
    }
    if (active)
      backoff.reset();
    else
      compute_.wait_for_outcome(backoff.next_wait());
  }
  compute_.cancel_queued();
  mailbox_.post(0, Tag::shutdown_ack, protocol::Empty{});
  // Let the acknowledgement and any last replies leave, but never wait forever on a peer that is gone.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (mailbox_.progress() && std::chrono::steady_clock::now() < deadline) backoff.pause();
  return exit_code_;
}

void Worker::handle(Envelope& message) {
  const Tag tag = message.tag();
  trace::Span span(tag == Tag::fetch         ? trace::Kind::fetch_serve
                   : tag == Tag::fetch_reply ? trace::Kind::fetch_receive
                                             : trace::Kind::message,
                   protocol::tag_name(tag));
  switch (tag) {
    case Tag::task_batch: {
      auto batch = message.decode<protocol::TaskBatch>();
      if (!draining_)
        for (auto& task : batch.tasks) accept(std::move(task));
      break;
    }
    case Tag::release:
      for (const TaskKey& key : message.decode<protocol::Release>().keys) store_.erase(key);
      break;
    case Tag::fetch: {
      const auto fetch = message.decode<protocol::Fetch>();
      ValuePtr value = store_.get(fetch.key);
      span.event.key = fetch.key;
      span.event.peer = static_cast<std::int16_t>(message.source());
      span.event.bytes_in = value ? value->bytes() : 0;
      trace::Recorder::instance().count_sent(span.event.bytes_in);
      mailbox_.post(message.source(), Tag::fetch_reply, protocol::FetchReply{fetch.key, std::move(value)});
      break;
    }
    case Tag::fetch_reply: {
      const auto reply = message.decode<protocol::FetchReply>();
      span.event.key = reply.key;
      span.event.peer = static_cast<std::int16_t>(message.source());
      span.event.bytes_in = reply.value ? reply.value->bytes() : 0;
      trace::Recorder::instance().count_fetched(span.event.bytes_in);
      on_fetch_reply(reply);
      break;
    }
    case Tag::stats_request:
      message.decode<protocol::Empty>();
      mailbox_.post(0, Tag::stats_reply, store_.stats());
      break;
    case Tag::profile_request:
      message.decode<protocol::Empty>();
      // The last stored results' write belongs in the profile too (the job's end does not wait
      // for the next group commit).
      compute_.checkpoint().flushed(std::chrono::steady_clock::now() + std::chrono::seconds(5));
      mailbox_.post(0, Tag::profile_reply, this_rank_profile());
      break;
    case Tag::checkpoint: {
      const auto config = message.decode<protocol::CheckpointConfig>();
      compute_.checkpoint().configure(config.directory, config.pack);
      break;
    }
    case Tag::drain:
      // The job is being interrupted: start nothing new, let what runs finish (and be stored).
      message.decode<protocol::Empty>();
      draining_ = true;
      compute_.drop_queued();
      waiting_.clear();
      fetches_.clear();
      break;
    case Tag::shutdown:
      exit_code_ = message.decode<protocol::Shutdown>().exit_code;
      shutting_down_ = true;
      break;
    default:
      throw CommError("worker received unexpected message tag " + std::to_string(static_cast<int>(message.tag())));
  }
}

void Worker::accept(protocol::TaskMessage task) {
  Waiting waiting{std::move(task), {}, 0};
  waiting.inputs.resize(waiting.task.inputs.size());
  const std::uint64_t id = next_waiting_id_++;
  for (std::size_t i = 0; i < waiting.task.inputs.size(); ++i) {
    const protocol::InputRef& in = waiting.task.inputs[i];
    if (in.holder == mailbox_.rank()) {
      waiting.inputs[i] = store_.get(in.key);
      if (!waiting.inputs[i])
        throw CommError("rank " + std::to_string(mailbox_.rank()) + " was told it holds " + in.key.hex() + " but does not");
      continue;
    }
    auto& waiters = fetches_[in.key];
    if (waiters.empty()) mailbox_.post(in.holder, Tag::fetch, protocol::Fetch{in.key});
    waiters.emplace_back(id, i);
    ++waiting.missing;
  }
  if (waiting.missing == 0)
    compute_.submit(std::move(waiting.task), std::move(waiting.inputs));
  else
    waiting_.emplace(id, std::move(waiting));
}

void Worker::on_fetch_reply(const protocol::FetchReply& reply) {
  const auto it = fetches_.find(reply.key);
  if (it == fetches_.end()) return;
  const auto waiters = std::move(it->second);
  fetches_.erase(it);
  for (const auto& [id, slot] : waiters) {
    Waiting& waiting = waiting_.at(id);
    if (!reply.value)
      throw CommError("input " + reply.key.hex() + " of task " + waiting.task.key.hex() + " was gone from rank " +
                      std::to_string(waiting.task.inputs[slot].holder));
    waiting.inputs[slot] = reply.value;
    if (--waiting.missing == 0) {
      compute_.submit(std::move(waiting.task), std::move(waiting.inputs));
      waiting_.erase(id);
    }
  }
}

void Worker::report_internal_error(const std::string& message) {
  protocol::Report report;
  report.failed.push_back(protocol::Failure{TaskKey{}, "worker", message, false});
  try {
    mailbox_.post(0, Tag::report, report);
  } catch (...) {
    MPI_Abort(MPI_COMM_WORLD, exit_code::failure);  // cannot even tell rank 0: the last resort
  }
}

}  // namespace tessera
