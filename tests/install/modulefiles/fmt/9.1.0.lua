-- {fmt} 9.1.0 (Debian's libfmt-dev): fmt-config.cmake under the prefix.
whatis("fmt 9.1.0")
local root = "/usr"
prepend_path("CMAKE_PREFIX_PATH", root)
