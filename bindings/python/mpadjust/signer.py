"""AWS Signature Version 4 (``mpadjust_signer``)."""
from __future__ import annotations

import ctypes
import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _ffi
from ._handle import Handle, new_handle
from .credentials import Credentials

Headers = Union[Mapping[str, str], Iterable[Tuple[str, str]]]

PAYLOAD_HASH_BODY = _ffi.MPADJUST_PAYLOAD_HASH_BODY
PAYLOAD_HASH_BODY_SIGNED_HEADER = _ffi.MPADJUST_PAYLOAD_HASH_BODY_SIGNED_HEADER
PAYLOAD_UNSIGNED = _ffi.MPADJUST_PAYLOAD_UNSIGNED
PAYLOAD_PRECOMPUTED = _ffi.MPADJUST_PAYLOAD_PRECOMPUTED


@dataclass(frozen=True)
class SignedRequest:
    """The result of one signature (copied out of the library).

    ``headers`` are the headers to add, in order (X-Amz-Date, [X-Amz-Security-Token],
    [x-amz-content-sha256], Authorization); ``query`` is the complete query string of a
    presigned request ("" when header-signed). ``headers`` and ``query`` may carry a session
    token: never log them. ``canonical_request`` has the token redacted."""

    headers: List[Tuple[str, str]]
    query: str
    signature: str
    canonical_request: str
    string_to_sign: str

    def __repr__(self) -> str:  # no token, no Authorization value
        return "SignedRequest(signature=%r, headers=[%s])" % (
            self.signature, ", ".join(n for n, _ in self.headers))


def _header_list(headers: Optional[Headers]) -> List[Tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return [(str(k), str(v)) for k, v in headers.items()]
    return [(str(k), str(v)) for k, v in headers]


def header_array(headers: Sequence[Tuple[str, str]]) -> "ctypes.Array[_ffi.mpadjust_header]":
    arr = (_ffi.mpadjust_header * max(len(headers), 1))()
    for i, (name, value) in enumerate(headers):
        arr[i].name = _ffi.encode(name, "header name")
        arr[i].value = _ffi.encode(value, "header value")
    return arr


def _epoch(when: Union[None, int, float, _dt.datetime]) -> int:
    if when is None:
        return 0
    if isinstance(when, _dt.datetime):
        if when.tzinfo is None:
            raise ValueError("time: a naive datetime is ambiguous; give it a tzinfo")
        return int(when.timestamp())
    return int(when)


class Signer(Handle):
    """Signs requests for one region and service. Immutable; shareable between threads.

    Args:
        region: e.g. "us-east-1".
        service: the signing name, e.g. "aws-marketplace".
        payload_mode: one of the ``PAYLOAD_*`` constants.
        precomputed_payload_hash: with PAYLOAD_PRECOMPUTED only.
        s3_no_path_normalization, s3_no_double_encoding: S3's path rules.
        omit_session_token: send the token but leave it unsigned.
        expires_seconds: lifetime of presigned URLs (0 = 3600).
        unsigned_headers: lower-case names never signed (None = the library's default list).
    Raises InvalidError naming a bad argument.
    """

    def __init__(self, region: str, service: str, *, payload_mode: int = PAYLOAD_HASH_BODY,
                 precomputed_payload_hash: Optional[str] = None,
                 s3_no_path_normalization: bool = False, s3_no_double_encoding: bool = False,
                 omit_session_token: bool = False, expires_seconds: int = 0,
                 unsigned_headers: Optional[Sequence[str]] = None) -> None:
        opts = _ffi.mpadjust_signer_options()
        _ffi.lib.mpadjust_signer_options_init(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.payload_mode = payload_mode
        hash_bytes = _ffi.encode(precomputed_payload_hash, "precomputed_payload_hash")
        opts.precomputed_payload_hash = hash_bytes
        opts.s3_no_path_normalization = int(bool(s3_no_path_normalization))
        opts.s3_no_double_encoding = int(bool(s3_no_double_encoding))
        opts.omit_session_token = int(bool(omit_session_token))
        opts.expires_seconds = int(expires_seconds)
        names = None
        if unsigned_headers is not None:
            names = (ctypes.c_char_p * max(len(unsigned_headers), 1))(
                *[_ffi.encode(n, "unsigned_headers") for n in unsigned_headers])
            opts.unsigned_headers = ctypes.cast(names, ctypes.POINTER(ctypes.c_char_p))
            opts.unsigned_header_count = len(unsigned_headers)
        self.region, self.service = region, service
        self._own(new_handle(_ffi.lib.mpadjust_signer_new, _ffi.mpadjust_signer,
                             _ffi.encode(region, "region"), _ffi.encode(service, "service"),
                             ctypes.byref(opts)),
                  _ffi.lib.mpadjust_signer_free)

    def sign(self, credentials: Credentials, method: str, target: str,
             headers: Optional[Headers] = None, body: bytes = b"",
             time: Union[None, int, float, _dt.datetime] = None) -> SignedRequest:
        """Signs in the Authorization header. ``target`` is the request-target as sent (path
        and optional ``?query``, percent-encoded once); ``headers`` must include Host;
        ``time`` is the signing time (epoch seconds or an aware datetime; None = now).

        Raises InvalidError, CredentialsError."""
        return self._sign(_ffi.lib.mpadjust_signer_sign, credentials, method, target, headers,
                          body, time)

    def presign(self, credentials: Credentials, method: str, target: str,
                headers: Optional[Headers] = None, body: bytes = b"",
                time: Union[None, int, float, _dt.datetime] = None) -> SignedRequest:
        """Presigns in the query string (``SignedRequest.query``)."""
        return self._sign(_ffi.lib.mpadjust_signer_presign, credentials, method, target,
                          headers, body, time)

    def _sign(self, fn, credentials, method, target, headers, body, time) -> SignedRequest:  # type: ignore[no-untyped-def]
        if not isinstance(credentials, Credentials):
            raise TypeError("credentials must be mpadjust.Credentials")
        if isinstance(body, str):
            body = body.encode("utf-8")
        body = bytes(body)
        pairs = _header_list(headers)
        arr = header_array(pairs)
        out = ctypes.POINTER(_ffi.mpadjust_signed_request)()
        fn(ctypes.byref(out), self._handle(), credentials._handle(),
           _ffi.encode(method, "method"), _ffi.encode(target, "target"), arr, len(pairs),
           body if body else None, len(body), _epoch(time))
        try:
            lib = _ffi.lib
            n = lib.mpadjust_signed_request_header_count(out)
            added = [(_ffi.decode(lib.mpadjust_signed_request_header_name(out, i)),
                      _ffi.decode(lib.mpadjust_signed_request_header_value(out, i)))
                     for i in range(n)]
            sig = ctypes.create_string_buffer(_ffi.MPADJUST_SIGNATURE_HEX_LEN + 1)
            length = ctypes.c_size_t()
            lib.mpadjust_signed_request_signature_copy(sig, len(sig), ctypes.byref(length), out)
            return SignedRequest(
                headers=added,
                query=_ffi.decode(lib.mpadjust_signed_request_query(out)),
                signature=sig.raw[:length.value].decode("ascii"),
                canonical_request=_ffi.decode(lib.mpadjust_signed_request_canonical_request(out)),
                string_to_sign=_ffi.decode(lib.mpadjust_signed_request_string_to_sign(out)))
        finally:
            _ffi.lib.mpadjust_signed_request_free(out)

    def __repr__(self) -> str:
        return "<mpadjust.Signer %s/%s>" % (self.region, self.service)
