# The refund workflow (issue #5): doctest cases "workflow: ..." (fake service, no network) and,
# with libcurl, "workflow-sim: ..." against the simulator plus the kill test.
mpadjust_unit_suite(workflow)

if(MPADJUST_WITH_CURL)
  # Simulator-backed doctest cases ("workflow-sim: ...": full flow, ambiguous search, partial
  # refunds to the maximum, local refusals that never reach the simulator, partial batch failure).
  add_test(NAME workflow.sim
           COMMAND ${MPADJUST_VENV_PYTHON}
                   ${PROJECT_SOURCE_DIR}/tests/simulator/run_with_simulator.py
                   --adjustment-delay 0 --timeout 300 --
                   $<TARGET_FILE:mpadjust-unit-tests> --test-case=workflow-sim:* --no-intro=true)
  set_tests_properties(workflow.sim PROPERTIES LABELS "workflow;simulator"
                       ENVIRONMENT "${MPADJUST_TEST_ENV}" TIMEOUT 400)
  # The kill test: a 500-entry plan submitted by a child that is SIGKILLed 8 times under
  # drop-after-apply faults; the ledger must hold exactly one adjustment per entry.
  add_test(NAME workflow.kill
           COMMAND ${MPADJUST_VENV_PYTHON} ${PROJECT_SOURCE_DIR}/tests/workflow/kill_test.py
                   --driver $<TARGET_FILE:mpadjust-workflow-driver>)
  set_tests_properties(workflow.kill PROPERTIES LABELS "workflow;simulator"
                       ENVIRONMENT "${MPADJUST_TEST_ENV}" TIMEOUT 300)
endif()
