# The Go binding (bindings/go, issue #6): `go vet` and `go test -race` of package mpadjust,
# built with cgo against the shared library of this build tree.
#
# The build tree has no installed mpadjust.pc, so an "uninstalled" one is generated here that
# points at the source include/ and at the directory of libmpadjust.so (with an rpath, so the
# test binaries find it without LD_LIBRARY_PATH). Nothing is ever downloaded: the module has no
# requirements, GOPROXY=off and GOTOOLCHAIN=local.
find_program(MPADJUST_GO go HINTS /usr/local/go/bin DOC "The go command for the Go binding's tests")
if(NOT MPADJUST_GO)
  if(DEFINED ENV{CI})
    # CI machines have Go: a missing toolchain there must fail, not quietly drop the tests.
    message(FATAL_ERROR "go not found, but CI is set: the Go binding's tests cannot run")
  endif()
  message(STATUS "go not found: the Go binding's tests (label go) are not registered")
  return()
endif()

set(mpadjust_go_pc_dir "${CMAKE_BINARY_DIR}/pkgconfig-uninstalled")
file(GENERATE OUTPUT "${mpadjust_go_pc_dir}/mpadjust.pc" CONTENT
"# mpadjust in its build tree (uninstalled), for the Go binding's tests.
libdir=$<TARGET_FILE_DIR:mpadjust_shared>
includedir=${PROJECT_SOURCE_DIR}/include

Name: mpadjust
Description: ${PROJECT_DESCRIPTION} (build tree)
Version: ${PROJECT_VERSION}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lmpadjust
Cflags: -I\${includedir}
")

set(mpadjust_go_env
    ${MPADJUST_TEST_ENV}
    "PKG_CONFIG_PATH=${mpadjust_go_pc_dir}"
    "GOCACHE=${CMAKE_BINARY_DIR}/go-cache"
    "GOTMPDIR=${CMAKE_BINARY_DIR}/go-tmp"
    "GOTOOLCHAIN=local"
    "GOPROXY=off"
    "GOFLAGS="
    "GOTELEMETRY=off"
    "CGO_ENABLED=1"
    "MPADJUST_GO=${MPADJUST_GO}")
file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/go-tmp")

add_test(NAME go.vet COMMAND "${MPADJUST_GO}" vet ./...
         WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}/bindings/go")
add_test(NAME go.test COMMAND "${MPADJUST_GO}" test -race -count=1 -timeout 600s ./...
         WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}/bindings/go")
add_test(NAME go.example.vet COMMAND "${MPADJUST_GO}" vet ./...
         WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}/examples/go")
# gofmt: every Go file of the binding and the examples is formatted.
get_filename_component(mpadjust_go_bin_dir "${MPADJUST_GO}" DIRECTORY)
add_test(NAME go.fmt
         COMMAND sh -c "out=$(\"$1\" -l bindings/go examples/go) || exit 1; test -z \"$out\" || { echo \"not gofmt'ed: $out\"; exit 1; }"
                 sh "${mpadjust_go_bin_dir}/gofmt"
         WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
set_tests_properties(go.vet go.test go.example.vet go.fmt PROPERTIES LABELS "go" TIMEOUT 900
                     ENVIRONMENT "${mpadjust_go_env}")
