"""mpadjust: refund AWS Marketplace buyers (billing adjustments) from Python.

A ctypes binding of libmpadjust's C ABI (``include/mpadjust.h``); no compiler is needed. The
shared library is found through ``$MPADJUST_LIBRARY``, a copy bundled in this package, or the
system's library path.
"""
from __future__ import annotations

from . import _ffi
from .errors import (AmbiguousError, BufferTooSmallError, CallbackError, CancelledError,
                     ConflictError, CredentialsError, FileError, InternalError, InvalidError,
                     JournalError, MpadjustError, MpadjustTimeoutError, NotFoundError,
                     OutOfMemoryError, ParseError, ServiceError, TransportError)
from .credentials import Credentials
from .signer import (PAYLOAD_HASH_BODY, PAYLOAD_HASH_BODY_SIGNED_HEADER, PAYLOAD_PRECOMPUTED,
                     PAYLOAD_UNSIGNED, SignedRequest, Signer)

from .client import (LOG_DEBUG, LOG_ERROR, LOG_INFO, LOG_WARN, Agreement, AgreementLookup,
                     Client, ConnectFailed, HttpRequest, Invoice, ReceiveFailed, TransportFailure,
                     TransportTimeout)
from .plan import Entry, EntryResult, Outcome, Plan, Results
from .journal import JournalListing, journal_csv, journal_entries, refund_form

__version__ = "1.0.0"


def library_version() -> str:
    """The loaded libmpadjust's version, "MAJOR.MINOR.PATCH"."""
    return _ffi.version_string()


def library_path() -> str:
    """The path of the loaded libmpadjust."""
    return _ffi.library_path


__all__ = [
    "Agreement", "AgreementLookup", "Client", "ConnectFailed", "Entry", "EntryResult",
    "HttpRequest", "Invoice", "JournalListing", "LOG_DEBUG", "LOG_ERROR", "LOG_INFO", "LOG_WARN",
    "Outcome", "Plan", "ReceiveFailed", "Results", "TransportFailure", "TransportTimeout",
    "journal_csv", "journal_entries", "refund_form",
    "AmbiguousError", "BufferTooSmallError", "CallbackError", "CancelledError", "ConflictError",
    "Credentials", "CredentialsError", "FileError", "InternalError", "InvalidError",
    "JournalError", "MpadjustError", "MpadjustTimeoutError", "NotFoundError",
    "OutOfMemoryError", "PAYLOAD_HASH_BODY", "PAYLOAD_HASH_BODY_SIGNED_HEADER",
    "PAYLOAD_PRECOMPUTED", "PAYLOAD_UNSIGNED", "ParseError", "ServiceError", "SignedRequest",
    "Signer", "TransportError", "library_path", "library_version",
]
