# tests/package: what users of an installed or in-tree mpadjust see (label "package").
# Not with sanitizers: consumers would have to be built with them too.
if(MPADJUST_SANITIZE)
  return()
endif()
set(pkg_src ${CMAKE_CURRENT_SOURCE_DIR}/package)
set(pkg_bin ${PROJECT_BINARY_DIR}/package)
set(pkg_prefix ${pkg_bin}/prefix)

add_test(NAME package.install
         COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR} -DPREFIX=${pkg_prefix}
                 -DLIBDIR=${CMAKE_INSTALL_LIBDIR} -DINCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR}
                 -DVERSION=${PROJECT_VERSION} -DSOVERSION=${PROJECT_VERSION_MAJOR}
                 -P ${pkg_src}/install_and_check.cmake)
set_tests_properties(package.install PROPERTIES LABELS "package" FIXTURES_SETUP mpadjust_prefix)

# ctest --build-and-test <src> <bin> ...: configure, build, then run the consumer's own ctest.
function(mpadjust_package_consumer name dir)
  add_test(NAME package.${name}
           COMMAND ${CMAKE_CTEST_COMMAND} --build-and-test ${pkg_src}/${dir} ${pkg_bin}/${name}
                   --build-generator ${CMAKE_GENERATOR}
                   --build-makeprogram ${CMAKE_MAKE_PROGRAM}
                   --build-options -DCMAKE_BUILD_TYPE=Debug -DEXPECTED_VERSION=${PROJECT_VERSION}
                                   -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
                                   -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER} ${ARGN}
                   --test-command ${CMAKE_CTEST_COMMAND} --output-on-failure)
  set_tests_properties(package.${name} PROPERTIES LABELS "package")
endfunction()

mpadjust_package_consumer(find_package find_package -DCMAKE_PREFIX_PATH=${pkg_prefix})
mpadjust_package_consumer(find_package_shared_only find_package -DCMAKE_PREFIX_PATH=${pkg_prefix}
                          -DSHARED_ONLY=ON)
set_tests_properties(package.find_package package.find_package_shared_only PROPERTIES
                     FIXTURES_REQUIRED mpadjust_prefix)
# Compiles the library itself: the slowest of these (a Debug build, no tests, no examples).
mpadjust_package_consumer(add_subdirectory add_subdirectory -DMPADJUST_SOURCE_DIR=${PROJECT_SOURCE_DIR}
                          -DMPADJUST_WITH_CURL=${MPADJUST_WITH_CURL})

find_program(MPADJUST_PKG_CONFIG pkg-config)
if(MPADJUST_PKG_CONFIG)
  add_test(NAME package.pkg_config
           COMMAND sh ${pkg_src}/pkg_config_consumer.sh ${pkg_prefix} ${CMAKE_INSTALL_LIBDIR}
                   ${pkg_src}/consumer.c ${pkg_bin}/pkg_config ${PROJECT_VERSION})
  set_tests_properties(package.pkg_config PROPERTIES LABELS "package"
                       FIXTURES_REQUIRED mpadjust_prefix)
endif()
set_tests_properties(package.add_subdirectory PROPERTIES TIMEOUT 900)
