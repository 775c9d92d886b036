"""The one place that declares libmpadjust's C functions (ctypes).

Loads the shared library from ``$MPADJUST_LIBRARY``, else from this package's directory (a
wheel that bundles it), else ``ctypes.util.find_library("mpadjust")``; checks its ABI major;
calls ``mpadjust_global_init()`` once. Every function gets ``argtypes``/``restype``; those
returning ``mpadjust_status`` get an ``errcheck`` that raises the status's exception class
with ``mpadjust_last_error_message()`` read right after the failing call, on the same thread.

Names mirror ``include/mpadjust.h`` exactly (structs, callbacks, constants), so that
``tests/test_ffi_header.py`` can check this module against the header in both directions.
Nothing outside this module calls ``ctypes.CDLL`` or sets ``argtypes``.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import glob
import json
import os
import sys
import threading
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int32, c_int64,
                    c_size_t, c_uint, c_uint32, c_void_p)
from typing import Any, Callable, Dict, List, Optional

from . import errors

# ---------------------------------------------------------------------------- constants

MPADJUST_VERSION_MAJOR = 1  # the ABI major this binding speaks

MPADJUST_OK = 0
MPADJUST_EINVALID = -1
MPADJUST_ENOMEM = -2
MPADJUST_EBUFS = -3
MPADJUST_ECREDENTIALS = -4
MPADJUST_ETRANSPORT = -5
MPADJUST_ETIMEOUT = -6
MPADJUST_ESERVICE = -7
MPADJUST_EPARSE = -8
MPADJUST_ECALLBACK = -9
MPADJUST_EINTERNAL = -10
MPADJUST_ECANCELLED = -11
MPADJUST_ENOTFOUND = -12
MPADJUST_EAMBIGUOUS = -13
MPADJUST_ECONFLICT = -14
MPADJUST_EIO = -15

MPADJUST_ERROR_MESSAGE_MAX = 1024
MPADJUST_SIGNATURE_HEX_LEN = 64

MPADJUST_PAYLOAD_HASH_BODY = 0
MPADJUST_PAYLOAD_HASH_BODY_SIGNED_HEADER = 1
MPADJUST_PAYLOAD_UNSIGNED = 2
MPADJUST_PAYLOAD_PRECOMPUTED = 3

# ---------------------------------------------------------------------------- types

class mpadjust_buf(Structure):
    _fields_ = [("ptr", POINTER(c_char)), ("size", c_size_t)]


class mpadjust_header(Structure):
    _fields_ = [("name", c_char_p), ("value", c_char_p)]


class mpadjust_signer_options(Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("payload_mode", c_int32),
        ("precomputed_payload_hash", c_char_p),
        ("s3_no_path_normalization", c_int),
        ("s3_no_double_encoding", c_int),
        ("omit_session_token", c_int),
        ("expires_seconds", c_int64),
        ("unsigned_headers", POINTER(c_char_p)),
        ("unsigned_header_count", c_size_t),
    ]


class mpadjust_credentials(Structure):
    """Opaque."""


class mpadjust_signer(Structure):
    """Opaque."""


class mpadjust_signed_request(Structure):
    """Opaque."""


# ---------------------------------------------------------------------------- loading

def _candidates() -> List[str]:
    env = os.environ.get("MPADJUST_LIBRARY")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    found: List[str] = []
    for pattern in ("libmpadjust.so.%d" % MPADJUST_VERSION_MAJOR, "libmpadjust.so*",
                    "libmpadjust*.dylib", "mpadjust*.dll"):
        found += sorted(p for p in glob.glob(os.path.join(here, pattern)) if p not in found)
    if found:
        return found[:1]
    name = ctypes.util.find_library("mpadjust")
    return [name] if name else []


def _load() -> ctypes.CDLL:
    paths = _candidates()
    if not paths:
        raise ImportError(
            "mpadjust: libmpadjust not found; set MPADJUST_LIBRARY to the path of "
            "libmpadjust.so.%d, install the library, or install a wheel that bundles it"
            % MPADJUST_VERSION_MAJOR)
    try:
        return ctypes.CDLL(paths[0])
    except OSError as e:
        raise ImportError("mpadjust: cannot load %s: %s" % (paths[0], e)) from e


lib = _load()
library_path: str = getattr(lib, "_name", "")

#: Every function this module declares, in order.
declared: List[str] = []
#: Functions declared here but absent from the loaded library (a library older than the binding).
missing: List[str] = []

# ---------------------------------------------------------------------------- errcheck

_tls = threading.local()


def status_str(status: int) -> str:
    """The library's static description of a status."""
    return (lib.mpadjust_status_str(status) or b"").decode("utf-8", "replace")


def last_error_message() -> str:
    return (lib.mpadjust_last_error_message() or b"").decode("utf-8", "replace")


def _service_error_json() -> Optional[Dict[str, Any]]:
    fn = getattr(lib, "mpadjust_last_service_error_json", None)
    if fn is None or "mpadjust_last_service_error_json" in missing:
        return None
    buf = mpadjust_buf()
    rc = fn.__wrapped_raw__(ctypes.byref(buf))
    try:
        if rc != MPADJUST_OK or not buf.ptr:
            return None
        return json.loads(ctypes.string_at(buf.ptr, buf.size).decode("utf-8", "replace"))
    except ValueError:
        return None
    finally:
        lib.mpadjust_buf_dispose(ctypes.byref(buf))


def make_error(status: int, message: str) -> errors.MpadjustError:
    cls = errors.error_class(status)
    if cls is errors.ServiceError:
        return errors.ServiceError(status, message, _service_error_json())
    return cls(status, message)


def _check_status(result: int, func: Any, args: Any) -> int:
    """errcheck of every status-returning function: runs right after the call, same thread."""
    if result == MPADJUST_OK:
        return result
    message = last_error_message()  # before any other mpadjust call clears it
    raise make_error(result, message)


# ---------------------------------------------------------------------------- declarations

STATUS = object()  # marker: returns mpadjust_status (restype c_int + errcheck)


def _missing_stub(name: str) -> Callable[..., Any]:
    def stub(*args: Any) -> Any:
        raise errors.InternalError(
            MPADJUST_EINTERNAL, "%s lacks %s: the library is older than this binding"
            % (library_path, name))
    stub.__name__ = name
    return stub


def _fn(name: str, restype: Any, *argtypes: Any) -> None:
    declared.append(name)
    try:
        f = getattr(lib, name)
    except AttributeError:
        missing.append(name)
        setattr(lib, name, _missing_stub(name))
        return
    f.argtypes = list(argtypes)
    if restype is STATUS:
        # An unchecked twin for the error path itself (reading the service error must not
        # raise from inside errcheck).
        raw = ctypes.CFUNCTYPE(c_int, *argtypes)((name, lib))
        f.restype = c_int
        f.errcheck = _check_status
        f.__wrapped_raw__ = raw
    else:
        f.restype = restype


# versions, statuses, messages, lifecycle
_fn("mpadjust_version_number", c_uint)
_fn("mpadjust_version_string", c_char_p)
_fn("mpadjust_status_str", c_char_p, c_int)
_fn("mpadjust_last_error_message", c_char_p)
_fn("mpadjust_global_init", STATUS)
_fn("mpadjust_global_cleanup", None)

# owned buffers
_fn("mpadjust_buf_dispose", None, POINTER(mpadjust_buf))

# credentials
_fn("mpadjust_credentials_new_static", STATUS, POINTER(POINTER(mpadjust_credentials)),
    c_char_p, c_char_p, c_char_p)
_fn("mpadjust_credentials_new_default", STATUS, POINTER(POINTER(mpadjust_credentials)), c_char_p)
_fn("mpadjust_credentials_new_profile", STATUS, POINTER(POINTER(mpadjust_credentials)), c_char_p)
_fn("mpadjust_credentials_free", None, POINTER(mpadjust_credentials))
_fn("mpadjust_credentials_access_key_id", STATUS, POINTER(mpadjust_buf),
    POINTER(mpadjust_credentials))

# SigV4
_fn("mpadjust_signer_options_init", STATUS, POINTER(mpadjust_signer_options), c_size_t)
_fn("mpadjust_signer_new", STATUS, POINTER(POINTER(mpadjust_signer)), c_char_p, c_char_p,
    POINTER(mpadjust_signer_options))
_fn("mpadjust_signer_free", None, POINTER(mpadjust_signer))
for _name in ("mpadjust_signer_sign", "mpadjust_signer_presign"):
    _fn(_name, STATUS, POINTER(POINTER(mpadjust_signed_request)), POINTER(mpadjust_signer),
        POINTER(mpadjust_credentials), c_char_p, c_char_p, POINTER(mpadjust_header), c_size_t,
        c_void_p, c_size_t, c_int64)
_fn("mpadjust_signed_request_signature_copy", STATUS, POINTER(c_char), c_size_t,
    POINTER(c_size_t), POINTER(mpadjust_signed_request))
_fn("mpadjust_signed_request_free", None, POINTER(mpadjust_signed_request))
_fn("mpadjust_signed_request_header_count", c_size_t, POINTER(mpadjust_signed_request))
_fn("mpadjust_signed_request_header_name", c_char_p, POINTER(mpadjust_signed_request), c_size_t)
_fn("mpadjust_signed_request_header_value", c_char_p, POINTER(mpadjust_signed_request), c_size_t)
for _name in ("query", "canonical_request", "string_to_sign", "signature"):
    _fn("mpadjust_signed_request_" + _name, c_char_p, POINTER(mpadjust_signed_request))

# ---------------------------------------------------------------------------- helpers

def take_buf(fn: Callable[..., Any], *args: Any) -> str:
    """Calls ``fn(&buf, *args)`` and returns the owned buffer's text (UTF-8), disposing of it
    whatever happens."""
    buf = mpadjust_buf()
    try:
        fn(ctypes.byref(buf), *args)
        return ctypes.string_at(buf.ptr, buf.size).decode("utf-8") if buf.ptr else ""
    finally:
        lib.mpadjust_buf_dispose(ctypes.byref(buf))


def encode(text: Optional[str], name: str = "argument") -> Optional[bytes]:
    """UTF-8 bytes for a ``const char *`` argument (None stays NULL). An embedded NUL would
    silently truncate the string in C, so it is refused."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("%s must be str, not %s" % (name, type(text).__name__))
    data = text.encode("utf-8")
    if b"\0" in data:
        raise errors.InvalidError(MPADJUST_EINVALID, "%s: contains a NUL character" % name)
    return data


def decode(data: Optional[bytes]) -> str:
    return data.decode("utf-8", "replace") if data else ""


def version_number() -> int:
    return int(lib.mpadjust_version_number())


def version_string() -> str:
    return decode(lib.mpadjust_version_string())


# ---------------------------------------------------------------------------- initialisation

if version_number() // 10000 != MPADJUST_VERSION_MAJOR:
    raise ImportError("mpadjust: %s is ABI %d, this binding needs %d"
                      % (library_path, version_number() // 10000, MPADJUST_VERSION_MAJOR))

_init_lock = threading.Lock()
_initialised = False


def global_init() -> None:
    """Calls ``mpadjust_global_init()`` once per process (at import). Never paired with a
    cleanup: handles may outlive the interpreter's orderly shutdown."""
    global _initialised
    with _init_lock:
        if not _initialised:
            lib.mpadjust_global_init()
            _initialised = True


global_init()
