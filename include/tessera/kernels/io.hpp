#pragma once
/// @file
/// Contracts of the io lane's kernels: reading row blocks of HDF5 datasets, and writing row
/// blocks into a dataset rank 0 allocated in the output file (see core/contract.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/core/contract.hpp"

namespace tessera {

/// Rows [row_begin, row_end) of a 1-D or 2-D numeric dataset, as float64, checked for NaN/Inf.
/// With `classes` {negative, positive}, a binary target's values are read as 0 and 1, and any
/// other value is bad input.
struct ReadRows {
  static constexpr const char* name = "read_rows";
  static constexpr Lane lane = Lane::io;
  static constexpr std::size_t inputs = 0;
  struct Params {
    std::string path, dataset;
    std::int64_t row_begin = 0, row_end = 0;
    std::int64_t cols = 0;  ///< as planned; a dataset with another count is refused
    std::optional<std::vector<double>> classes;
    /// Several 1-D datasets read side by side as the columns, their names one per line (`dataset`
    /// is then unused); or the chosen columns (0-based) of `dataset`.
    std::optional<std::string> column_datasets;
    std::optional<std::vector<double>> columns;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("path", self.path);
      visit("dataset", self.dataset);
      visit("row_begin", self.row_begin);
      visit("row_end", self.row_end);
      visit("cols", self.cols);
      visit("classes", self.classes);
      visit("column_datasets", self.column_datasets);
      visit("columns", self.columns);
    }
  };
  struct Result {
    Eigen::MatrixXd rows;  ///< cols x rows: the file's row-major rows, as columns
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("rows", self.rows);
    }
  };
};

/// A whole dataset (rows x cols as planned), transposed like ReadRows'. `copy` only tells copies
/// apart: one per worker, so each worker reads its own instead of fetching one.
struct ReadAll {
  static constexpr const char* name = "read_all";
  static constexpr Lane lane = Lane::io;
  static constexpr std::size_t inputs = 0;
  struct Params {
    std::string path, dataset;
    std::int64_t rows = 0, cols = 0, copy = 0;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("path", self.path);
      visit("dataset", self.dataset);
      visit("rows", self.rows);
      visit("cols", self.cols);
      visit("copy", self.copy);
    }
  };
  using Result = ReadRows::Result;
};

/// pwrite of a block of rows (its input, cols x rows) into a contiguous dataset of the output
/// file at byte `offset`, flushed to disk before the task counts as done.
struct WriteRows {
  static constexpr const char* name = "write_rows";
  static constexpr Lane lane = Lane::io;
  static constexpr std::size_t inputs = 1;
  struct Params {
    std::string path;
    std::int64_t offset = 0, row_begin = 0;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("path", self.path);
      visit("offset", self.offset);
      visit("row_begin", self.row_begin);
    }
  };
  using Result = NoFields;
};

}  // namespace tessera
