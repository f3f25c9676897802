#include "tessera/io/results_file.hpp"

#include "tessera/error.hpp"

namespace tessera {

ResultsFile::ResultsFile(std::string path) : path_(std::move(path)), file_(hdf5::open_for_reading(path_)) {}

bool ResultsFile::has(const std::string& dataset) const {
  const htri_t exists = H5Lexists(file_.id(), dataset.c_str(), H5P_DEFAULT);
  if (exists < 0) H5Eclear2(H5E_DEFAULT);
  return exists > 0;
}

std::vector<double> ResultsFile::numbers(const std::string& dataset) const {
  if (!has(dataset)) throw InputError(path_ + ": no dataset '" + dataset + "'");
  return hdf5::read_all(file_.id(), dataset);
}

double ResultsFile::number(const std::string& dataset) const {
  const auto values = numbers(dataset);
  if (values.size() != 1) throw InputError(path_ + ": '" + dataset + "' is not a single number");
  return values[0];
}

std::vector<std::uint64_t> ResultsFile::dims(const std::string& dataset) const {
  return hdf5::describe(file_.id(), path_, dataset).dims;
}

std::vector<std::string> ResultsFile::strings(const std::string& dataset) const {
  if (!has(dataset)) throw InputError(path_ + ": no dataset '" + dataset + "'");
  const std::string what = path_ + ": '" + dataset + "'";
  hdf5::Handle d(hdf5::check(H5Dopen2(file_.id(), dataset.c_str(), H5P_DEFAULT), what));
  hdf5::Handle type(hdf5::check(H5Dget_type(d.id()), what));
  if (H5Tget_class(type.id()) != H5T_STRING || H5Tis_variable_str(type.id()) <= 0)
    throw InputError(what + " is not a dataset of variable-length strings");
  hdf5::Handle space(hdf5::check(H5Dget_space(d.id()), what));
  const hssize_t points = H5Sget_simple_extent_npoints(space.id());
  if (points < 0) throw IoError(what + ": cannot read its dataspace");
  hdf5::Handle memory(hdf5::check(H5Tcopy(H5T_C_S1), what));
  hdf5::check_status(H5Tset_size(memory.id(), H5T_VARIABLE), what);
  hdf5::check_status(H5Tset_cset(memory.id(), H5Tget_cset(type.id())), what);
  std::vector<char*> pointers(static_cast<std::size_t>(points));
  hdf5::check_status(H5Dread(d.id(), memory.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "reading " + what);
  std::vector<std::string> out;
  for (char* p : pointers) out.emplace_back(p ? p : "");
  hdf5::check_status(H5Dvlen_reclaim(memory.id(), space.id(), H5P_DEFAULT, pointers.data()), what);
  return out;
}

std::vector<std::string> ResultsFile::names() const {
  std::vector<std::string> out;
  for (const auto& info : hdf5::list_datasets(file_.id(), path_)) out.push_back(info.name);
  return out;
}

}  // namespace tessera
