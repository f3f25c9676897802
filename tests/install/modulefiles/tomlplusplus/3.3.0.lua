-- toml++ 3.3.0 (Debian's libtomlplusplus-dev): tomlplusplusConfig.cmake under the prefix.
whatis("toml++ 3.3.0")
local root = "/usr"
prepend_path("CMAKE_PREFIX_PATH", root)
