# Client area (issue #4): protocol, operations, retries, observability. Label "client".
#   unit.client        doctest cases "client: ..." (canned JSON, in-memory transport)
#   client.sim         doctest cases "client-sim: ..." against a fresh simulator
#   client.sim.big     "client-sim-big: ..." against a generated 10 000-agreement seed
#   bench.client       mpadjust-bench-client smoke run (small N; prints figures, asserts nothing)
include(${CMAKE_CURRENT_LIST_DIR}/simulator.cmake)

mpadjust_unit_suite(client)

mpadjust_simulator_test(client.sim LABELS client simulator TIMEOUT 300
  COMMAND $<TARGET_FILE:mpadjust-unit-tests> --test-case=client-sim:* --no-intro=true)

set(MPADJUST_CLIENT_BIG_SEED "${CMAKE_BINARY_DIR}/client-big-seed.json")
add_test(NAME client.sim.big.seed
         COMMAND "${MPADJUST_VENV_PYTHON}" "${PROJECT_SOURCE_DIR}/tests/simulator/gen_seed.py"
                 --agreements 10000 --invoices 100000 --out "${MPADJUST_CLIENT_BIG_SEED}")
set_tests_properties(client.sim.big.seed PROPERTIES LABELS "client;simulator"
                     FIXTURES_SETUP client_big_seed ENVIRONMENT "${MPADJUST_TEST_ENV}")
mpadjust_simulator_test(client.sim.big LABELS client simulator TIMEOUT 600
  SIM_ARGS --seed "${MPADJUST_CLIENT_BIG_SEED}"
  COMMAND $<TARGET_FILE:mpadjust-unit-tests> --test-case=client-sim-big:* --no-intro=true)
set_tests_properties(client.sim.big PROPERTIES FIXTURES_REQUIRED client_big_seed)
set_property(TEST client.sim.big APPEND PROPERTY ENVIRONMENT
             "MPADJUST_CLIENT_BIG_SEED=${MPADJUST_CLIENT_BIG_SEED}")

if(TARGET mpadjust-bench-client)
  mpadjust_simulator_test(bench.client LABELS client bench TIMEOUT 300
    COMMAND $<TARGET_FILE:mpadjust-bench-client> --calls 20 --botocore-calls 10 --rounds 1)
endif()

# Adaptive retry mode: our rate limiter against botocore's classes on 60 generated event
# scripts (tests/client/adaptive_crosscheck.py). Skipped (77) without the bootstrap venv.
add_test(NAME client.adaptive_crosscheck
         COMMAND ${MPADJUST_VENV_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/client/adaptive_crosscheck.py
                 $<TARGET_FILE:adaptive_trace>)
set_tests_properties(client.adaptive_crosscheck PROPERTIES LABELS "client"
                     ENVIRONMENT "${MPADJUST_TEST_ENV}" SKIP_RETURN_CODE 77)
