-- OpenBLAS 0.3.21, pthreads build (Debian's libopenblas-pthread-dev). tessera finds it with
-- pkg-config (openblas.pc), so the module's pkgconfig directory goes on PKG_CONFIG_PATH.
whatis("OpenBLAS 0.3.21 (pthreads)")
local root = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
prepend_path("PKG_CONFIG_PATH", pathJoin(root, "pkgconfig"))
prepend_path("LD_LIBRARY_PATH", root)
prepend_path("CMAKE_PREFIX_PATH", root)
