// The HDF5 layer on real files: type conversion, shape checks, errors that name the file and dataset,
// and typed output.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/plan/data_source.hpp"

namespace tessera {
namespace {
namespace fs = std::filesystem;

class Hdf5Io : public ::testing::Test {
 protected:
  void SetUp() override {
    hdf5::silence_errors_on_this_thread();
    dir_ = fs::temp_directory_path() / ("tessera-unit-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = (dir_ / "mixed.h5").string();
    hdf5::Handle f(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    const int ints[6] = {1, 2, 3, 4, 5, 6};
    const float floats[3] = {0.5f, 1.5f, 2.5f};
    write(f.id(), "ints", H5T_STD_I32LE, H5T_NATIVE_INT, {3, 2}, ints);
    write(f.id(), "floats", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {3}, floats);
    write(f.id(), "cube", H5T_STD_I32LE, H5T_NATIVE_INT, {1, 3, 2}, ints);
    write(f.id(), "empty", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {0, 4}, nullptr);
    hdf5::write_strings(f.id(), "names", {"a", "b"});
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void write(hid_t file, const char* name, hid_t file_type, hid_t mem_type, std::vector<hsize_t> dims, const void* data) {
    hdf5::Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    hdf5::Handle d(H5Dcreate2(file, name, file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (data) H5Dwrite(d.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  }

  std::string error_of(const std::string& dataset, int rank) {
    try {
      open_source(path_, dataset, rank);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(Hdf5Io, IntegerAndFloat32DataAreConvertedToFloat64) {
  const MatrixSource s = open_source(path_, "ints", 2);
  EXPECT_EQ(s.rows, 3);
  EXPECT_EQ(s.cols, 2);
  hdf5::Handle f = hdf5::open_for_reading(path_);
  double rows[4];
  hdf5::read_rows(f.id(), "ints", 1, 3, rows);
  EXPECT_EQ(rows[0], 3.0);
  EXPECT_EQ(rows[3], 6.0);
  double v[3];
  hdf5::read_rows(f.id(), "floats", 0, 3, v);
  EXPECT_EQ(v[2], 2.5);
}

TEST_F(Hdf5Io, BadDatasetsAreNamed) {
  EXPECT_NE(error_of("nope", 2).find(path_ + ": no dataset 'nope'"), std::string::npos);
  EXPECT_NE(error_of("names", 1).find(path_ + ":names has non-numeric type string"), std::string::npos);
  EXPECT_NE(error_of("floats", 2).find("must be 2-D"), std::string::npos);
  EXPECT_NE(error_of("cube", 2).find("must be 2-D"), std::string::npos);
  EXPECT_NE(error_of("ints", 1).find("must be 1-D"), std::string::npos);
  EXPECT_NE(error_of("empty", 2).find(path_ + ":empty is empty"), std::string::npos);
}

TEST_F(Hdf5Io, BadFilesAreNamed) {
  EXPECT_THROW(hdf5::open_for_reading((dir_ / "missing.h5").string()), InputError);
  const std::string text = (dir_ / "text.h5").string();
  { std::ofstream(text) << "not hdf5"; }
  try {
    hdf5::open_for_reading(text);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), text + ": not an HDF5 file");
  }
  EXPECT_THROW(hdf5::open_for_reading(dir_.string()), InputError);
}

TEST_F(Hdf5Io, RowReaderRefusesAThreeDimensionalDatasetBeforeReadingItsShape) {
  // It used to read the three dimensions into a two-element array (ASan: stack-buffer-overflow).
  hdf5::Handle f = hdf5::open_for_reading(path_);
  try {
    hdf5::RowReader reader(f.id(), "cube");
    FAIL() << "a 3-D dataset was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'cube' is 3-D"), std::string::npos) << e.what();
  }
}

TEST_F(Hdf5Io, RowReaderRefusesRowsPastTheEnd) {
  hdf5::Handle f = hdf5::open_for_reading(path_);
  const hdf5::RowReader reader(f.id(), "ints");
  std::vector<double> out(8);
  EXPECT_THROW(reader.read(0, 4, out.data()), InputError);  // 3 rows
  reader.read(1, 3, out.data());
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[3], 6);
}

TEST_F(Hdf5Io, StringsAreUtf8AndCountsAreIntegers) {
  const std::string out = (dir_ / "typed.h5").string();
  {
    hdf5::Handle f(H5Fcreate(out.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    hdf5::write_string(f.id(), "solver", "tsqr");
    hdf5::write_integer(f.id(), "n", 123456789012345);
    const std::int64_t m[4] = {1, 2, 3, 4};
    hdf5::write_integers(f.id(), "counts", m, 2, 2);
  }
  hdf5::Handle f = hdf5::open_for_reading(out);
  hdf5::Handle d(H5Dopen2(f.id(), "solver", H5P_DEFAULT));
  hdf5::Handle type(H5Dget_type(d.id()));
  EXPECT_EQ(H5Tget_cset(type.id()), H5T_CSET_UTF8);
  EXPECT_EQ(hdf5::describe(f.id(), out, "n").type, "int64");
  const auto counts = hdf5::describe(f.id(), out, "counts");
  EXPECT_EQ(counts.type, "int64");
  EXPECT_EQ(counts.dims, (std::vector<std::uint64_t>{2, 2}));
  EXPECT_EQ(hdf5::read_all(f.id(), "n"), std::vector<double>{123456789012345.0});
}

}  // namespace
}  // namespace tessera
