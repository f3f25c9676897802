# One INTERFACE target carries the project's warning flags, so every target opts in the same way.
add_library(tessera_warnings INTERFACE)
target_compile_options(tessera_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor -Wpedantic
  # Aggregates with default member initialisers are filled partly on purpose.
  -Wno-missing-field-initializers)
if(TESSERA_WERROR)
  target_compile_options(tessera_warnings INTERFACE -Werror)
endif()
add_library(tessera::warnings ALIAS tessera_warnings)
