# One INTERFACE target carries the project's warning flags, so every target opts in the same way.
add_library(tessera_warnings INTERFACE)
target_compile_options(tessera_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor -Wpedantic
  # Aggregates with default member initialisers are filled partly on purpose.
  -Wno-missing-field-initializers)
# Known false positive, not in tessera's code: GCC 12 warns "'__Y' may be used uninitialized" (and,
# at -O2 with sanitizers, "is used uninitialized") inside its own avx512fintrin.h, whose
# _mm512_undefined_pd() initialises a variable with itself on purpose (GCC bug 105593, fixed in
# GCC 13) — over a thousand times per build wherever Eigen's AVX-512 code is inlined with
# -march=native. GCC 12 cannot silence a header's inlined code alone, so these two are off there.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(tessera_warnings INTERFACE -Wno-maybe-uninitialized -Wno-uninitialized)
endif()
if(TESSERA_WERROR)
  target_compile_options(tessera_warnings INTERFACE -Werror)
endif()
add_library(tessera::warnings ALIAS tessera_warnings)
