#include "tessera/core/params.hpp"

#include "tessera/error.hpp"

namespace tessera {

Params& Params::set(const std::string& name, Param value) {
  values_[name] = std::move(value);
  return *this;
}

template <class T>
const T& Params::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw Error("kernel parameter '" + name + "' is missing");
  const T* v = std::get_if<T>(&it->second);
  if (!v) throw Error("kernel parameter '" + name + "' has the wrong type");
  return *v;
}

std::int64_t Params::integer(const std::string& name) const { return get<std::int64_t>(name); }
double Params::real(const std::string& name) const { return get<double>(name); }
const std::string& Params::text(const std::string& name) const { return get<std::string>(name); }
const std::vector<double>& Params::reals(const std::string& name) const { return get<std::vector<double>>(name); }

}  // namespace tessera
