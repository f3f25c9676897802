#pragma once
/// @file
/// Typed kernel contracts. A kernel family's header (kernels/*.hpp) declares, for each kernel, one
/// struct that both the graph builder and the kernel include:
///
/// @code
/// struct FoldGram {
///   static constexpr const char* name = "fold_gram";
///   static constexpr Lane lane = Lane::compute;
///   static constexpr std::size_t inputs = 2;          // (X chunk, y chunk)
///   struct Params {
///     FoldAssignment folds;                         // a nested struct with its own fields
///     std::int64_t row_begin = 0;
///     template <class Self, class Visit> static void fields(Self& self, Visit&& visit) {
///       visit("folds", self.folds);
///       visit("row_begin", self.row_begin);
///     }
///   };
///   struct Result {
///     std::vector<Eigen::MatrixXd> grams;
///     template <class Self, class Visit> static void fields(Self& self, Visit&& visit) { visit("grams", self.grams); }
///   };
/// };
/// @endcode
///
/// A contract may also declare `version` (see version_of) and `checkpoint` (see checkpointed).
/// A parameter's name and a result's block order are written once, in `fields`; `to_params`,
/// `from_params`, `to_value` and `from_value` pack and unpack them, so a builder and its kernel
/// cannot disagree without failing to compile. Builders make tasks with plan/tasks.hpp's
/// `task_of<K>`; kernels register with `add_kernel<K>`. Parameter fields may be integers, bools, doubles,
/// strings, vectors of doubles, optionals of those, or nested structs with their own `fields`;
/// result fields are matrices, doubles (1 x 1 blocks) or, last, a vector of matrices. A kernel
/// whose result keeps its inputs' layout (a blockwise sum) uses Value itself as its Result.
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "tessera/core/kernel_registry.hpp"
#include "tessera/error.hpp"
#include "tessera/core/params.hpp"
#include "tessera/core/value.hpp"

namespace tessera {
namespace contract_detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
concept has_fields = requires(T& t) { T::fields(t, [](const char*, auto&) {}); };

template <class T>
void set_param(Params& params, const std::string& name, const T& value) {
  if constexpr (is_optional<T>::value) {
    if (value) set_param(params, name, *value);
  } else if constexpr (has_fields<T>) {
    T::fields(value, [&](const char* field, const auto& v) { set_param(params, name + "." + field, v); });
  } else if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>) {
    params.set(name, static_cast<std::int64_t>(value));
  } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<double>>) {
    params.set(name, value);
  } else {
    static_assert(sizeof(T) == 0, "a contract parameter must be an integer, bool, double, string, vector<double>, "
                                  "optional or struct with fields");
  }
}

template <class T>
void get_param(const Params& params, const std::string& name, T& value) {
  if constexpr (is_optional<T>::value) {
    if (params.has(name)) {
      typename T::value_type v{};
      get_param(params, name, v);
      value = std::move(v);
    } else {
      value.reset();
    }
  } else if constexpr (has_fields<T>) {
    T::fields(value, [&](const char* field, auto& v) { get_param(params, name + "." + field, v); });
  } else if constexpr (std::is_same_v<T, bool>) {
    value = params.integer(name) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    value = static_cast<T>(params.integer(name));
  } else if constexpr (std::is_same_v<T, double>) {
    value = params.real(name);
  } else if constexpr (std::is_same_v<T, std::string>) {
    value = params.text(name);
  } else {
    value = params.reals(name);
  }
}

}  // namespace contract_detail

/// Kernel parameters from a contract's Params struct.
template <class P>
Params to_params(const P& p) {
  Params out;
  P::fields(p, [&](const char* name, const auto& v) { contract_detail::set_param(out, name, v); });
  return out;
}

/// A contract's Params struct from kernel parameters; Error naming a missing or mistyped one.
template <class P>
P from_params(const Params& params) {
  P out{};
  P::fields(out, [&](const char* name, auto& v) { contract_detail::get_param(params, name, v); });
  return out;
}

/// A Value from a contract's Result struct (matrices moved in, in field order).
template <class R>
Value to_value(R&& r) {
  if constexpr (std::is_same_v<std::decay_t<R>, Value>) {
    return std::forward<R>(r);  // layout-agnostic kernels (sum)
  } else {
    Value out;
    std::decay_t<R>::fields(r, [&](const char*, auto& field) {
      using F = std::decay_t<decltype(field)>;
      if constexpr (std::is_same_v<F, Eigen::MatrixXd>)
        out.blocks.push_back(std::move(field));
      else if constexpr (std::is_same_v<F, double>)
        out.blocks.push_back(Eigen::MatrixXd::Constant(1, 1, field));
      else if constexpr (std::is_same_v<F, std::vector<Eigen::MatrixXd>>)
        for (auto& m : field) out.blocks.push_back(std::move(m));
      else
        static_assert(sizeof(F) == 0, "a contract result field must be a matrix, a double or a vector of matrices");
    });
    return out;
  }
}

/// A contract's Result struct from a Value (copies the blocks); Error when the layout differs.
template <class R>
R from_value(const Value& v) {
  if constexpr (std::is_same_v<R, Value>) {
    return v;
  } else {
    R out{};
    std::size_t next = 0;
    R::fields(out, [&](const char* name, auto& field) {
      using F = std::decay_t<decltype(field)>;
      if constexpr (std::is_same_v<F, std::vector<Eigen::MatrixXd>>) {
        field.assign(v.blocks.begin() + static_cast<std::ptrdiff_t>(std::min(next, v.blocks.size())), v.blocks.end());
        next = v.blocks.size();
      } else {
        if (next >= v.blocks.size()) throw Error(std::string("result field '") + name + "' is missing from the value");
        if constexpr (std::is_same_v<F, double>)
          field = v.blocks[next](0, 0);
        else
          field = v.blocks[next];
        ++next;
      }
    });
    if (next != v.blocks.size()) throw Error("a value holds more blocks than its result type");
    return out;
  }
}

/// A struct of doubles with `fields` as one matrix column: how a batch of them (one per model)
/// travels in one block. The order is the struct's field order, written nowhere else.
template <class T>
Eigen::Index field_count() {
  T t{};
  Eigen::Index n = 0;
  T::fields(t, [&](const char*, double&) { ++n; });
  return n;
}
template <class T>
void to_column(const T& t, Eigen::MatrixXd& m, Eigen::Index column) {
  Eigen::Index i = 0;
  T::fields(t, [&](const char*, const double& v) { m(i++, column) = v; });
}
template <class T>
T from_column(const Eigen::MatrixXd& m, Eigen::Index column) {
  T t{};
  Eigen::Index i = 0;
  T::fields(t, [&](const char*, double& v) { v = m(i++, column); });
  return t;
}

/// What a typed kernel sees besides its parameters: its inputs' values and its rank.
struct KernelInputs {
  const std::vector<ValuePtr>& values;
  int rank = 0;
  const Value& operator[](std::size_t i) const { return *values.at(i); }
  /// The first block of input `i`: most inputs are one matrix (a chunk's rows, transposed).
  const Eigen::MatrixXd& matrix(std::size_t i) const { return (*values.at(i))[0]; }
  std::size_t size() const { return values.size(); }
};

/// K's version, part of every key of its tasks: `static constexpr std::uint32_t version = 2;` in K
/// when its arithmetic changes, so results a checkpoint store holds from the old kernel stop
/// matching. 1 when K does not say.
template <class K>
constexpr std::uint32_t version_of() {
  if constexpr (requires { K::version; })
    return K::version;
  else
    return 1;
}

/// Whether K's results go to a checkpoint store: a compute kernel's unless K says
/// `static constexpr bool checkpoint = false;` (results as large as the rows they came from, which
/// cost less to compute again than to keep). Chunk reads are never kept.
template <class K>
constexpr bool checkpointed() {
  if constexpr (requires { K::checkpoint; })
    return K::checkpoint;
  else
    return K::lane == Lane::compute;
}

/// Registers `kernel`, a function of (K::Params, KernelInputs) returning K::Result, under K's name,
/// on K's lane, kept in a checkpoint store or not as checkpointed<K> says.
template <class K, class F>
void add_kernel(KernelRegistry& registry, F kernel) {
  registry.add(
      K::name,
      [kernel](const KernelContext& ctx) -> Value {
        if (ctx.inputs.size() != K::inputs)
          throw Error(std::string(K::name) + ": expected " + std::to_string(K::inputs) + " inputs, got " +
                      std::to_string(ctx.inputs.size()));
        return to_value(kernel(from_params<typename K::Params>(ctx.params), KernelInputs{ctx.inputs, ctx.rank}));
      },
      K::lane, checkpointed<K>());
}

/// Contracts whose kernel takes no parameters use this as their Params, and those that return
/// nothing as their Result.
struct NoFields {
  template <class Self, class Visit>
  static void fields(Self&, Visit&&) {}
};

}  // namespace tessera
