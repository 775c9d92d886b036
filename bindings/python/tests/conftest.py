"""pytest setup: use the build tree's libmpadjust and the checkout's package.

MPADJUST_LIBRARY is taken from the environment (ctest sets it to the shared library target);
otherwise $MPADJUST_BUILD_DIR/libmpadjust.so, else the newest <repo>/build*/libmpadjust.so.
"""
import glob
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
BINDING_DIR = os.path.dirname(HERE)
REPO = os.environ.get("MPADJUST_SOURCE_DIR") or os.path.abspath(os.path.join(BINDING_DIR, "..", ".."))
SIM_DIR = os.path.join(REPO, "tests", "simulator")
HEADER = os.path.join(REPO, "include", "mpadjust.h")


def _find_library():
    if os.environ.get("MPADJUST_LIBRARY"):
        return os.environ["MPADJUST_LIBRARY"]
    cands = []
    if os.environ.get("MPADJUST_BUILD_DIR"):
        cands.append(os.path.join(os.environ["MPADJUST_BUILD_DIR"], "libmpadjust.so"))
    cands += sorted(glob.glob(os.path.join(REPO, "build*", "libmpadjust.so")),
                    key=os.path.getmtime, reverse=True)
    for c in cands:
        if os.path.exists(c):
            return c
    return None


_lib = _find_library()
if _lib:
    os.environ["MPADJUST_LIBRARY"] = os.path.abspath(_lib)
sys.path.insert(0, BINDING_DIR)
sys.path.insert(0, SIM_DIR)


def shared_dir():
    d = os.environ.get("MPADJUST_SHARED_DIR") or os.path.join(REPO, "..", "shared")
    return os.path.abspath(d)


@pytest.fixture(scope="session")
def shared():
    d = shared_dir()
    if not os.path.isdir(os.path.join(d, "sigv4-test-suite")):
        pytest.skip("MPADJUST_SHARED_DIR (%s) is absent: no SigV4 test suite to compare with" % d)
    return d


@pytest.fixture(scope="session")
def header_path():
    return HEADER


def pytest_collection_modifyitems(config, items):
    """Tests of the client and workflow need those C functions: when the loaded library lacks
    them (built before they existed), skip those tests, naming what is missing; the library
    test of test_ffi_header.py still fails, so a stale library never passes unnoticed."""
    from mpadjust import _ffi
    if not _ffi.missing:
        return
    reason = "%s lacks %d declared functions (e.g. %s): rebuild it" % (
        _ffi.library_path, len(_ffi.missing), _ffi.missing[0])
    for item in items:
        if item.fspath.basename in ("test_flow.py", "test_transport.py"):
            item.add_marker(pytest.mark.skip(reason=reason))
