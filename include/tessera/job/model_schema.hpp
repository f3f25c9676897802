#pragma once
/// @file
/// What a job type declares about its `[model]` table, so that the job file's parser, the docs'
/// key list and the job's driver all follow one declaration: an Options struct whose `fields`
/// name each key once, with its meaning and check, and whose member initialisers are the
/// defaults.
///
/// @code
/// struct RidgeOptions {
///   bool fit_intercept = true;
///   double alpha = 1.0;
///   template <class Self, class Visit> static void fields(Self& self, Visit&& visit) {
///     visit(KeyDoc{"fit_intercept", "fit an intercept, unpenalised"}, self.fit_intercept);
///     visit(KeyDoc{"alpha", "the penalty on the coefficients", Check::finite_non_negative}, self.alpha);
///   }
/// };
/// @endcode
#include <any>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace tessera {

/// What a value must satisfy; the parser says so, naming the key, its line and the value.
enum class Check { none, finite_non_negative, finite_positive, at_least_one, open_unit_interval, unit_interval };

/// One key of [model]. A dotted name ("pca.n_components") is a key of a sub-table ([model.pca]).
struct KeyDoc {
  std::string name, meaning;
  Check check = Check::none;
  std::vector<std::string> choices = {};  ///< the values a string key accepts
  bool required = false;
};

/// Reads [model] keys into typed fields; implemented by the job file's parser.
class OptionReader {
 public:
  virtual ~OptionReader() = default;
  virtual void read(const KeyDoc& key, bool& value) = 0;
  virtual void read(const KeyDoc& key, std::int64_t& value) = 0;
  virtual void read(const KeyDoc& key, double& value) = 0;
  virtual void read(const KeyDoc& key, std::string& value) = 0;
  virtual void read(const KeyDoc& key, std::optional<std::int64_t>& value) = 0;
  /// A number, or a boolean as 1 or 0 (a class of a boolean target); none when absent.
  virtual void read(const KeyDoc& key, std::optional<double>& value) = 0;
};

/// A parameter a [search] grid may vary, and the names it is also known by.
struct GridParameter {
  std::string name;
  std::vector<std::string> aliases;
  Check check = Check::none;
  bool whole_numbers = false;  ///< pca.n_components: integers, written as such
  /// A parameter whose values are names (logistic regression's penalty): the grid lists names, and
  /// a candidate holds each one's index in this list (search/results.hpp: value_names).
  std::vector<std::string> names = {};
};

/// Everything the parser needs to know about one job type's [model] and what may go with it.
struct ModelSchema {
  std::vector<KeyDoc> keys;
  /// Parses the Options struct; the result is what the job's driver reads (ModelSpec::as).
  std::function<std::any(OptionReader&)> read_options;
  /// For [search]: its parameters, and its scorings (the first is the default). No grid: the type
  /// takes no [cv] or [search]. A grid but no scorings: [search] runs every candidate on all rows,
  /// scored by the model itself (kmeans: inertia per k), and [cv] does not apply.
  std::vector<GridParameter> grid;
  std::vector<std::string> scorings;
  /// "regressors" or "classifiers", for messages; without scorings, how the grid is scored
  /// ("scores each k by its inertia on all rows").
  std::string scored_as;
  bool predicts = false;  ///< takes a [predict] section
};

/// The schema of an Options struct (see the file comment).
template <class Options>
ModelSchema schema_of() {
  ModelSchema schema;
  Options defaults{};
  Options::fields(defaults, [&](const KeyDoc& key, const auto&) { schema.keys.push_back(key); });
  schema.read_options = [](OptionReader& reader) -> std::any {
    Options options{};
    Options::fields(options, [&](const KeyDoc& key, auto& value) { reader.read(key, value); });
    return options;
  };
  return schema;
}

/// The schema of a cross-validated regressor that predicts (ridge, elastic net): its [model] keys,
/// the grid parameters given, and the regression scorings, R² the default as scikit-learn's.
template <class Options>
ModelSchema regressor_schema(std::vector<GridParameter> grid) {
  ModelSchema s = schema_of<Options>();
  s.grid = std::move(grid);
  s.scorings = {"r2", "neg_mean_squared_error"};
  s.scored_as = "regressors";
  s.predicts = true;
  return s;
}

/// A key's default as the docs print it.
template <class Options>
std::vector<std::string> option_defaults() {
  std::vector<std::string> out;
  Options defaults{};
  Options::fields(defaults, [&](const KeyDoc& key, const auto& value) {
    using V = std::decay_t<decltype(value)>;
    if (key.required)
      out.push_back("required");
    else if constexpr (std::is_same_v<V, bool>)
      out.push_back(value ? "true" : "false");
    else if constexpr (std::is_same_v<V, std::string>)
      out.push_back(value.empty() ? "none" : "\"" + value + "\"");
    else if constexpr (std::is_same_v<V, std::optional<std::int64_t>>)
      out.push_back(value ? std::to_string(*value) : "none");
    else if constexpr (std::is_same_v<V, std::optional<double>>)
      out.push_back(value ? fmt::format("{}", *value) : "none");
    else if constexpr (std::is_same_v<V, double>)
      out.push_back(fmt::format("{}", value));
    else
      out.push_back(std::to_string(value));
  });
  return out;
}

}  // namespace tessera
