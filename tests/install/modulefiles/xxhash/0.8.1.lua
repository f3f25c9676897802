-- xxHash 0.8.1 (Debian's libxxhash-dev). tessera finds it with pkg-config (libxxhash.pc).
whatis("xxHash 0.8.1")
local root = "/usr"
prepend_path("PKG_CONFIG_PATH", pathJoin(root, "lib/x86_64-linux-gnu/pkgconfig"))
