-- CLI11 2.1.2, header only (Debian's libcli11-dev): CLI11Config.cmake under the prefix.
whatis("CLI11 2.1.2")
prepend_path("CMAKE_PREFIX_PATH", "/usr")
