-- Eigen 3.4.0, header only (Debian's libeigen3-dev). Eigen3_DIR names the directory holding
-- Eigen3Config.cmake; find_package(Eigen3) reads it from the environment.
whatis("Eigen 3.4.0")
setenv("Eigen3_DIR", "/usr/share/eigen3/cmake")
