"""Refund plans (``mpadjust_plan``), submission and results (``mpadjust_results``)."""
from __future__ import annotations

import ctypes
import enum
import json
import os
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Union, overload

from . import _ffi, errors
from ._handle import Handle, new_handle
from .client import Client

PathLike = Union[str, "os.PathLike[str]"]
Amount = Union[str, Decimal, int]


def _path(p: Optional[PathLike]) -> Optional[bytes]:
    return None if p is None else _ffi.encode(os.fspath(p), "journal")


def amount_text(amount: Amount) -> str:
    """The exact decimal text of an amount ("full", "12.50"). Floats are refused: binary
    floating point cannot hold most decimal amounts exactly."""
    if isinstance(amount, bool) or isinstance(amount, float):
        raise TypeError("amount must be str, Decimal or int, not %s (money is never a float)"
                        % type(amount).__name__)
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise ValueError("amount must be finite")
        return format(amount, "f")
    if isinstance(amount, int):
        return str(amount)
    if isinstance(amount, str):
        return amount
    raise TypeError("amount must be str, Decimal or int")


@dataclass(frozen=True)
class Entry:
    """One refund the caller asks for; checked when the plan is resolved.

    ``amount`` is "full" (the invoice's whole remaining refundable amount) or a decimal;
    ``currency`` must equal the invoice's."""

    agreement_id: str
    invoice_id: str
    amount: Amount = "full"
    currency: str = ""
    reason_code: str = ""
    description: str = ""
    support_case_id: Optional[str] = None
    buyer_reference: Optional[str] = None
    notes: Optional[str] = None

    def __post_init__(self) -> None:
        amount_text(self.amount)  # refuses floats and non-finite Decimals at once


class Outcome(enum.IntEnum):
    """What happened to one entry on submission."""

    CREATED = _ffi.MPADJUST_OUTCOME_CREATED
    ALREADY_DONE = _ffi.MPADJUST_OUTCOME_ALREADY_DONE
    REJECTED = _ffi.MPADJUST_OUTCOME_REJECTED
    IN_DOUBT = _ffi.MPADJUST_OUTCOME_IN_DOUBT
    NOT_SENT = _ffi.MPADJUST_OUTCOME_NOT_SENT


@dataclass(frozen=True)
class EntryResult:
    """The outcome and current status of one submitted entry (copied out of the library)."""

    outcome: Outcome
    agreement_id: str
    invoice_id: str
    amount: str
    currency: str
    client_token: str
    billing_adjustment_request_id: str
    status: str  # PENDING, COMPLETED, VALIDATION_FAILED ("" before any status was read)
    status_message: str
    error_code: str
    error_message: str

    @property
    def amount_decimal(self) -> Optional[Decimal]:
        return Decimal(self.amount) if self.amount else None


class Results(Handle, Sequence[EntryResult]):
    """The results of a submission: a sequence of :class:`EntryResult`, in plan order."""

    def __init__(self, *_: Any, **__: Any) -> None:
        raise TypeError("Results come from Plan.submit() or Results.from_journal()")

    @classmethod
    def _wrap(cls, ptr: Any, plan: "Plan") -> "Results":
        self = object.__new__(cls)
        self._plan = plan  # children keep their parent alive
        self._own(ptr, _ffi.lib.mpadjust_results_free)
        self._items: List[EntryResult] = []
        self._refresh()
        return self

    @classmethod
    def from_journal(cls, plan: "Plan", journal: Optional[PathLike] = None) -> "Results":
        """The results of ``plan`` as its journal records them (e.g. after a crash)."""
        out = new_handle(_ffi.lib.mpadjust_results_from_journal, _ffi.mpadjust_results,
                         plan._handle(), _path(journal))
        return cls._wrap(out, plan)

    def _refresh(self) -> None:
        lib, h = _ffi.lib, self._handle()
        items = []
        for i in range(lib.mpadjust_results_count(h)):
            vals = {name: _ffi.decode(getattr(lib, "mpadjust_results_" + name)(h, i))
                    for name in _ffi.RESULT_FIELDS}
            items.append(EntryResult(outcome=Outcome(lib.mpadjust_results_outcome(h, i)), **vals))
        self._items = items

    def wait(self, client: Client, journal: Optional[PathLike] = None,
             timeout: float = 300.0) -> "Results":
        """Polls until every created entry is COMPLETED or VALIDATION_FAILED, recording each
        status in the journal. ``timeout`` in seconds (0 = one look). On
        MpadjustTimeoutError / CancelledError the results hold what was learnt so far."""
        ms = max(0, int(round(timeout * 1000)))
        try:
            client._guarded(_ffi.lib.mpadjust_results_wait, self._handle(), client._handle(),
                            _path(journal), min(ms, 0xFFFFFFFF))
        finally:
            if not self.closed:
                self._refresh()
        return self

    def to_json(self) -> str:
        return _ffi.take_buf(_ffi.lib.mpadjust_results_json, self._handle())

    @property
    def completed(self) -> bool:
        """Every entry was created (or already done) and has reached COMPLETED."""
        return bool(self._items) and all(r.status == "COMPLETED" for r in self._items)

    @overload
    def __getitem__(self, i: int) -> EntryResult: ...
    @overload
    def __getitem__(self, i: slice) -> List[EntryResult]: ...

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[EntryResult]:
        return iter(list(self._items))

    def __repr__(self) -> str:
        return "<mpadjust.Results %d entries: %s>" % (
            len(self._items), ", ".join("%s/%s" % (r.outcome.name, r.status or "-")
                                        for r in self._items))


class Plan(Handle):
    """A refund plan: entries, then (after :meth:`resolve`) the frozen plan that is submitted.

    ``plan_key`` is part of every entry's client token (None = derived from the content): the
    same plan always sends the same tokens, so a refund is never made twice."""

    def __init__(self, plan_key: Optional[str] = None) -> None:
        self._own(new_handle(_ffi.lib.mpadjust_plan_new, _ffi.mpadjust_plan,
                             _ffi.encode(plan_key, "plan_key")),
                  _ffi.lib.mpadjust_plan_free)

    @classmethod
    def from_json(cls, text: str) -> "Plan":
        """A saved, resolved plan (the text of :meth:`to_json`). Raises ParseError /
        InvalidError."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        self = object.__new__(cls)
        self._own(new_handle(_ffi.lib.mpadjust_plan_from_json, _ffi.mpadjust_plan, data,
                             len(data)),
                  _ffi.lib.mpadjust_plan_free)
        return self

    def add(self, entry: Entry) -> "Plan":
        """Adds one entry (checked by :meth:`resolve`). Returns self."""
        if not isinstance(entry, Entry):
            raise TypeError("add() takes an mpadjust.Entry")
        e = _ffi.mpadjust_entry()
        _ffi.lib.mpadjust_entry_init(ctypes.byref(e), ctypes.sizeof(e))
        keep = []
        for f in fields(entry):
            value = getattr(entry, f.name)
            if f.name == "amount":
                value = amount_text(value)
            b = _ffi.encode(value, f.name) if value not in (None, "") else None
            keep.append(b)
            setattr(e, f.name, b)
        _ffi.lib.mpadjust_plan_add_entry(self._handle(), ctypes.byref(e))
        return self

    def add_csv(self, text: str) -> "Plan":
        """Adds the entries of a CSV document (header row naming the columns)."""
        data = _ffi.encode(text, "csv") or b""
        _ffi.lib.mpadjust_plan_add_csv(self._handle(), data, len(data))
        return self

    def add_json(self, text: str) -> "Plan":
        """Adds the entries of a JSON document."""
        data = _ffi.encode(text, "json") or b""
        _ffi.lib.mpadjust_plan_add_json(self._handle(), data, len(data))
        return self

    def resolve(self, client: Client, strict: bool = False) -> "Plan":
        """Checks every entry against live data, resolves "full" and freezes the plan.

        Raises InvalidError whose ``problems`` lists every problem (each naming its field);
        ``strict`` also refuses vague descriptions."""
        try:
            client._guarded(_ffi.lib.mpadjust_plan_resolve, self._handle(), client._handle(),
                            int(bool(strict)))
        except errors.InvalidError as e:
            e.problems = self.problems()
            raise
        return self

    def problems(self) -> List[Any]:
        """The problems found by the last :meth:`resolve` (empty when none)."""
        text = _ffi.take_buf(_ffi.lib.mpadjust_plan_problems, self._handle())
        return list((json.loads(text) if text else {}).get("problems", []))

    @property
    def resolved(self) -> bool:
        return bool(_ffi.lib.mpadjust_plan_is_resolved(self._handle()))

    def __len__(self) -> int:
        return int(_ffi.lib.mpadjust_plan_entry_count(self._handle()))

    def preview_text(self) -> str:
        """What will be sent, for a person to read and confirm (requires resolve())."""
        return _ffi.take_buf(_ffi.lib.mpadjust_plan_preview_text, self._handle())

    def preview_json(self) -> Dict[str, Any]:
        """The preview as data."""
        return json.loads(_ffi.take_buf(_ffi.lib.mpadjust_plan_preview_json, self._handle()))

    def to_json(self) -> str:
        """The resolved plan as JSON text, to save and submit later (Plan.from_json)."""
        return _ffi.take_buf(_ffi.lib.mpadjust_plan_to_json, self._handle())

    def submit(self, client: Client, journal: Optional[PathLike] = None, concurrency: int = 1,
               progress: Optional[Callable[[int, int, int], Any]] = None,
               retry_rejected: bool = False) -> Results:
        """Sends the resolved plan (journal first, then calls of <= 5 entries).

        ``journal`` None = the default per-user journal. ``progress(done, total, failed)`` may
        return False to stop (CallbackError); an exception it raises is re-raised here.
        Returns the Results even when some entries were rejected (inspect them). Raises
        ConflictError when the journal is in use, InvalidError when not resolved."""
        opts = _ffi.mpadjust_submit_options()
        _ffi.lib.mpadjust_submit_options_init(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.concurrency = int(concurrency)
        opts.retry_rejected = int(bool(retry_rejected))
        if progress is not None:
            opts.progress = client._progress_cb
        out = ctypes.POINTER(_ffi.mpadjust_results)()
        state = client._state
        with client._lock:
            state.progress = progress
            try:
                client._guarded(_ffi.lib.mpadjust_plan_submit, ctypes.byref(out), self._handle(),
                                client._handle(), _path(journal), ctypes.byref(opts))
            except BaseException:
                if out:
                    _ffi.lib.mpadjust_results_free(out)
                raise
            finally:
                state.progress = None
        return Results._wrap(out, self)

    def __repr__(self) -> str:
        if self.closed:
            return "<mpadjust.Plan closed>"
        return "<mpadjust.Plan %d entries%s>" % (len(self), ", resolved" if self.resolved else "")
