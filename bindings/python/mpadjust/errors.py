"""Exceptions raised by the mpadjust binding.

Every failed C call raises :class:`MpadjustError` or the subclass of its status, carrying the
status number (``.status``, an ``MPADJUST_E*`` value) and the library's message
(``.message``, read right after the failing call). Branch on the class or ``.status``, never on
the message text.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Type


class MpadjustError(Exception):
    """A call into libmpadjust failed.

    Attributes:
        status: the C status (a negative ``MPADJUST_E*`` number).
        message: this thread's detail from ``mpadjust_last_error_message()`` ("" if none).
    """

    status: int = 0

    def __init__(self, status: int, message: str = "") -> None:
        self.status = status
        self.message = message
        super().__init__(status, message)

    def __str__(self) -> str:
        from . import _ffi  # late: errors.py must import without the library

        text = _ffi.status_str(self.status)
        return "%s (%d): %s" % (text, self.status, self.message) if self.message else \
            "%s (%d)" % (text, self.status)


class InvalidError(MpadjustError):
    """MPADJUST_EINVALID: an argument or input value is invalid; the message names the field.

    ``problems`` lists every problem when a plan failed to resolve (else it is empty).
    """

    def __init__(self, status: int, message: str = "",
                 problems: Optional[List[Dict[str, Any]]] = None) -> None:
        super().__init__(status, message)
        self.problems: List[Dict[str, Any]] = list(problems or [])


class OutOfMemoryError(MpadjustError):
    """MPADJUST_ENOMEM."""


class BufferTooSmallError(MpadjustError):
    """MPADJUST_EBUFS: a caller-owned buffer was too small."""


class CredentialsError(MpadjustError):
    """MPADJUST_ECREDENTIALS: no credentials, or a credentials source is broken."""


class TransportError(MpadjustError):
    """MPADJUST_ETRANSPORT: a network or HTTP-level failure (after retries)."""


class MpadjustTimeoutError(MpadjustError):
    """MPADJUST_ETIMEOUT: a timeout expired."""


class ServiceError(MpadjustError):
    """MPADJUST_ESERVICE: the service answered with an error.

    ``service_error`` is the service's error as a dict (``httpStatus``, ``errorType``,
    ``message``, ``requestId``, ``reason``, ``fields``) when the library recorded one, else None.
    """

    def __init__(self, status: int, message: str = "",
                 service_error: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(status, message)
        self.service_error = service_error

    @property
    def error_type(self) -> str:
        """The service's error shape ("ValidationException"), "" when unknown."""
        return str((self.service_error or {}).get("errorType") or "")

    @property
    def request_id(self) -> str:
        """The request id of the failed call, "" when unknown."""
        return str((self.service_error or {}).get("requestId") or "")


class ParseError(MpadjustError):
    """MPADJUST_EPARSE: a response or file could not be parsed."""


class CallbackError(MpadjustError):
    """MPADJUST_ECALLBACK: a callback asked to stop (an exception raised in a Python callback
    is re-raised itself, with this error as its context)."""


class InternalError(MpadjustError):
    """MPADJUST_EINTERNAL: a bug in mpadjust (or a library older than this binding)."""


class CancelledError(MpadjustError):
    """MPADJUST_ECANCELLED: the operation was cancelled (Client.cancel())."""


class NotFoundError(MpadjustError):
    """MPADJUST_ENOTFOUND: the thing asked for does not exist."""


class AmbiguousError(MpadjustError):
    """MPADJUST_EAMBIGUOUS: several candidates match; ``candidates`` lists them."""

    def __init__(self, status: int, message: str = "",
                 candidates: Optional[List[Any]] = None) -> None:
        super().__init__(status, message)
        self.candidates: List[Any] = list(candidates or [])


class ConflictError(MpadjustError):
    """MPADJUST_ECONFLICT: a conflicting state (journal in use, token reused with other content)."""


class FileError(MpadjustError):
    """MPADJUST_EIO: a local file (a journal, a plan) could not be read or written."""


#: The journal is a local file: its failures are FileErrors.
JournalError = FileError

# status number -> class (numbers from include/mpadjust.h; the drift test checks them).
_BY_STATUS: Dict[int, Type[MpadjustError]] = {
    -1: InvalidError,
    -2: OutOfMemoryError,
    -3: BufferTooSmallError,
    -4: CredentialsError,
    -5: TransportError,
    -6: MpadjustTimeoutError,
    -7: ServiceError,
    -8: ParseError,
    -9: CallbackError,
    -10: InternalError,
    -11: CancelledError,
    -12: NotFoundError,
    -13: AmbiguousError,
    -14: ConflictError,
    -15: FileError,
}


def error_class(status: int) -> Type[MpadjustError]:
    """The exception class for a status (MpadjustError itself for an unknown one)."""
    return _BY_STATUS.get(status, MpadjustError)


__all__ = [
    "MpadjustError", "InvalidError", "OutOfMemoryError", "BufferTooSmallError",
    "CredentialsError", "TransportError", "MpadjustTimeoutError", "ServiceError", "ParseError",
    "CallbackError", "InternalError", "CancelledError", "NotFoundError", "AmbiguousError",
    "ConflictError", "FileError", "JournalError", "error_class",
]
