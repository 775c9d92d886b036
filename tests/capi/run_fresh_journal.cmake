# Runs PROG JOURNAL with a fresh journal (removes JOURNAL and its .lock / .torn siblings first),
# so an example run against a freshly started simulator never sees an earlier run's records.
#   cmake -DPROG=<program> -DJOURNAL=<path> -P run_fresh_journal.cmake
file(REMOVE "${JOURNAL}" "${JOURNAL}.lock" "${JOURNAL}.torn")
execute_process(COMMAND "${PROG}" "${JOURNAL}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROG} exited with ${rc}")
endif()
