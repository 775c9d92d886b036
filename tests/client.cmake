# Client area (issue #4): protocol, operations, retries, observability. Label "client".
# Unit cases "client: ..." run against canned JSON and an in-memory transport.
mpadjust_unit_suite(client)
