# Transport (labels "http") and endpoint resolution ("endpoints") doctest suites.
mpadjust_unit_suite(http)
mpadjust_unit_suite(endpoints)
