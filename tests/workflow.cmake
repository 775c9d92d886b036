# The refund workflow (issue #5): doctest cases "workflow: ..." (fake service, no network) and,
# with libcurl, "workflow-sim: ..." against the simulator plus the kill test.
mpadjust_unit_suite(workflow)
