#pragma once
/// @file
/// Non-blocking typed messages over MPI. Sends never block (a send that has not completed keeps
/// its buffer here until it has), so two ranks sending each other large replies cannot deadlock,
/// and a receiver polls without ever sitting in a receive it cannot leave.
#include <mpi.h>

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/iostreams/device/array.hpp>
#include <boost/iostreams/device/back_inserter.hpp>
#include <boost/iostreams/stream.hpp>
#include <boost/mpi/communicator.hpp>
#include <list>
#include <vector>
#include <memory>
#include <optional>

#include "tessera/runtime/mpi_check.hpp"
#include "tessera/runtime/protocol.hpp"
#include "tessera/runtime/serialization.hpp"

namespace tessera {


/// Archive flags: no header, no locale machinery, no object tracking — plain fields in order.
inline constexpr unsigned archive_flags =
    boost::archive::no_header | boost::archive::no_codecvt | boost::archive::no_tracking;

/// A received message whose body is decoded on demand.
class Envelope {
 public:
  Envelope(int source, protocol::Tag tag, std::vector<char> body) : source_(source), tag_(tag), body_(std::move(body)) {}
  int source() const { return source_; }
  protocol::Tag tag() const { return tag_; }
  template <class Message>
  Message decode() const {
    boost::iostreams::stream<boost::iostreams::array_source> in(body_.data(), body_.size());
    boost::archive::binary_iarchive archive(in, archive_flags);
    Message m;
    archive >> m;
    return m;
  }

 private:
  int source_;
  protocol::Tag tag_;
  std::vector<char> body_;
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
    std::vector<char> body;
    {
      boost::iostreams::stream<boost::iostreams::back_insert_device<std::vector<char>>> out(body);
      boost::archive::binary_oarchive archive(out, archive_flags);
      archive << message;
    }  // the stream flushes into `body` when it closes
    start_send(dest, tag, std::move(body));
  }

  /// The next message that has arrived, if any.
  std::optional<Envelope> poll();

  /// Completes the sends that can complete; true while some are still in flight.
  bool progress();

 private:
  void start_send(int dest, protocol::Tag tag, std::vector<char> body);

  struct PendingSend {
    std::vector<char> body;
    MPI_Request request;
  };
  boost::mpi::communicator comm_;
  std::list<PendingSend> pending_;
};

}  // namespace tessera
