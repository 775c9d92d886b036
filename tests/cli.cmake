# The `mpadjust` command (examples/mpadjust): pytest drives the binary against the simulator,
# and the quick start's whole flow runs as a test.
if(TARGET mpadjust-cli)
  add_test(NAME cli.pytest
           COMMAND "${MPADJUST_VENV_PYTHON}" -m pytest "${PROJECT_SOURCE_DIR}/tests/cli" -q
                   -p no:cacheprovider)
  set_tests_properties(cli.pytest PROPERTIES LABELS "cli"
    ENVIRONMENT "${MPADJUST_TEST_ENV};MPADJUST_CLI=$<TARGET_FILE:mpadjust-cli>" TIMEOUT 300)
endif()
