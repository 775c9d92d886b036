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


# client and workflow (spec'd part of the header)

MPADJUST_LOG_ERROR = 0
MPADJUST_LOG_WARN = 1
MPADJUST_LOG_INFO = 2
MPADJUST_LOG_DEBUG = 3

MPADJUST_TRANSPORT_CONNECT_FAILED = 1
MPADJUST_TRANSPORT_RECEIVE_FAILED = 2
MPADJUST_TRANSPORT_TIMEOUT = 3

MPADJUST_OUTCOME_CREATED = 0
MPADJUST_OUTCOME_ALREADY_DONE = 1
MPADJUST_OUTCOME_REJECTED = 2
MPADJUST_OUTCOME_IN_DOUBT = 3
MPADJUST_OUTCOME_NOT_SENT = 4


class mpadjust_client(Structure):
    """Opaque."""


class mpadjust_http_response(Structure):
    """Opaque."""


class mpadjust_plan(Structure):
    """Opaque."""


class mpadjust_results(Structure):
    """Opaque."""


class mpadjust_http_request(Structure):
    _fields_ = [
        ("method", c_char_p),
        ("url", c_char_p),
        ("headers", POINTER(mpadjust_header)),
        ("header_count", c_size_t),
        ("body", c_void_p),
        ("body_len", c_size_t),
    ]


mpadjust_log_fn = CFUNCTYPE(None, c_int32, c_char_p, c_void_p)
mpadjust_transport_fn = CFUNCTYPE(c_int, POINTER(mpadjust_http_response),
                                  POINTER(mpadjust_http_request), c_void_p)
mpadjust_progress_fn = CFUNCTYPE(c_int, c_size_t, c_size_t, c_size_t, c_void_p)


class mpadjust_client_options(Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("endpoint", c_char_p),
        ("profile", c_char_p),
        ("ca_bundle", c_char_p),
        ("connect_timeout_ms", c_uint32),
        ("timeout_ms", c_uint32),
        ("max_attempts", c_int32),
        ("log_level", c_int32),
        ("log", mpadjust_log_fn),
        ("log_userdata", c_void_p),
        ("transport", mpadjust_transport_fn),
        ("transport_userdata", c_void_p),
        ("allow_insecure_http", c_int32),
    ]


class mpadjust_agreement_query(Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("agreement_id", c_char_p),
        ("buyer_account_id", c_char_p),
        ("offer_id", c_char_p),
        ("product_id", c_char_p),
        ("status", c_char_p),
    ]


class mpadjust_invoice_filter(Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("period_year", c_int32),
        ("period_month", c_int32),
        ("invoice_type", c_char_p),
        ("invoice_id", c_char_p),
        ("issued_after_epoch_ms", c_int64),
        ("issued_before_epoch_ms", c_int64),
    ]


class mpadjust_entry(Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("agreement_id", c_char_p),
        ("invoice_id", c_char_p),
        ("amount", c_char_p),
        ("currency", c_char_p),
        ("reason_code", c_char_p),
        ("description", c_char_p),
        ("support_case_id", c_char_p),
        ("buyer_reference", c_char_p),
        ("notes", c_char_p),
    ]


class mpadjust_submit_options(Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("concurrency", c_uint32),
        ("progress", mpadjust_progress_fn),
        ("progress_userdata", c_void_p),
        ("retry_rejected", c_int32),
    ]


class mpadjust_refund_form_input(Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("buyer_account_id", c_char_p),
        ("buyer_email", c_char_p),
        ("seller_account_id", c_char_p),
        ("product_id", c_char_p),
        ("offer_id", c_char_p),
        ("billing_period", c_char_p),
        ("invoice_id", c_char_p),
        ("amount", c_char_p),
        ("currency", c_char_p),
        ("full", c_int32),
        ("subscription_cancelled", c_int32),
        ("annual_subscription_date", c_char_p),
        ("reason", c_char_p),
    ]


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

#: Every function this module declares, in order, and its (restype or STATUS, argtypes).
declared: List[str] = []
signatures: Dict[str, Any] = {}
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
    signatures[name] = (restype, tuple(argtypes))
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

# client
_P = POINTER
_fn("mpadjust_http_response_set_status", STATUS, _P(mpadjust_http_response), c_int32)
_fn("mpadjust_http_response_add_header", STATUS, _P(mpadjust_http_response), c_char_p, c_char_p)
_fn("mpadjust_http_response_append_body", STATUS, _P(mpadjust_http_response), c_void_p, c_size_t)
_fn("mpadjust_client_options_init", STATUS, _P(mpadjust_client_options), c_size_t)
_fn("mpadjust_client_new", STATUS, _P(_P(mpadjust_client)), c_char_p, _P(mpadjust_credentials),
    _P(mpadjust_client_options))
_fn("mpadjust_client_free", None, _P(mpadjust_client))
_fn("mpadjust_client_cancel", None, _P(mpadjust_client))
_fn("mpadjust_client_endpoint", c_char_p, _P(mpadjust_client))
_fn("mpadjust_last_service_error_json", STATUS, _P(mpadjust_buf))

# agreements, invoices
_fn("mpadjust_agreement_query_init", STATUS, _P(mpadjust_agreement_query), c_size_t)
_fn("mpadjust_agreements_find", STATUS, _P(mpadjust_buf), _P(mpadjust_client),
    _P(mpadjust_agreement_query))
_fn("mpadjust_invoice_filter_init", STATUS, _P(mpadjust_invoice_filter), c_size_t)
_fn("mpadjust_invoices_list", STATUS, _P(mpadjust_buf), _P(mpadjust_client), c_char_p,
    _P(mpadjust_invoice_filter))

# plans
_fn("mpadjust_entry_init", STATUS, _P(mpadjust_entry), c_size_t)
_fn("mpadjust_plan_new", STATUS, _P(_P(mpadjust_plan)), c_char_p)
_fn("mpadjust_plan_free", None, _P(mpadjust_plan))
_fn("mpadjust_plan_add_entry", STATUS, _P(mpadjust_plan), _P(mpadjust_entry))
_fn("mpadjust_plan_add_csv", STATUS, _P(mpadjust_plan), c_char_p, c_size_t)
_fn("mpadjust_plan_add_json", STATUS, _P(mpadjust_plan), c_char_p, c_size_t)
_fn("mpadjust_plan_resolve", STATUS, _P(mpadjust_plan), _P(mpadjust_client), c_int32)
_fn("mpadjust_plan_problems", STATUS, _P(mpadjust_buf), _P(mpadjust_plan))
_fn("mpadjust_plan_from_json", STATUS, _P(_P(mpadjust_plan)), c_char_p, c_size_t)
_fn("mpadjust_plan_to_json", STATUS, _P(mpadjust_buf), _P(mpadjust_plan))
_fn("mpadjust_plan_preview_text", STATUS, _P(mpadjust_buf), _P(mpadjust_plan))
_fn("mpadjust_plan_preview_json", STATUS, _P(mpadjust_buf), _P(mpadjust_plan))
_fn("mpadjust_plan_entry_count", c_size_t, _P(mpadjust_plan))
_fn("mpadjust_plan_is_resolved", c_int32, _P(mpadjust_plan))

# submit, results, wait
_fn("mpadjust_submit_options_init", STATUS, _P(mpadjust_submit_options), c_size_t)
_fn("mpadjust_plan_submit", STATUS, _P(_P(mpadjust_results)), _P(mpadjust_plan),
    _P(mpadjust_client), c_char_p, _P(mpadjust_submit_options))
_fn("mpadjust_results_from_journal", STATUS, _P(_P(mpadjust_results)), _P(mpadjust_plan), c_char_p)
_fn("mpadjust_results_wait", STATUS, _P(mpadjust_results), _P(mpadjust_client), c_char_p, c_uint32)
_fn("mpadjust_results_free", None, _P(mpadjust_results))
_fn("mpadjust_results_count", c_size_t, _P(mpadjust_results))
_fn("mpadjust_results_outcome", c_int32, _P(mpadjust_results), c_size_t)
RESULT_FIELDS = ("agreement_id", "invoice_id", "amount", "currency", "client_token",
                 "billing_adjustment_request_id", "status", "status_message", "error_code",
                 "error_message")
for _name in RESULT_FIELDS:
    _fn("mpadjust_results_" + _name, c_char_p, _P(mpadjust_results), c_size_t)
_fn("mpadjust_results_json", STATUS, _P(mpadjust_buf), _P(mpadjust_results))

# journal, refund form, cancellation
_fn("mpadjust_journal_list_json", STATUS, _P(mpadjust_buf), c_char_p)
_fn("mpadjust_journal_export_csv", STATUS, _P(mpadjust_buf), c_char_p)
_fn("mpadjust_refund_form_input_init", STATUS, _P(mpadjust_refund_form_input), c_size_t)
_fn("mpadjust_refund_form_text", STATUS, _P(mpadjust_buf), _P(mpadjust_refund_form_input))
_fn("mpadjust_refund_form_json", STATUS, _P(mpadjust_buf), _P(mpadjust_refund_form_input))
_fn("mpadjust_cancellation_send", STATUS, _P(mpadjust_buf), _P(mpadjust_client), c_char_p,
    c_char_p, c_char_p, c_char_p)
_fn("mpadjust_cancellation_get", STATUS, _P(mpadjust_buf), _P(mpadjust_client), c_char_p, c_char_p)
_fn("mpadjust_cancellation_list", STATUS, _P(mpadjust_buf), _P(mpadjust_client), c_char_p, c_char_p)
_fn("mpadjust_cancellation_withdraw", STATUS, _P(mpadjust_buf), _P(mpadjust_client), c_char_p,
    c_char_p, c_char_p)

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
