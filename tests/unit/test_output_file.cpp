// Output files on a real file system: they appear complete under their final name or not at all,
// never replace a file that appeared meanwhile, refuse unusable paths up front, and the temporary
// files of dead processes are cleaned up.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/io/output_file.hpp"

namespace tessera {
namespace {
namespace fs = std::filesystem;

class OutputFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    hdf5::silence_errors_on_this_thread();
    dir_ = fs::temp_directory_path() / ("tessera-output-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator())); }
  static std::string message_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

TEST_F(OutputFiles, AppearOnlyOnCommit) {
  const std::string out = path("result.h5");
  {
    OutputFile o(out, false);
    hdf5::write_scalar(o.hdf5(), "x", 3.0);
    EXPECT_FALSE(fs::exists(out));
    EXPECT_TRUE(fs::exists(o.temp_path()));
  }  // not committed: the temporary file is gone
  EXPECT_EQ(entries(), 0u);
  {
    OutputFile o(out, false);
    hdf5::write_scalar(o.hdf5(), "x", 3.0);
    o.commit();
  }
  EXPECT_EQ(entries(), 1u);
  hdf5::Handle f = hdf5::open_for_reading(out);
  EXPECT_EQ(hdf5::read_all(f.id(), "x"), std::vector<double>{3.0});
  EXPECT_THROW(OutputFile(out, false), InputError);
  EXPECT_NO_THROW(OutputFile(out, true));
}

TEST_F(OutputFiles, UnusablePathsAreRefusedUpFrontWithTheReason) {
  EXPECT_NE(message_of([&] { OutputFile(path("no/such/dir/x.h5"), true); }).find("does not exist"), std::string::npos);
  EXPECT_NE(message_of([&] { OutputFile(dir_.string(), true); }).find("is a directory"), std::string::npos);
  EXPECT_NE(message_of([&] { OutputFile(dir_.string() + "/", false); }).find("names a directory"), std::string::npos);
  std::ofstream(path("plain")) << "x";
  EXPECT_NE(message_of([&] { OutputFile(path("plain/x.h5"), true); }).find("is not a directory"), std::string::npos);
  EXPECT_NE(message_of([&] { OutputFile(path("plain"), false); }).find("output file exists"), std::string::npos);
  EXPECT_EQ(entries(), 1u) << "nothing was created by the refused paths";
}

TEST_F(OutputFiles, CommitNeverReplacesAFileThatAppearedDuringTheJob) {
  const std::string out = path("race.h5");
  OutputFile o(out, false);
  hdf5::write_scalar(o.hdf5(), "mine", 1.0);
  std::ofstream(out) << "the other job's result";  // appears after the check, before the commit
  const std::string m = message_of([&] { o.commit(); });
  EXPECT_NE(m.find("appeared while this job ran"), std::string::npos) << m;
  const std::string kept = path("race.kept-" + std::to_string(::getpid()) + ".h5");
  EXPECT_NE(m.find(kept), std::string::npos) << m;
  std::ifstream other(out);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(other), {}), "the other job's result");
  hdf5::Handle f = hdf5::open_for_reading(kept);
  EXPECT_EQ(hdf5::read_all(f.id(), "mine"), std::vector<double>{1.0});
}

TEST_F(OutputFiles, CloseFailsWhileADatasetIsStillOpen) {
  OutputFile o(path("leak.h5"), false);
  hid_t space = H5Screate(H5S_SCALAR);
  const hid_t leaked = H5Dcreate2(o.hdf5(), "d", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Sclose(space);
  EXPECT_THROW(o.close(), IoError) << "a handle left open must not keep the file open unseen";
  H5Dclose(leaked);
}

TEST_F(OutputFiles, TemporariesOfDeadProcessesOfThisHostAreRemoved) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // a pid that is certainly not running now
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  const std::string dead = path(".old.h5.tmp-" + std::string(host) + "-" + std::to_string(child));
  const std::string alive = path(".busy.h5.tmp-" + std::string(host) + "-1");   // pid 1 always runs
  const std::string elsewhere = path(".far.h5.tmp-some-other-node-" + std::to_string(child));
  const std::string user_file = path(".notes.tmp-keep");
  // A process that has exited but not been reaped yet (a zombie: what SIGKILLed ranks stay as
  // until their parent waits for them) is gone too.
  const pid_t zombie = ::fork();
  if (zombie == 0) ::_exit(0);
  ASSERT_GT(zombie, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string unreaped = path(".z.h5.tmp-" + std::string(host) + "-" + std::to_string(zombie));
  for (const auto& p : {dead, alive, elsewhere, user_file, unreaped}) std::ofstream(p) << "x";
  { AtomicFile next(path("new.csv"), false); }
  ::waitpid(zombie, nullptr, 0);
  EXPECT_FALSE(fs::exists(unreaped));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive));
  EXPECT_TRUE(fs::exists(elsewhere)) << "another node's process cannot be checked from here";
  EXPECT_TRUE(fs::exists(user_file));
}

TEST_F(OutputFiles, CompanionsCommitWithTheirFile) {
  const std::string out = path("grid.h5"), csv = path("grid.csv");
  {
    OutputFile o(out, false);
    std::ofstream(o.companion(csv).temp_path()) << "a,b\n";
    EXPECT_FALSE(fs::exists(csv));
  }
  EXPECT_EQ(entries(), 0u) << "a failed job leaves neither";
  OutputFile o(out, false);
  std::ofstream(o.companion(csv).temp_path()) << "a,b\n";
  o.commit();
  EXPECT_TRUE(fs::exists(out));
  EXPECT_TRUE(fs::exists(csv));
}

}  // namespace
}  // namespace tessera
