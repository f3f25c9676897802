#pragma once
/// @file
/// A job's output file, read back (by the HTML report): datasets by name, as numbers or strings.
#include <string>
#include <vector>

#include "tessera/io/hdf5.hpp"

namespace tessera {

class ResultsFile {
 public:
  /// InputError naming the path when it is missing or not HDF5.
  explicit ResultsFile(std::string path);
  const std::string& path() const { return path_; }
  bool has(const std::string& dataset) const;
  /// Every element, converted to float64, row-major; InputError naming the dataset if absent.
  std::vector<double> numbers(const std::string& dataset) const;
  double number(const std::string& dataset) const;
  /// The dataset's dimensions.
  std::vector<std::uint64_t> dims(const std::string& dataset) const;
  /// A 1-D dataset of strings (variable-length, as tessera writes them).
  std::vector<std::string> strings(const std::string& dataset) const;
  /// Dataset names in the root group, in the file's order.
  std::vector<std::string> names() const;

 private:
  std::string path_;
  hdf5::Handle file_;
};

}  // namespace tessera
