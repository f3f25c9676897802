#include "tessera/search/stratified_folds.hpp"

#include <fmt/format.h>

#include "tessera/core/contract.hpp"
#include "tessera/plan/target_classes.hpp"

namespace tessera {
namespace {
/// The classes in the user's values: a mapped binary target's 0/1 are its two values.
std::vector<double> user_classes(const Strata& strata, const MatrixSource& y) {
  std::vector<double> out = strata.classes;
  if (y.classes)
    for (double& v : out) v = v == 0 ? y.classes->negative : y.classes->positive;
  return out;
}
}  // namespace

Strata find_strata(Client& client, const XyData& in, std::int64_t folds, std::ostream& report) {
  Graph graph;
  const std::vector<TaskKey> counted = add_class_counts(graph, in.y, in.chunk_rows);
  std::vector<ClassCounts::Result> chunks;
  for (const Future& f : client.submit(graph, counted)) chunks.push_back(from_value<ClassCounts::Result>(*client.gather(f)));
  Strata strata = strata_of(chunks, in.chunk_rows, in.y, folds);
  std::string classes;
  const std::vector<double> names = user_classes(strata, in.y);
  for (std::size_t c = 0; c < names.size() && c < 10; ++c)
    classes += fmt::format("{}{} ({} rows)", c ? ", " : "", class_name(names[c]), strata.rows[c]);
  if (names.size() > 10) classes += fmt::format(", and {} more", names.size() - 10);
  report << fmt::format("stratified folds: {} classes of {}:{}: {}; each fold holds each class's share within one row\n",
                        names.size(), in.y.path, in.y.dataset, classes);
  return strata;
}

void publish_strata(const Strata& strata, const MatrixSource& y, hid_t file, nlohmann::json& summary) {
  const std::vector<double> classes = user_classes(strata, y);
  const auto counts = fold_class_counts(strata);
  std::vector<std::int64_t> flat;
  for (const auto& row : counts) flat.insert(flat.end(), row.begin(), row.end());
  hdf5::write_matrix(file, "cv_classes", classes.data(), classes.size(), 0);
  hdf5::write_integers(file, "cv_fold_class_counts", flat.data(), counts.size(), classes.size());
  summary["stratified"] = {{"classes", classes}, {"fold_class_counts", counts}};
}

}  // namespace tessera
