-- HDF5 1.10.8, the parallel build against the openmpi module (Debian's libhdf5-openmpi-dev).
-- Its prefix is not one CMake searches by itself: include/ and lib/ under
-- /usr/lib/x86_64-linux-gnu/hdf5/openmpi. With HDF5_ROOT set, CMake's FindHDF5 searches there
-- and nowhere else (no h5pcc on PATH, no system paths).
whatis("HDF5 1.10.8, parallel (MPI-IO) build for Open MPI")
depends_on("openmpi")
conflict("hdf5")
local root = "/usr/lib/x86_64-linux-gnu/hdf5/openmpi"
setenv("HDF5_ROOT", root)
prepend_path("CMAKE_PREFIX_PATH", root)
prepend_path("LD_LIBRARY_PATH", pathJoin(root, "lib"))
