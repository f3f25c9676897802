-- spdlog 1.10.0, built against the fmt module (Debian's libspdlog-dev).
whatis("spdlog 1.10.0")
depends_on("fmt")
local root = "/usr"
prepend_path("CMAKE_PREFIX_PATH", root)
