// The code review's findings, each driven at the layer where it lived (the command line refuses
// most of these inputs before they get there).
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "kernel_call.hpp"
#include "jobs/ridge/ridge_fit.hpp"
#include "tessera/runtime/executor.hpp"

namespace tessera {
namespace {
namespace fs = std::filesystem;

Value call(const std::string& kernel, const std::vector<ValuePtr>& inputs, const Params& params) {
  return testing::call_kernel(kernel, inputs, params);
}

TEST(ReviewFixes, ReadRowsRefusesAFileWithFewerColumnsThanPlanned) {
  // The buffer used to be sized from the plan's `cols`, then filled from the file: a file rewritten
  // with fewer columns between planning and reading overflowed the heap.
  hdf5::silence_errors_on_this_thread();
  const fs::path path = fs::temp_directory_path() / ("tessera-review-" + std::to_string(::getpid()) + ".h5");
  {
    hdf5::Handle f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    std::vector<double> data(40, 1.0);
    hdf5::write_matrix(f.id(), "X", data.data(), 10, 4);
  }
  const Params params{{"path", path.string()}, {"dataset", "X"}, {"row_begin", std::int64_t{0}}, {"row_end", std::int64_t{10}},
                      {"cols", std::int64_t{6}}};
  try {
    call("read_rows", {}, params);
    ADD_FAILURE() << "a 4-column dataset was read into a 6-column buffer";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("has 4 columns, but the job was planned for 6"), std::string::npos) << e.what();
  }
  Params rows = params;
  rows.set("cols", std::int64_t{4}).set("row_end", std::int64_t{12});
  EXPECT_THROW(call("read_rows", {}, rows), InputError) << "rows past the end";
  hdf5::close_cached_files();
  fs::remove(path);
}

TEST(ReviewFixes, PredictRowsChecksTheCoefficientCount) {
  const auto x = std::make_shared<Value>(Value::of(Eigen::MatrixXd::Ones(3, 5)));
  EXPECT_THROW(call("predict_rows", {x}, {{"coef", std::vector<double>{1, 2}}, {"intercept", 0.0}}), Error);
}

TEST(ReviewFixes, ExecutorThreadsOutliveTheRegistryTheyWereGiven) {
  // A kernel still running when the job ends is detached; it used to run from a registry that was
  // a stack local of the caller, gone by then (ASan: heap-use-after-free).
  std::atomic<bool> finished{false};
  {
    auto registry = std::make_unique<KernelRegistry>();
    const std::string message = std::string(64, 'x');  // a capture that lives in the registry's function
    registry->add("slow", [message, &finished](const KernelContext&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      const bool intact = message == std::string(64, 'x');
      finished = intact;
      return Value{};
    });
    Executor executor(*registry, 1);
    protocol::TaskMessage task;
    task.key = TaskKey::named("slow");
    task.kernel = "slow";
    executor.submit(task, {});
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the kernel is running
    registry.reset();
  }  // the executor detaches the busy thread
  for (int i = 0; i < 100 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(finished) << "the kernel's own state must still be intact when it finishes";
}

TEST(ReviewFixes, SingularRidgeSystemIsBadInputNamingAlpha) {
  // Two identical columns and alpha = 0: the user's data and choice, not an internal error.
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(4, 4);  // [1 x x y]
  g << 4, 10, 10, 7, 10, 30, 30, 20, 10, 30, 30, 20, 7, 20, 20, 15;
  try {
    ridge_from_gram(g, 0.0, true);
    ADD_FAILURE() << "a singular system was solved";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("alpha = 0"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(ridge_from_gram(g, 1.0, true));
  // Not only exact zeros: columns equal up to rounding are refused alike, whatever the rounding gave.
  g(1, 2) = g(2, 1) = 30 * (1 - 1e-16);
  EXPECT_THROW(ridge_from_gram(g, 0.0, true), InputError);
}

}  // namespace
}  // namespace tessera
