# C ABI, header, ABI and packaging tests (labels capi, header, abi, package).

# ---- tests/capi: doctest through <mpadjust.h> only, linked to the shared library.
# Every tests/capi/*.cpp; the "capi flow:" cases need the simulator and run in their own
# ctest entry (capi.flow) under tests/simulator/run_with_simulator.py.
file(GLOB mpadjust_capi_test_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/capi/*.cpp)
add_executable(mpadjust-capi-tests ${mpadjust_capi_test_sources})
target_link_libraries(mpadjust-capi-tests PRIVATE mpadjust_shared doctest::doctest Threads::Threads)
target_compile_definitions(mpadjust-capi-tests PRIVATE MPADJUST_DEFAULT_SHARED_DIR="${MPADJUST_SHARED_DIR}"
                           $<$<BOOL:${MPADJUST_WITH_CURL}>:MPADJUST_WITH_CURL=1>)
mpadjust_set_warnings(mpadjust-capi-tests)
mpadjust_set_sanitize(mpadjust-capi-tests)
add_test(NAME capi COMMAND mpadjust-capi-tests --no-intro=true "--test-case-exclude=capi flow:*")
set_tests_properties(capi PROPERTIES LABELS "capi" ENVIRONMENT "${MPADJUST_TEST_ENV}")
# The white-box cases of the exception barrier live in the unit binary (tests/unit/test_capi.cpp).
mpadjust_unit_suite(capi)

# ---- tests/header: mpadjust.h alone, as strict C99 and as C++17, warnings as errors.
add_executable(mpadjust-header-c99 ${CMAKE_CURRENT_SOURCE_DIR}/header/header_c99.c)
set_target_properties(mpadjust-header-c99 PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
add_executable(mpadjust-header-cxx17 ${CMAKE_CURRENT_SOURCE_DIR}/header/header_cxx17.cpp)
set_target_properties(mpadjust-header-cxx17 PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
foreach(t mpadjust-header-c99 mpadjust-header-cxx17)
  target_link_libraries(${t} PRIVATE mpadjust_shared)
  if(NOT MSVC)
    target_compile_options(${t} PRIVATE -Wall -Wextra -pedantic -Werror)
  endif()
  mpadjust_set_sanitize(${t})
  add_test(NAME header.${t} COMMAND ${t})
  set_tests_properties(header.${t} PROPERTIES LABELS "header;capi")
endforeach()
if(NOT MSVC)
  target_compile_options(mpadjust-header-c99 PRIVATE -Wstrict-prototypes -Wmissing-prototypes)
endif()

# ---- tests/abi: exported symbols == capi/exports.txt == MPADJUST_API names of mpadjust.h.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  add_test(NAME abi.exports
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/abi/check_exports.py
                   --library $<TARGET_FILE:mpadjust_shared>
                   --header ${PROJECT_SOURCE_DIR}/include/mpadjust.h
                   --exports ${PROJECT_SOURCE_DIR}/capi/exports.txt)
  set_tests_properties(abi.exports PROPERTIES LABELS "abi;capi")
  add_test(NAME abi.soname
           COMMAND ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:mpadjust_shared>
                   -DEXPECTED=libmpadjust.so.${PROJECT_VERSION_MAJOR}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/abi/check_soname.cmake)
  set_tests_properties(abi.soname PROPERTIES LABELS "abi;capi")
endif()

# ---- tests/package: install into a temporary prefix, then build consumers three ways.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND MPADJUST_INSTALL)
  include(${CMAKE_CURRENT_SOURCE_DIR}/package/package.cmake)
endif()

# ---- the whole refund through the C ABI against the simulator (tests/capi/test_capi_flow.cpp).
# It needs the default (libcurl) transport.
include(${CMAKE_CURRENT_LIST_DIR}/simulator.cmake)
if(MPADJUST_WITH_CURL)
  mpadjust_simulator_test(capi.flow LABELS capi simulator
                          SIM_ARGS --adjustment-delay 0.3 TIMEOUT 120
                          COMMAND $<TARGET_FILE:mpadjust-capi-tests> --no-intro=true "--test-case=capi flow:*")
endif()

# ---- the refund examples (examples/c/refund.c, examples/cpp/refund.cpp) against the simulator.
foreach(example example-c-refund example-refund)
  if(TARGET ${example})
    mpadjust_simulator_test(examples.${example} LABELS examples simulator
                            SIM_ARGS --adjustment-delay 0.3 TIMEOUT 120
                            COMMAND ${CMAKE_COMMAND} -DPROG=$<TARGET_FILE:${example}>
                                    -DJOURNAL=${CMAKE_CURRENT_BINARY_DIR}/${example}.journal.jsonl
                                    -P ${CMAKE_CURRENT_SOURCE_DIR}/capi/run_fresh_journal.cmake)
  endif()
endforeach()
