# cmake -DBUILD_DIR=... -DPREFIX=... -DLIBDIR=lib -DINCLUDEDIR=include -DVERSION=1.0.0
#       -DSOVERSION=1 -P install_and_check.cmake
# Installs the build tree into an empty PREFIX and checks what a distribution would ship.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} failed (${rc})")
endif()

set(problems "")
foreach(f
    ${INCLUDEDIR}/mpadjust.h
    ${INCLUDEDIR}/mpadjust/error.hpp
    ${INCLUDEDIR}/mpadjust/sigv4.hpp
    ${INCLUDEDIR}/mpadjust/credentials.hpp
    ${LIBDIR}/libmpadjust.a
    ${LIBDIR}/libmpadjust.so
    ${LIBDIR}/libmpadjust.so.${SOVERSION}
    ${LIBDIR}/libmpadjust.so.${VERSION}
    ${LIBDIR}/cmake/mpadjust/mpadjustConfig.cmake
    ${LIBDIR}/cmake/mpadjust/mpadjustConfigVersion.cmake
    ${LIBDIR}/cmake/mpadjust/mpadjustTargets.cmake
    ${LIBDIR}/pkgconfig/mpadjust.pc)
  if(NOT EXISTS ${PREFIX}/${f})
    list(APPEND problems "missing ${f}")
  endif()
endforeach()

# The development symlink chain: libmpadjust.so -> .so.MAJOR -> .so.VERSION (the real file).
foreach(pair "libmpadjust.so=libmpadjust.so.${SOVERSION}" "libmpadjust.so.${SOVERSION}=libmpadjust.so.${VERSION}")
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 link)
  list(GET pair 1 target)
  if(NOT IS_SYMLINK ${PREFIX}/${LIBDIR}/${link})
    list(APPEND problems "${link} is not a symlink")
  else()
    file(READ_SYMLINK ${PREFIX}/${LIBDIR}/${link} got)
    if(NOT got STREQUAL target)
      list(APPEND problems "${link} -> ${got}, expected ${target}")
    endif()
  endif()
endforeach()

# SONAME = ABI major.
find_program(READELF readelf)
if(READELF AND EXISTS ${PREFIX}/${LIBDIR}/libmpadjust.so.${VERSION})
  execute_process(COMMAND ${READELF} -d ${PREFIX}/${LIBDIR}/libmpadjust.so.${VERSION} OUTPUT_VARIABLE dyn)
  if(NOT dyn MATCHES "\\(SONAME\\)[^\n]*\\[libmpadjust\\.so\\.${SOVERSION}\\]")
    list(APPEND problems "SONAME is not libmpadjust.so.${SOVERSION}")
  endif()
endif()

# Private headers and build details never ship.
file(GLOB_RECURSE headers RELATIVE ${PREFIX}/${INCLUDEDIR} ${PREFIX}/${INCLUDEDIR}/*)
foreach(h ${headers})
  if(NOT h MATCHES "^mpadjust(\\.h|\\.hpp|/[a-z0-9_]+\\.hpp)$")
    list(APPEND problems "unexpected installed header ${h}")
  endif()
endforeach()
file(READ ${PREFIX}/${LIBDIR}/pkgconfig/mpadjust.pc pc)
if(NOT pc MATCHES "Version: ${VERSION}")
  list(APPEND problems "mpadjust.pc: no 'Version: ${VERSION}'")
endif()
if(pc MATCHES "\nLibs:[^\n]*(crypto|curl)")
  list(APPEND problems "mpadjust.pc: OpenSSL/libcurl must be private (Requires.private), not in Libs")
endif()

if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "install into ${PREFIX}:\n  ${text}")
endif()
message(STATUS "installed into ${PREFIX}: headers, static and shared library (SONAME libmpadjust.so.${SOVERSION}), CMake package, pkg-config file")
