# Credentials, shared config files, region resolution, credential_process (label: credentials).
mpadjust_unit_suite(credentials)
