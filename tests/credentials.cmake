# Credentials, shared config files, region resolution, credential_process (label: credentials).
mpadjust_unit_suite(credentials)

# Differential test of the shared-file parser against botocore's (the AWS CLI's) configloader on
# fixed and 2000 generated config/credentials pairs. Skipped (77) without the bootstrap venv.
add_test(NAME credentials.botocore_crosscheck
         COMMAND ${MPADJUST_VENV_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/credentials/botocore_crosscheck.py
                 $<TARGET_FILE:credentials_dump>)
set_tests_properties(credentials.botocore_crosscheck PROPERTIES LABELS "credentials"
                     ENVIRONMENT "${MPADJUST_TEST_ENV}" SKIP_RETURN_CODE 77)
