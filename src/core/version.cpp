#include "tessera/core/version.hpp"

#include <hdf5.h>
#include <mpi.h>

#include <Eigen/Core>
#include <boost/version.hpp>
#include <fmt/format.h>

namespace tessera {

const char* version() { return TESSERA_VERSION; }

std::string version_line() {
  unsigned h5_major = 0, h5_minor = 0, h5_release = 0;
  H5get_libversion(&h5_major, &h5_minor, &h5_release);
  std::string mpi = "MPI";
#ifdef OMPI_MAJOR_VERSION
  mpi = fmt::format("Open MPI {}.{}.{}", OMPI_MAJOR_VERSION, OMPI_MINOR_VERSION, OMPI_RELEASE_VERSION);
#endif
  return fmt::format("tessera {} ({}, HDF5 {}.{}.{}, Eigen {}.{}.{}, Boost {}.{})", version(), mpi, h5_major, h5_minor,
                     h5_release, EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, BOOST_VERSION / 100000,
                     BOOST_VERSION / 100 % 1000);
}

}  // namespace tessera
