# cmake -DLIB=<libmpadjust.so> -DEXPECTED=libmpadjust.so.<major> -P check_soname.cmake
# The shared library's SONAME is the ABI major (STYLE.md 3.9).
find_program(READELF readelf REQUIRED)
execute_process(COMMAND ${READELF} -d ${LIB} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf -d ${LIB} failed")
endif()
if(NOT out MATCHES "\\(SONAME\\)[^\n]*\\[([^]]+)\\]")
  message(FATAL_ERROR "${LIB} has no SONAME")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL EXPECTED)
  message(FATAL_ERROR "SONAME of ${LIB} is ${CMAKE_MATCH_1}, expected ${EXPECTED}")
endif()
message(STATUS "SONAME ${CMAKE_MATCH_1}")
