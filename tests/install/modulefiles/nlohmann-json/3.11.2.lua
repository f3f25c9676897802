-- JSON for Modern C++ 3.11.2, header only (Debian's nlohmann-json3-dev).
whatis("nlohmann-json 3.11.2")
prepend_path("CMAKE_PREFIX_PATH", "/usr")
