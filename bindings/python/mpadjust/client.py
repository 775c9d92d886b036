"""The Agreement Service client (``mpadjust_client``): agreements, invoices, cancellations,
custom transports and logging."""
from __future__ import annotations

import ctypes
import datetime as _dt
import json
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import (Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple,
                    Union)

from . import _ffi, errors
from ._handle import Handle, new_handle
from .credentials import Credentials

LOG_ERROR = _ffi.MPADJUST_LOG_ERROR
LOG_WARN = _ffi.MPADJUST_LOG_WARN
LOG_INFO = _ffi.MPADJUST_LOG_INFO
LOG_DEBUG = _ffi.MPADJUST_LOG_DEBUG


# ---------------------------------------------------------------------------- transport

@dataclass(frozen=True)
class HttpRequest:
    """A request the library asks a custom transport to send (signed, ready to go).

    ``headers`` include Authorization and possibly X-Amz-Security-Token: never log them."""

    method: str
    url: str
    headers: List[Tuple[str, str]]
    body: bytes

    def header(self, name: str) -> Optional[str]:
        """The first value of header ``name`` (case-insensitive), or None."""
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return None

    def __repr__(self) -> str:
        return "HttpRequest(%s %s, %d headers, %d bytes)" % (
            self.method, self.url, len(self.headers), len(self.body))


#: What a transport returns: (HTTP status, headers as a mapping or pairs, body bytes or str).
TransportResult = Tuple[int, Union[Mapping[str, str], Iterable[Tuple[str, str]]],
                        Union[bytes, str]]
Transport = Callable[[HttpRequest], TransportResult]


class TransportFailure(Exception):
    """Raise from a custom transport when no response was received. Subclasses tell the
    library whether the request may have reached the service (it retries accordingly)."""

    code = _ffi.MPADJUST_TRANSPORT_RECEIVE_FAILED


class ConnectFailed(TransportFailure):
    """The request was certainly not sent (connection refused, DNS failure)."""

    code = _ffi.MPADJUST_TRANSPORT_CONNECT_FAILED


class ReceiveFailed(TransportFailure):
    """The request may have been sent and applied, but no response arrived."""

    code = _ffi.MPADJUST_TRANSPORT_RECEIVE_FAILED


class TransportTimeout(TransportFailure):
    """No response within the transport's own timeout."""

    code = _ffi.MPADJUST_TRANSPORT_TIMEOUT


def _failure_code(exc: BaseException) -> Optional[int]:
    if isinstance(exc, TransportFailure):
        return exc.code
    if isinstance(exc, ConnectionRefusedError):
        return _ffi.MPADJUST_TRANSPORT_CONNECT_FAILED
    if isinstance(exc, TimeoutError):
        return _ffi.MPADJUST_TRANSPORT_TIMEOUT
    if isinstance(exc, ConnectionError):
        return _ffi.MPADJUST_TRANSPORT_RECEIVE_FAILED
    return None


_CALLBACK_ABORT = 100  # any other non-zero return: MPADJUST_ECALLBACK


class _CallbackState:
    """What the C callbacks of one client share. Holds no reference to the Client (no cycle);
    the first exception raised in a callback is kept until the C call returns."""

    def __init__(self, log: Optional[Callable[[int, str], Any]],
                 transport: Optional[Transport]) -> None:
        self.log = log
        self.transport = transport
        self.progress: Optional[Callable[[int, int, int], Any]] = None
        self._lock = threading.Lock()
        self._pending: Optional[BaseException] = None

    def store(self, exc: BaseException) -> None:
        with self._lock:
            if self._pending is None:
                self._pending = exc

    def take(self) -> Optional[BaseException]:
        with self._lock:
            exc, self._pending = self._pending, None
            return exc


def _make_log_cb(state: _CallbackState) -> Any:
    def cb(level: int, line: Optional[bytes], _userdata: Any) -> None:
        try:
            if state.log is not None:
                state.log(int(level), _ffi.decode(line))
        except BaseException as exc:  # noqa: B902 - must not unwind through C
            state.store(exc)
    return _ffi.mpadjust_log_fn(cb)


def _make_transport_cb(state: _CallbackState) -> Any:
    lib = _ffi.lib

    def cb(response: Any, request: Any, _userdata: Any) -> int:
        try:
            req = request.contents
            headers = [(_ffi.decode(req.headers[i].name), _ffi.decode(req.headers[i].value))
                       for i in range(req.header_count)]
            body = ctypes.string_at(req.body, req.body_len) if req.body_len else b""
            assert state.transport is not None
            status, out_headers, out_body = state.transport(HttpRequest(
                _ffi.decode(req.method), _ffi.decode(req.url), headers, body))
            lib.mpadjust_http_response_set_status(response, int(status))
            pairs = out_headers.items() if isinstance(out_headers, Mapping) else out_headers
            for name, value in pairs:
                lib.mpadjust_http_response_add_header(response, _ffi.encode(str(name), "header"),
                                                      _ffi.encode(str(value), "header"))
            if isinstance(out_body, str):
                out_body = out_body.encode("utf-8")
            data = bytes(out_body or b"")
            if data:
                lib.mpadjust_http_response_append_body(response, data, len(data))
            return 0
        except BaseException as exc:  # noqa: B902 - must not unwind through C
            code = _failure_code(exc)
            if code is not None:
                return code
            state.store(exc)
            return _CALLBACK_ABORT
    return _ffi.mpadjust_transport_fn(cb)


def _make_progress_cb(state: _CallbackState) -> Any:
    def cb(done: int, total: int, failed: int, _userdata: Any) -> int:
        try:
            if state.progress is not None and state.progress(int(done), int(total), int(failed)) is False:
                return 1  # the caller asked to stop
            return 0
        except BaseException as exc:  # noqa: B902
            state.store(exc)
            return _CALLBACK_ABORT
    return _ffi.mpadjust_progress_fn(cb)


# ---------------------------------------------------------------------------- data

def _dec(value: Any) -> Optional[Decimal]:
    if value is None or value == "":
        return None
    return Decimal(str(value))


@dataclass(frozen=True)
class Agreement:
    """One agreement, as the library reported it (times are the API's ISO 8601 text)."""

    agreement_id: str
    status: str = ""
    agreement_type: str = ""
    offer_id: str = ""
    product_ids: Tuple[str, ...] = ()
    buyer_account_id: str = ""
    seller_account_id: str = ""
    start_time: Optional[str] = None
    end_time: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, d: Dict[str, Any]) -> "Agreement":
        return cls(agreement_id=d.get("agreementId", ""), status=d.get("status") or "",
                   agreement_type=d.get("agreementType") or "", offer_id=d.get("offerId") or "",
                   product_ids=tuple(d.get("productIds") or ()),
                   buyer_account_id=d.get("buyerAccountId") or "",
                   seller_account_id=d.get("sellerAccountId") or "",
                   start_time=_time_text(d.get("startTime")), end_time=_time_text(d.get("endTime")),
                   raw=dict(d))


def _time_text(v: Any) -> Optional[str]:
    return None if v is None or v == "" else str(v)


@dataclass(frozen=True)
class AgreementLookup:
    """Every agreement that matched a query. The library never picks one of several."""

    candidates: List[Agreement]
    warnings: List[str] = field(default_factory=list)

    @property
    def unique(self) -> bool:
        return len(self.candidates) == 1

    def one(self) -> Agreement:
        """The one agreement. Raises AmbiguousError (with ``.candidates``) when several match,
        NotFoundError when none does."""
        if len(self.candidates) == 1:
            return self.candidates[0]
        if not self.candidates:
            raise errors.NotFoundError(_ffi.MPADJUST_ENOTFOUND, "no agreement matches")
        listing = "; ".join("%s (%s, offer %s, buyer %s)" % (a.agreement_id, a.status or "?",
                                                            a.offer_id or "?",
                                                            a.buyer_account_id or "?")
                            for a in self.candidates)
        raise errors.AmbiguousError(
            _ffi.MPADJUST_EAMBIGUOUS,
            "%d agreements match; choose one by agreement_id: %s" % (len(self.candidates), listing),
            candidates=list(self.candidates))


@dataclass(frozen=True)
class Invoice:
    """One invoice of an agreement. Amounts are exact Decimals (pre-tax)."""

    agreement_id: str
    invoice_id: str
    invoice_type: str
    currency_code: str
    amount: Optional[Decimal]
    max_adjustment_amount: Optional[Decimal]
    billing_period: Optional[str] = None  # "YYYY-MM"
    issued_time: Optional[str] = None
    adjustable: bool = True
    raw: Dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, d: Dict[str, Any]) -> "Invoice":
        period = d.get("billingPeriod")
        if isinstance(period, dict):  # tolerate {"year":..,"month":..}
            period = "%04d-%02d" % (int(period.get("year", 0)), int(period.get("month", 0)))
        adjustable = d.get("adjustable")
        if adjustable is None:
            adjustable = d.get("invoiceType") != "CREDIT_MEMO"
        return cls(agreement_id=d.get("agreementId", ""), invoice_id=d.get("invoiceId", ""),
                   invoice_type=d.get("invoiceType") or "", currency_code=d.get("currencyCode") or "",
                   amount=_dec(d.get("amount")),
                   max_adjustment_amount=_dec(d.get("maxAdjustmentAmount")),
                   billing_period=period or None, issued_time=_time_text(d.get("issuedTime")),
                   adjustable=bool(adjustable), raw=dict(d))


# ---------------------------------------------------------------------------- client

def _epoch_ms(when: Union[None, int, _dt.datetime]) -> int:
    if when is None:
        return 0
    if isinstance(when, _dt.datetime):
        if when.tzinfo is None:
            raise ValueError("a naive datetime is ambiguous; give it a tzinfo")
        return int(when.timestamp() * 1000)
    return int(when)


class Client(Handle):
    """A client of the AWS Marketplace Agreement Service.

    Args:
        region: None = resolved (AWS_REGION, profile, us-east-1).
        credentials: None = the default chain (of ``profile``).
        endpoint: None = AWS_ENDPOINT_URL_* or the endpoint rules.
        profile, ca_bundle: the shared-config profile and a PEM bundle to trust.
        max_attempts: 0 = AWS_MAX_ATTEMPTS / profile / 3.
        connect_timeout_ms, timeout_ms: 0 = the library's defaults.
        log: ``log(level, line)`` receives log lines (never secrets) at ``log_level`` and above.
        transport: a callable sending requests itself: ``transport(HttpRequest) -> (status,
            headers, body)``; raise ConnectFailed / ReceiveFailed / TransportTimeout (or
            ConnectionRefusedError, ConnectionError, TimeoutError) when no response came.
            Any other exception aborts the call and is re-raised from it.
        allow_insecure_http: permit http:// to hosts other than loopback.

    A client is used by one thread at a time: calls from several threads are serialised.
    :meth:`cancel` may be called from any thread.
    """

    def __init__(self, region: Optional[str] = None, credentials: Optional[Credentials] = None,
                 endpoint: Optional[str] = None, profile: Optional[str] = None,
                 ca_bundle: Optional[str] = None, max_attempts: int = 0,
                 log: Optional[Callable[[int, str], Any]] = None, log_level: int = LOG_INFO,
                 transport: Optional[Transport] = None, connect_timeout_ms: int = 0,
                 timeout_ms: int = 0, allow_insecure_http: bool = False) -> None:
        if credentials is not None and not isinstance(credentials, Credentials):
            raise TypeError("credentials must be mpadjust.Credentials or None")
        self._lock = threading.RLock()
        self._state = _CallbackState(log, transport)
        opts = _ffi.mpadjust_client_options()
        _ffi.lib.mpadjust_client_options_init(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.endpoint = _ffi.encode(endpoint, "endpoint")
        opts.profile = _ffi.encode(profile, "profile")
        opts.ca_bundle = _ffi.encode(ca_bundle, "ca_bundle")
        opts.connect_timeout_ms = int(connect_timeout_ms)
        opts.timeout_ms = int(timeout_ms)
        opts.max_attempts = int(max_attempts)
        opts.log_level = int(log_level)
        opts.allow_insecure_http = int(bool(allow_insecure_http))
        # The CFUNCTYPE objects must outlive the C client: the finalizer holds them.
        callbacks: List[Any] = [_make_progress_cb(self._state)]
        if log is not None:
            cb = _make_log_cb(self._state)
            opts.log = cb
            callbacks.append(cb)
        if transport is not None:
            cb = _make_transport_cb(self._state)
            opts.transport = cb
            callbacks.append(cb)
        self._progress_cb = callbacks[0]
        self._credentials = credentials  # the C client keeps its own reference; this is for repr
        ptr = self._guarded(new_handle, _ffi.lib.mpadjust_client_new, _ffi.mpadjust_client,
                            _ffi.encode(region, "region"),
                            credentials._handle() if credentials is not None else None,
                            ctypes.byref(opts))
        self._own(ptr, _ffi.lib.mpadjust_client_free, tuple(callbacks))

    # -- plumbing

    def _guarded(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Calls into C with this client's callbacks armed; re-raises an exception a callback
        stored (with the C error as its context), after the C call has returned."""
        with self._lock:
            self._state.take()
            try:
                result = fn(*args)
            except errors.MpadjustError:
                pending = self._state.take()
                if pending is not None:
                    raise pending
                raise
            pending = self._state.take()
            if pending is not None:
                raise pending
            return result

    def _json(self, fn: Callable[..., Any], *args: Any) -> Any:
        text = self._guarded(_ffi.take_buf, fn, *args)
        return json.loads(text) if text else None

    def close(self) -> None:
        """Frees the client (waits for a call in progress on another thread). Idempotent."""
        with self._lock:
            super().close()

    # -- basics

    @property
    def endpoint(self) -> str:
        """The endpoint URL requests go to."""
        return _ffi.decode(_ffi.lib.mpadjust_client_endpoint(self._handle()))

    def cancel(self) -> None:
        """Cancels the call in progress on this client (from any thread): it fails with
        CancelledError."""
        ptr = self._ptr
        if ptr is not None:
            _ffi.lib.mpadjust_client_cancel(ptr)

    # -- agreements and invoices

    def find_agreements(self, agreement_id: Optional[str] = None, buyer: Optional[str] = None,
                        offer: Optional[str] = None, product: Optional[str] = None,
                        status: Optional[str] = None) -> AgreementLookup:
        """Agreements by ID, or by buyer account / offer / product / status (all pages).

        Raises NotFoundError when none matches, InvalidError for a malformed query (before
        anything is sent), ServiceError, TransportError, CredentialsError."""
        q = _ffi.mpadjust_agreement_query()
        _ffi.lib.mpadjust_agreement_query_init(ctypes.byref(q), ctypes.sizeof(q))
        q.agreement_id = _ffi.encode(agreement_id, "agreement_id")
        q.buyer_account_id = _ffi.encode(buyer, "buyer")
        q.offer_id = _ffi.encode(offer, "offer")
        q.product_id = _ffi.encode(product, "product")
        q.status = _ffi.encode(status, "status")
        doc = self._json(_ffi.lib.mpadjust_agreements_find, self._handle(), ctypes.byref(q)) or {}
        return AgreementLookup([Agreement.from_json(a) for a in doc.get("agreements", [])],
                               [str(w) for w in doc.get("warnings", [])])

    def list_invoices(self, agreement_id: str, period: Optional[Tuple[int, int]] = None,
                      invoice_type: Optional[str] = None, invoice_id: Optional[str] = None,
                      issued_after: Union[None, int, _dt.datetime] = None,
                      issued_before: Union[None, int, _dt.datetime] = None) -> List[Invoice]:
        """The agreement's invoices (all pages), optionally only billing period ``(year,
        month)``, one type ("INVOICE" / "CREDIT_MEMO"), one ID, or issued in a window
        (datetimes or epoch milliseconds)."""
        f = _ffi.mpadjust_invoice_filter()
        _ffi.lib.mpadjust_invoice_filter_init(ctypes.byref(f), ctypes.sizeof(f))
        if period is not None:
            year, month = period
            f.period_year, f.period_month = int(year), int(month)
        f.invoice_type = _ffi.encode(invoice_type, "invoice_type")
        f.invoice_id = _ffi.encode(invoice_id, "invoice_id")
        f.issued_after_epoch_ms = _epoch_ms(issued_after)
        f.issued_before_epoch_ms = _epoch_ms(issued_before)
        doc = self._json(_ffi.lib.mpadjust_invoices_list, self._handle(),
                         _ffi.encode(agreement_id, "agreement_id"), ctypes.byref(f)) or {}
        return [Invoice.from_json(i) for i in doc.get("invoices", [])]

    # -- cancellation requests (ending an agreement; never part of a refund)

    def send_cancellation_request(self, agreement_id: str, reason_code: str,
                                  description: Optional[str] = None,
                                  client_token: Optional[str] = None) -> Dict[str, Any]:
        """Asks the buyer to approve ending the agreement (SendAgreementCancellationRequest).
        Returns the API's response. This ends an agreement; it refunds nothing."""
        return self._json(_ffi.lib.mpadjust_cancellation_send, self._handle(),
                          _ffi.encode(agreement_id, "agreement_id"),
                          _ffi.encode(reason_code, "reason_code"),
                          _ffi.encode(description, "description"),
                          _ffi.encode(client_token, "client_token"))

    def get_cancellation_request(self, agreement_id: str,
                                 cancellation_request_id: str) -> Dict[str, Any]:
        """GetAgreementCancellationRequest, as the API returns it."""
        return self._json(_ffi.lib.mpadjust_cancellation_get, self._handle(),
                          _ffi.encode(agreement_id, "agreement_id"),
                          _ffi.encode(cancellation_request_id, "cancellation_request_id"))

    def list_cancellation_requests(self, agreement_id: Optional[str] = None,
                                   status: Optional[str] = None) -> Dict[str, Any]:
        """ListAgreementCancellationRequests (all pages), as the API returns it."""
        return self._json(_ffi.lib.mpadjust_cancellation_list, self._handle(),
                          _ffi.encode(agreement_id, "agreement_id"),
                          _ffi.encode(status, "status"))

    def withdraw_cancellation_request(self, agreement_id: str, cancellation_request_id: str,
                                      reason: str) -> Dict[str, Any]:
        """CancelAgreementCancellationRequest: withdraws a pending request."""
        return self._json(_ffi.lib.mpadjust_cancellation_withdraw, self._handle(),
                          _ffi.encode(agreement_id, "agreement_id"),
                          _ffi.encode(cancellation_request_id, "cancellation_request_id"),
                          _ffi.encode(reason, "reason"))

    def __repr__(self) -> str:
        if self.closed:
            return "<mpadjust.Client closed>"
        return "<mpadjust.Client %s>" % self.endpoint
