# The Agreement Service simulator (tests/simulator/, issue #3): its own pytest suite, and helpers
# for other areas' tests that need a running simulator.
#
#   mpadjust_simulator_test(<name> LABELS <labels...> [SIM_ARGS <simulator flags...>]
#                           [TIMEOUT <seconds>] COMMAND <cmd> [args...])
# registers a ctest entry that runs <cmd> under tests/simulator/run_with_simulator.py: the
# simulator is started on a free loopback port, MPADJUST_SIM_ENDPOINT / AWS_ACCESS_KEY_ID /
# AWS_SECRET_ACCESS_KEY / AWS_REGION are exported to <cmd>, and the simulator is always stopped.
# A tests/<area>.cmake that sorts before this file can `include(${CMAKE_CURRENT_LIST_DIR}/simulator.cmake)`
# first (the include guard makes the second include a no-op).
include_guard(GLOBAL)

set(MPADJUST_SIMULATOR_DIR "${PROJECT_SOURCE_DIR}/tests/simulator")
set(MPADJUST_RUN_WITH_SIMULATOR
    "${MPADJUST_VENV_PYTHON}" "${MPADJUST_SIMULATOR_DIR}/run_with_simulator.py")

function(mpadjust_simulator_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "LABELS;SIM_ARGS;COMMAND" ${ARGN})
  if(NOT ARG_COMMAND)
    message(FATAL_ERROR "mpadjust_simulator_test(${name}): COMMAND is required")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_test(NAME ${name}
           COMMAND ${MPADJUST_RUN_WITH_SIMULATOR} ${ARG_SIM_ARGS} --timeout ${ARG_TIMEOUT}
                   -- ${ARG_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}"
                       ENVIRONMENT "${MPADJUST_TEST_ENV}" TIMEOUT ${ARG_TIMEOUT})
endfunction()

# The simulator's own tests (botocore drives it; every check and fault flag).
add_test(NAME simulator.pytest
         COMMAND "${MPADJUST_VENV_PYTHON}" -m pytest "${MPADJUST_SIMULATOR_DIR}" -q
                 -p no:cacheprovider)
set_tests_properties(simulator.pytest PROPERTIES LABELS "simulator"
                     ENVIRONMENT "${MPADJUST_TEST_ENV}" TIMEOUT 300)
