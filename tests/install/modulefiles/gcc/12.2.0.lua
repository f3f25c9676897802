-- The compiler, as a site's module provides it. Every modulefile here points at Debian 12's
-- packages (scripts/bootstrap installs them); at a site the same lines name the module's prefix.
whatis("GNU compilers 12.2.0 (Debian's gcc-12, g++-12)")
family("compiler")
local root = "/usr"
prepend_path("PATH", pathJoin(root, "bin"))
setenv("CC", pathJoin(root, "bin/gcc-12"))
setenv("CXX", pathJoin(root, "bin/g++-12"))
