#pragma once
/// @file
/// Non-blocking typed messages over MPI. Sends never block (a send that has not completed keeps
/// its buffer here until it has), so two ranks sending each other large replies cannot deadlock,
/// and a receiver polls without ever sitting in a receive it cannot leave.
#include <mpi.h>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/packed_iarchive.hpp>
#include <boost/mpi/packed_oarchive.hpp>
#include <list>
#include <memory>
#include <optional>

#include "tessera/runtime/protocol.hpp"
#include "tessera/runtime/serialization.hpp"

namespace tessera {

/// Throws CommError naming `what` when an MPI call fails (the communicator returns errors).
void mpi_check(int rc, const char* what);

/// A received message whose body is decoded on demand.
class Envelope {
 public:
  Envelope(int source, protocol::Tag tag, std::unique_ptr<boost::mpi::packed_iarchive> body)
      : source_(source), tag_(tag), body_(std::move(body)) {}
  int source() const { return source_; }
  protocol::Tag tag() const { return tag_; }
  template <class Message>
  Message decode() {
    Message m;
    *body_ >> m;
    return m;
  }

 private:
  int source_;
  protocol::Tag tag_;
  std::unique_ptr<boost::mpi::packed_iarchive> body_;
};

class Mailbox {
 public:
  explicit Mailbox(const boost::mpi::communicator& comm);
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  int rank() const { return comm_.rank(); }
  int size() const { return comm_.size(); }

  /// Starts sending `message` to `dest`; returns at once.
  template <class Message>
  void post(int dest, protocol::Tag tag, const Message& message) {
    auto archive = std::make_unique<boost::mpi::packed_oarchive>(comm_);
    *archive << message;
    start_send(dest, tag, std::move(archive));
  }

  /// The next message that has arrived, if any.
  std::optional<Envelope> poll();

  /// Completes the sends that can complete; true while some are still in flight.
  bool progress();

 private:
  void start_send(int dest, protocol::Tag tag, std::unique_ptr<boost::mpi::packed_oarchive> archive);

  struct PendingSend {
    std::unique_ptr<boost::mpi::packed_oarchive> archive;
    MPI_Request request;
  };
  boost::mpi::communicator comm_;
  std::list<PendingSend> pending_;
};

}  // namespace tessera
