// Failure semantics: a kernel that throws on one worker ends the whole job promptly, rank 0 learns
// the task key, kernel, rank and message, every rank returns the same non-zero code, and tasks
// downstream of the failure never run.
#include <chrono>

#include "cluster_fixture.hpp"
#include "tessera/error.hpp"

namespace tessera::testing {
namespace {

TEST(Failure, ThrowingKernelEndsEveryRankWithTheTaskNamed) {
  const int target = world().size() == 1 ? 0 : world().size() - 1;
  std::optional<TaskError> caught;
  int code = -1;
  const auto start = std::chrono::steady_clock::now();
  try {
    code = run_cluster(world(), test_kernels(), [&](Client& client) {
      std::vector<Future> keep;
      // Another worker is deep in a long kernel when the failure comes: the job must not wait for it.
      if (world().size() >= 3) keep.push_back(client.submit(Task{"sleep", {{"ms", std::int64_t{8000}}}, {}, Locality{0, 2}}));
      for (std::int64_t i = 0; i < 20; ++i) keep.push_back(client.submit(Task{"noop", {{"i", i}}, {}}));
      Future bad = client.submit(Task{"fail", {{"on_rank", std::int64_t{-1}}}, {}, Locality{workers() - 1, workers()}});
      Future downstream = client.submit(Task{"add_one", {}, {bad.key()}});
      client.wait(downstream);
      ADD_FAILURE() << "wait returned although a task failed";
      return 0;
    });
  } catch (const TaskError& e) {
    caught = e;
    code = exit_code_for_current_exception();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(code, exit_code::failure) << "every rank leaves with the failure code";
  EXPECT_LT(seconds, 6.0) << "the job must end promptly, not wait for the long kernel";
  if (world().rank() == 0) {
    ASSERT_TRUE(caught.has_value());
    EXPECT_EQ(caught->kernel(), "fail");
    EXPECT_EQ(caught->rank(), target);
    EXPECT_EQ(caught->key(), (Task{"fail", {{"on_rank", std::int64_t{-1}}}, {}}.key().hex()));
    EXPECT_NE(caught->message().find("deliberate failure"), std::string::npos);
    EXPECT_FALSE(caught->input_error());
  }
}

TEST(Failure, RuntimeKeepsWorkingAfterAFailedJob) {
  // Every rank left the failed job cleanly, so the next job on the same ranks runs normally.
  run_on_cluster([](Client& client) {
    Future f = client.submit(Task{"fill", {{"rows", std::int64_t{1}}, {"cols", std::int64_t{1}}, {"value", 4.0}}, {}});
    EXPECT_EQ((*client.gather(f))[0](0, 0), 4.0);
  });
}

TEST(Failure, DriverExceptionShutsWorkersDownWithItsCode) {
  int code = -1;
  try {
    code = run_cluster(world(), test_kernels(), [](Client&) -> int { throw InputError("data.h5: no dataset 'X'"); });
  } catch (const InputError&) {
    code = exit_code_for_current_exception();
  }
  EXPECT_EQ(code, exit_code::bad_input);
}

}  // namespace
}  // namespace tessera::testing
