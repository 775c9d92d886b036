"""The local journal of submissions, and the refund request form."""
from __future__ import annotations

import ctypes
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

from . import _ffi
from .plan import Amount, amount_text

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class JournalListing:
    """Every entry the journal records (folded per client token) and any warnings (e.g. a
    torn last line that was repaired)."""

    entries: List[Dict[str, Any]]
    warnings: List[str] = field(default_factory=list)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def _path(path: Optional[PathLike]) -> Optional[bytes]:
    return None if path is None else _ffi.encode(os.fspath(path), "journal")


def journal_entries(path: Optional[PathLike] = None) -> JournalListing:
    """The journal's entries (None = the default per-user journal). Raises FileError when it
    cannot be read, ParseError when it is damaged beyond repair."""
    doc = json.loads(_ffi.take_buf(_ffi.lib.mpadjust_journal_list_json, _path(path)) or "{}")
    return JournalListing(list(doc.get("entries", [])), [str(w) for w in doc.get("warnings", [])])


def journal_csv(path: Optional[PathLike] = None) -> str:
    """The journal as CSV (one row per entry), for a spreadsheet or an audit."""
    return _ffi.take_buf(_ffi.lib.mpadjust_journal_export_csv, _path(path))


def refund_form(*, buyer_account_id: Optional[str] = None, buyer_email: Optional[str] = None,
                seller_account_id: Optional[str] = None, product_id: Optional[str] = None,
                offer_id: Optional[str] = None, billing_period: Optional[str] = None,
                invoice_id: Optional[str] = None, amount: Optional[Amount] = None,
                currency: Optional[str] = None, full: bool = False,
                subscription_cancelled: bool = False,
                annual_subscription_date: Optional[str] = None, reason: Optional[str] = None,
                as_json: bool = False) -> Union[str, Dict[str, Any]]:
    """The AWS Marketplace refund request form's fields (for refunds the API cannot make):
    text ready to paste (fields and "Additional comments"), or a dict with ``as_json``.
    Raises InvalidError naming a missing or malformed field."""
    form = _ffi.mpadjust_refund_form_input()
    _ffi.lib.mpadjust_refund_form_input_init(ctypes.byref(form), ctypes.sizeof(form))
    values = dict(buyer_account_id=buyer_account_id, buyer_email=buyer_email,
                  seller_account_id=seller_account_id, product_id=product_id, offer_id=offer_id,
                  billing_period=billing_period, invoice_id=invoice_id,
                  amount=None if amount is None else amount_text(amount), currency=currency,
                  annual_subscription_date=annual_subscription_date, reason=reason)
    for name, value in values.items():
        setattr(form, name, _ffi.encode(value, name))
    form.full = int(bool(full))
    form.subscription_cancelled = int(bool(subscription_cancelled))
    if as_json:
        return json.loads(_ffi.take_buf(_ffi.lib.mpadjust_refund_form_json, ctypes.byref(form)))
    return _ffi.take_buf(_ffi.lib.mpadjust_refund_form_text, ctypes.byref(form))
