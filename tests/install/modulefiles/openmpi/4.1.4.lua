-- Open MPI built with the gcc module's compiler (Debian's openmpi-bin, libopenmpi-dev).
-- CMake's FindMPI takes mpiexec from MPI_HOME/bin, and the mpicc/mpicxx wrappers beside it.
whatis("Open MPI 4.1.4")
family("mpi")
depends_on("gcc")
local root = "/usr"
local libdir = "/usr/lib/x86_64-linux-gnu/openmpi/lib"
setenv("MPI_HOME", root)
prepend_path("PATH", pathJoin(root, "bin"))
prepend_path("LD_LIBRARY_PATH", libdir)
prepend_path("PKG_CONFIG_PATH", pathJoin(libdir, "pkgconfig"))
prepend_path("CMAKE_PREFIX_PATH", root)
