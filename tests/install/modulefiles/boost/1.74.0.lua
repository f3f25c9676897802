-- Boost 1.74 with Boost.MPI built against the openmpi module (Debian's libboost-mpi-dev).
-- FindBoost reads BOOST_ROOT (CMake 3.25 also Boost_ROOT) and prefers the BoostConfig.cmake there.
whatis("Boost 1.74.0 (mpi, serialization)")
depends_on("openmpi")
local root = "/usr"
setenv("BOOST_ROOT", root)
prepend_path("CMAKE_PREFIX_PATH", root)
