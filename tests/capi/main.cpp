// The C ABI tests: a separate binary that includes only <mpadjust.h> from mpadjust and links
// the shared library, exactly as a C program or a binding sees it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
