# SigV4 signer: doctest cases "sigv4: ...", the suite runner over the official cases, and a smoke
# run of the benchmark (no timing assertions).
mpadjust_unit_suite(sigv4)

add_test(NAME sigv4.suite
         COMMAND mpadjust-sigv4-suite ${MPADJUST_SHARED_DIR}/sigv4-test-suite/v4)
# The exit status says whether anything failed; the summary line pins the case count.
set_tests_properties(sigv4.suite PROPERTIES LABELS "sigv4" ENVIRONMENT "${MPADJUST_TEST_ENV}"
                     PASS_REGULAR_EXPRESSION "(^|\n)76 passed, 0 failed\n")

# The runner must fail (non-zero, "N failed") on a case whose expectation is wrong.
add_test(NAME sigv4.suite_detects_failure
         COMMAND mpadjust-sigv4-suite ${CMAKE_CURRENT_SOURCE_DIR}/data/sigv4/runner-selftest)
set_tests_properties(sigv4.suite_detects_failure PROPERTIES LABELS "sigv4" WILL_FAIL TRUE)

add_test(NAME bench.sigv4 COMMAND mpadjust-bench-sigv4 2000)
set_tests_properties(bench.sigv4 PROPERTIES LABELS "bench;sigv4")
add_test(NAME sigv4.suite_reports_stage
         COMMAND mpadjust-sigv4-suite ${CMAKE_CURRENT_SOURCE_DIR}/data/sigv4/runner-selftest)
set_tests_properties(sigv4.suite_reports_stage PROPERTIES LABELS "sigv4"
  PASS_REGULAR_EXPRESSION
  "FAIL selftest-bad-signature header: signature differs[^\n]*\n.*PASS selftest-good header\n.*\n1 passed, 1 failed\n")
