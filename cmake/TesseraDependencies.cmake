# Every dependency is a Debian package; scripts/bootstrap installs the missing ones.
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(Boost 1.74 REQUIRED COMPONENTS mpi serialization)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
# Prefer the Open MPI build of HDF5 (libhdf5-openmpi-dev) so several ranks can write one file.
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "tessera needs the parallel (MPI) build of HDF5: apt-get install libhdf5-openmpi-dev, or on a cluster load a parallel HDF5 module and set HDF5_ROOT (docs/install.md)")
endif()
find_package(tomlplusplus REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
# OpenBLAS for the symmetric rank-k update (dsyrk) at the heart of XᵀX; Eigen does the rest.
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)

