// The shared main of the MPI tests: every rank runs every test (tests are collective, since
// rank 0 drives and the others serve as workers), only rank 0 prints progress, any rank's failure
// is printed with its rank, and pass/fail is agreed once by an allreduce at the end.
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <iostream>

#include "tessera/runtime/process.hpp"

namespace {
/// Prints failed assertions from ranks other than 0, which have no printer of their own.
class RankFailurePrinter : public testing::EmptyTestEventListener {
 public:
  explicit RankFailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (result.failed())
      std::cerr << "[rank " << rank_ << "] " << (result.file_name() ? result.file_name() : "?") << ":" << result.line_number()
                << ": " << result.summary() << std::endl;
  }

 private:
  int rank_;
};
}  // namespace

int main(int argc, char** argv) {
  tessera::Process process(argc, argv);
  const boost::mpi::communicator& world = process.world();
  testing::InitGoogleTest(&argc, argv);
  if (world.rank() != 0) {
    auto& listeners = testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new RankFailurePrinter(world.rank()));
  }
  const int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  int any_failed = 0;
  boost::mpi::all_reduce(world, failed, any_failed, boost::mpi::maximum<int>());
  return any_failed;
}
