# tessera_add_mpi_test(NAME TARGET RANKS r1 r2 ... [TIMEOUT s] [ENV VAR=value...] [LABELS l...])
# Registers one ctest per rank count, run under mpiexec. TIMEOUT turns a deadlock into a failure;
# PROCESSORS tells ctest how many slots each run takes. Running as root and more ranks than cores
# (oversubscription) are allowed through the environment, so nobody has to ask for it.
set(TESSERA_MPI_TEST_ENV
  OMPI_ALLOW_RUN_AS_ROOT=1
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  OMPI_MCA_rmaps_base_oversubscribe=1
  # Idle ranks yield the CPU instead of spinning in Open MPI's progress loop.
  OMPI_MCA_mpi_yield_when_idle=1)

function(tessera_add_mpi_test name target)
  cmake_parse_arguments(ARG "" "TIMEOUT" "RANKS;ENV;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 180)
  endif()
  foreach(ranks IN LISTS ARG_RANKS)
    set(test_name "${name}.np${ranks}")
    add_test(NAME ${test_name}
      COMMAND ${MPIEXEC_EXECUTABLE} -q ${MPIEXEC_NUMPROC_FLAG} ${ranks} ${MPIEXEC_PREFLAGS}
              $<TARGET_FILE:${target}> ${MPIEXEC_POSTFLAGS})
    set_tests_properties(${test_name} PROPERTIES
      TIMEOUT ${ARG_TIMEOUT}
      PROCESSORS ${ranks}
      LABELS "mpi;${ARG_LABELS}"
      ENVIRONMENT "${TESSERA_MPI_TEST_ENV};${ARG_ENV}")
  endforeach()
endfunction()
