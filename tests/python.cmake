# The Python binding (bindings/python, issue #6): its pytest suite, run by the project venv's
# Python against the shared library built here.
add_test(NAME python.pytest
         COMMAND "${MPADJUST_VENV_PYTHON}" -m pytest "${PROJECT_SOURCE_DIR}/bindings/python/tests" -q
                 -p no:cacheprovider
         WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
set_tests_properties(python.pytest PROPERTIES LABELS "python" TIMEOUT 600
                     ENVIRONMENT "${MPADJUST_TEST_ENV};MPADJUST_LIBRARY=$<TARGET_FILE:mpadjust_shared>")
