# Transport (labels "http") and endpoint resolution ("endpoints") doctest suites.
mpadjust_unit_suite(http)
mpadjust_unit_suite(endpoints)

# The TLS tests of test_http.cpp run a TLS server in-process with OpenSSL (libssl).
find_package(OpenSSL 3.0 COMPONENTS SSL)
if(OpenSSL_SSL_FOUND OR TARGET OpenSSL::SSL)
  target_link_libraries(mpadjust-unit-tests PRIVATE OpenSSL::SSL)
  target_compile_definitions(mpadjust-unit-tests PRIVATE MPADJUST_TEST_HAVE_SSL=1)
endif()
