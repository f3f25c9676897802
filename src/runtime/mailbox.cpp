#include "tessera/runtime/mailbox.hpp"

#include <climits>
#include <string>

#include "tessera/error.hpp"

namespace tessera {

Mailbox::Mailbox(const boost::mpi::communicator& comm) : comm_(comm) {
  // Errors come back as codes that mpi_check turns into exceptions, instead of aborting in MPI.
  mpi_check(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
}

void Mailbox::start_send(int dest, protocol::Tag tag, std::vector<char> body) {
  if (body.size() > static_cast<std::size_t>(INT_MAX))
    throw CommError("message of " + std::to_string(body.size()) + " bytes exceeds MPI's 2 GiB limit");
  PendingSend& send = pending_.emplace_back(PendingSend{std::move(body), MPI_REQUEST_NULL});
  mpi_check(MPI_Isend(send.body.data(), static_cast<int>(send.body.size()), MPI_BYTE, dest, static_cast<int>(tag), comm_,
                      &send.request),
            "MPI_Isend");
}

std::optional<Envelope> Mailbox::poll() {
  int flag = 0;
  MPI_Status status;
  mpi_check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &flag, &status), "MPI_Iprobe");
  if (!flag) return std::nullopt;
  int count = 0;
  mpi_check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  std::vector<char> body(static_cast<std::size_t>(count));
  mpi_check(MPI_Recv(body.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm_, MPI_STATUS_IGNORE),
            "MPI_Recv");
  return Envelope(status.MPI_SOURCE, static_cast<protocol::Tag>(status.MPI_TAG), std::move(body));
}

bool Mailbox::progress() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    int done = 0;
    mpi_check(MPI_Test(&it->request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    it = done ? pending_.erase(it) : std::next(it);
  }
  return !pending_.empty();
}

}  // namespace tessera
