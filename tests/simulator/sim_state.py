"""The simulated service state and the operations on it.

Money is decimal.Decimal throughout (never float). Everything here runs under State.lock.
"""
import base64
import datetime
import decimal
import hashlib
import hmac
import json
import os
import random
import re
import string
import threading
from collections import OrderedDict

D = decimal.Decimal

# ISO 4217 minor units; 2 for a currency not listed here.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3,
               "JOD": 3, "TND": 3}
CATALOGS = ("AWSMarketplace",)
AGREEMENT_STATUSES = ("ACTIVE", "ARCHIVED", "CANCELLED", "EXPIRED", "RENEWED", "REPLACED",
                      "ROLLED_BACK", "SUPERSEDED", "TERMINATED")
RESOURCE_TYPES = ("AmiProduct", "ContainerProduct", "SaaSProduct", "ProfessionalServicesProduct",
                  "MachineLearningProduct")
DEFAULT_PAGE = 50

# SearchAgreements: allowed filter combinations (besides PartyType), from the operation
# documentation. "EndTime" stands for BeforeEndTime and/or AfterEndTime.
_PROPOSER_COMBOS = """AgreementType; AgreementType + EndTime; AgreementType + ResourceType; AgreementType + ResourceType + EndTime; AgreementType + ResourceType + Status; AgreementType + ResourceType + Status + EndTime; AgreementType + ResourceIdentifier; AgreementType + ResourceIdentifier + EndTime; AgreementType + ResourceIdentifier + Status; AgreementType + ResourceIdentifier + Status + EndTime; AgreementType + AcceptorAccountId; AgreementType + AcceptorAccountId + EndTime; AgreementType + AcceptorAccountId + Status; AgreementType + AcceptorAccountId + Status + EndTime; AgreementType + AcceptorAccountId + OfferId; AgreementType + AcceptorAccountId + OfferId + Status; AgreementType + AcceptorAccountId + OfferId + EndTime; AgreementType + AcceptorAccountId + OfferId + Status + EndTime; AgreementType + AcceptorAccountId + ResourceIdentifier; AgreementType + AcceptorAccountId + ResourceIdentifier + Status; AgreementType + AcceptorAccountId + ResourceIdentifier + EndTime; AgreementType + AcceptorAccountId + ResourceIdentifier + Status + EndTime; AgreementType + AcceptorAccountId + ResourceType; AgreementType + AcceptorAccountId + ResourceType + EndTime; AgreementType + AcceptorAccountId + ResourceType + Status; AgreementType + AcceptorAccountId + ResourceType + Status + EndTime; AgreementType + Status; AgreementType + Status + EndTime; AgreementType + OfferId; AgreementType + OfferId + EndTime; AgreementType + OfferId + Status; AgreementType + OfferId + Status + EndTime; AgreementType + OfferSetId; AgreementType + OfferSetId + EndTime; AgreementType + OfferSetId + Status; AgreementType + OfferSetId + Status + EndTime"""
_ACCEPTOR_COMBOS = """AgreementType; AgreementType + Status; AgreementType + EndTime; AgreementType + Status + EndTime; AgreementType + ResourceIdentifier; AgreementType + ResourceIdentifier + EndTime; AgreementType + ResourceIdentifier + Status; AgreementType + ResourceIdentifier + Status + EndTime; AgreementType + ResourceType; AgreementType + ResourceType + EndTime; AgreementType + OfferId; AgreementType + OfferId + EndTime; AgreementType + OfferId + Status; AgreementType + OfferId + Status + EndTime; AgreementType + OfferSetId; AgreementType + OfferSetId + EndTime; AgreementType + OfferSetId + Status; AgreementType + OfferSetId + Status + EndTime"""


def _combos(text):
    return {frozenset(p.strip() for p in c.split("+")) for c in text.split(";")}


ALLOWED_COMBOS = {"Proposer": _combos(_PROPOSER_COMBOS), "Acceptor": _combos(_ACCEPTOR_COMBOS)}
FILTER_NAMES = ("PartyType", "AgreementType", "ResourceIdentifier", "ResourceType",
                "AcceptorAccountId", "OfferId", "OfferSetId", "Status", "BeforeEndTime",
                "AfterEndTime")


class ApiError(Exception):
    """A modeled error: shape name (e.g. "ValidationException") and its members."""

    def __init__(self, shape, message, **members):
        super().__init__(message)
        self.shape, self.message, self.members = shape, message, members


def validation(reason, message, fields=None):
    m = {"reason": reason}
    if fields:
        m["fields"] = fields
    return ApiError("ValidationException", message, **m)


def parse_time(v):
    """Seed times: ISO-8601 'Z' strings or epoch numbers -> float epoch seconds (or None)."""
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    dt = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def wire_time(t):
    if t is None:
        return None
    return int(t) if float(t).is_integer() else round(t, 3)


def iso(t):
    if t is None:
        return None
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def money(d):
    return format(d, "f")


def _drop_none(d):
    return {k: v for k, v in d.items() if v is not None}


_ID_ALPHABET = string.ascii_letters + string.digits


class State:
    def __init__(self, seed, clock, adjustment_delay=1.0):
        self.lock = threading.RLock()
        self.clock = clock
        self.adjustment_delay = float(adjustment_delay)
        self._ids = random.Random(os.urandom(16))
        self._token_key = os.urandom(16)
        self._load(seed)

    # ---- loading / dumping -------------------------------------------------------------------
    def _load(self, seed):
        self.agreements = {}
        self.by_proposer = {}
        self.by_acceptor = {}
        for a in seed.get("agreements", []):
            a = dict(a)
            for k in ("acceptanceTime", "startTime", "endTime"):
                a[k] = parse_time(a.get(k))
            a.setdefault("agreementType", "PurchaseAgreement")
            a.setdefault("catalog", "AWSMarketplace")
            a.setdefault("acceptedTerms", [])
            self.agreements[a["agreementId"]] = a
            self.by_proposer.setdefault(a["proposerAccountId"], []).append(a)
            self.by_acceptor.setdefault(a["acceptorAccountId"], []).append(a)
        self.invoices = {}   # agreementId -> [invoice] sorted by (issuedTime, invoiceId)
        self.invoice_index = {}  # (agreementId, invoiceId) -> invoice
        for inv in seed.get("invoices", []):
            inv = dict(inv)
            inv["issuedTime"] = parse_time(inv.get("issuedTime"))
            inv["amount"] = D(inv["amount"])
            inv["maxAdjustmentAmount"] = D(inv["maxAdjustmentAmount"])
            inv.setdefault("invoiceType", "INVOICE")
            if inv["agreementId"] not in self.agreements:
                raise ValueError("seed: invoice %s names unknown agreement %s"
                                 % (inv["invoiceId"], inv["agreementId"]))
            self.invoices.setdefault(inv["agreementId"], []).append(inv)
            self.invoice_index[(inv["agreementId"], inv["invoiceId"])] = inv
        for lst in self.invoices.values():
            lst.sort(key=lambda i: (i["issuedTime"] or 0, i["invoiceId"]))
        self.adjustments = {}
        self.adj_order = []
        self.adj_tokens = {}
        self.pending = set()
        for ba in seed.get("billingAdjustmentRequests", []):
            ba = dict(ba)
            for k in ("createdAt", "updatedAt", "completesAt"):
                ba[k] = parse_time(ba.get(k))
            ba["adjustmentAmount"] = D(ba["adjustmentAmount"])
            self._add_adjustment(ba)
        self.cancellations = {}
        self.acr_order = []
        self.acr_tokens = {}
        for c in seed.get("cancellationRequests", []):
            c = dict(c)
            for k in ("createdAt", "updatedAt"):
                c[k] = parse_time(c.get(k))
            self._add_cancellation(c)
        self.search_cache = OrderedDict()

    def dump(self):
        with self.lock:
            self.advance()
            agreements = []
            for a in self.agreements.values():
                a = dict(a)
                for k in ("acceptanceTime", "startTime", "endTime"):
                    a[k] = iso(a[k])
                agreements.append(_drop_none(a))
            invoices = []
            for lst in self.invoices.values():
                for inv in lst:
                    inv = dict(inv)
                    inv["issuedTime"] = iso(inv["issuedTime"])
                    inv["amount"] = money(inv["amount"])
                    inv["maxAdjustmentAmount"] = money(inv["maxAdjustmentAmount"])
                    invoices.append(inv)
            return {"agreements": agreements, "invoices": invoices,
                    "billingAdjustmentRequests": self.ledger_adjustments(),
                    "cancellationRequests": self.ledger_cancellations()}

    def ledger_adjustments(self):
        out = []
        for i in self.adj_order:
            ba = dict(self.adjustments[i])
            ba["adjustmentAmount"] = money(ba["adjustmentAmount"])
            for k in ("createdAt", "updatedAt", "completesAt"):
                ba[k] = iso(ba.get(k))
            out.append(_drop_none(ba))
        return out

    def ledger_cancellations(self):
        out = []
        for i in self.acr_order:
            c = dict(self.cancellations[i])
            for k in ("createdAt", "updatedAt"):
                c[k] = iso(c.get(k))
            out.append(_drop_none(c))
        return out

    def _add_adjustment(self, ba):
        self.adjustments[ba["billingAdjustmentRequestId"]] = ba
        self.adj_order.append(ba["billingAdjustmentRequestId"])
        self.adj_tokens[(ba["sellerAccountId"], ba["clientToken"])] = ba["billingAdjustmentRequestId"]
        if ba["status"] == "PENDING":
            self.pending.add(ba["billingAdjustmentRequestId"])

    def _add_cancellation(self, c):
        self.cancellations[c["agreementCancellationRequestId"]] = c
        self.acr_order.append(c["agreementCancellationRequestId"])
        if c.get("clientToken"):
            self.acr_tokens[(c["sellerAccountId"], c["clientToken"])] = c["agreementCancellationRequestId"]

    def _new_id(self, prefix, existing):
        while True:
            i = prefix + "".join(self._ids.choice(_ID_ALPHABET) for _ in range(16))
            if i not in existing:
                return i

    # ---- time-driven transitions -------------------------------------------------------------
    def advance(self, force=False):
        """PENDING adjustments whose delay has passed become COMPLETED, or VALIDATION_FAILED for
        invoices marked so in the seed (their maxAdjustmentAmount is restored)."""
        if not self.pending:
            return
        now = self.clock()
        for i in list(self.pending):
            ba = self.adjustments[i]
            if not force and ba["completesAt"] is not None and ba["completesAt"] > now:
                continue
            inv = self.invoice_index.get((ba["agreementId"], ba["originalInvoiceId"]))
            if inv is not None and inv.get("adjustmentOutcome") == "VALIDATION_FAILED":
                ba["status"] = "VALIDATION_FAILED"
                ba["statusMessage"] = inv.get("statusMessage") or "The billing adjustment request failed validation."
                inv["maxAdjustmentAmount"] += ba["adjustmentAmount"]
            else:
                ba["status"] = "COMPLETED"
            ba["updatedAt"] = max(now, ba["createdAt"])
            self.pending.discard(i)

    # ---- helpers -----------------------------------------------------------------------------
    def _agreement_for(self, caller, agreement_id, proposer_only=False, op_has_not_found=True):
        a = self.agreements.get(agreement_id)
        if a is None:
            if op_has_not_found:
                raise ApiError("ResourceNotFoundException",
                               "Agreement %s not found." % agreement_id,
                               resourceId=agreement_id, resourceType="Agreement")
            return None
        party = a["proposerAccountId"] == caller or (
            not proposer_only and a["acceptorAccountId"] == caller)
        if not party:
            raise ApiError("AccessDeniedException",
                           "User %s is not authorized to access agreement %s."
                           % (caller, agreement_id), reason="INVALID_ACCESS")
        return a

    def _page(self, op, caller, query, items, params, default=DEFAULT_PAGE):
        n = params.get("maxResults") or default
        qh = hashlib.sha256(json.dumps([op, caller, query], sort_keys=True, default=str)
                            .encode()).hexdigest()[:16]
        offset = 0
        token = params.get("nextToken")
        if token is not None:
            offset = self._read_token(token, qh, len(items))
        end = offset + n
        nxt = self._make_token(end, qh) if end < len(items) else None
        return items[offset:end], nxt

    def _make_token(self, offset, qh):
        body = "1:%d:%s" % (offset, qh)
        mac = hmac.new(self._token_key, body.encode(), hashlib.sha256).hexdigest()[:16]
        return base64.urlsafe_b64encode(("%s:%s" % (body, mac)).encode()).decode()

    def _read_token(self, token, qh, total):
        bad = validation("INVALID_NEXT_TOKEN", "The nextToken provided is invalid.",
                         [{"name": "nextToken", "message": "The nextToken provided is invalid."}])
        try:
            text = base64.urlsafe_b64decode(token.encode()).decode()
            ver, off, tqh, mac = text.split(":")
            body = "%s:%s:%s" % (ver, off, tqh)
            want = hmac.new(self._token_key, body.encode(), hashlib.sha256).hexdigest()[:16]
            if ver != "1" or not hmac.compare_digest(want, mac) or tqh != qh:
                raise bad
            off = int(off)
        except ApiError:
            raise
        except Exception:
            raise bad
        if off < 0 or off > total:
            raise bad
        return off

    # ---- operations --------------------------------------------------------------------------
    @staticmethod
    def _summary(a):
        ps = _drop_none({"resources": a.get("resources", []), "offerId": a.get("offerId"),
                         "offerSetId": a.get("offerSetId")})
        return ps

    def DescribeAgreement(self, caller, p):
        a = self._agreement_for(caller, p["agreementId"])
        return _drop_none({
            "agreementId": a["agreementId"],
            "acceptor": {"accountId": a["acceptorAccountId"]},
            "proposer": {"accountId": a["proposerAccountId"]},
            "startTime": wire_time(a["startTime"]), "endTime": wire_time(a["endTime"]),
            "acceptanceTime": wire_time(a["acceptanceTime"]),
            "agreementType": a["agreementType"],
            "estimatedCharges": a.get("estimatedCharges"),
            "proposalSummary": self._summary(a), "status": a["status"]})

    def SearchAgreements(self, caller, p):
        filters = {}
        for f in p.get("filters") or []:
            name = f.get("name")
            if name not in FILTER_NAMES:
                raise validation("INVALID_FILTER_NAME", "Filter name '%s' is not supported." % name,
                                 [{"name": "filters", "message": "Unsupported filter name: %s" % name}])
            if name in filters:
                raise validation("INVALID_FILTERS", "Filter '%s' is specified more than once." % name,
                                 [{"name": "filters", "message": "Duplicate filter: %s" % name}])
            filters[name] = f["values"][0]
        party = filters.get("PartyType")
        if party is None:
            raise validation("UNSUPPORTED_FILTERS", "The PartyType filter is required.",
                             [{"name": "filters", "message": "PartyType filter is required"}])
        if party not in ALLOWED_COMBOS:
            raise validation("INVALID_FILTER_VALUES", "PartyType must be Proposer or Acceptor.",
                             [{"name": "filters", "message": "Invalid PartyType: %s" % party}])
        names = set(filters) - {"PartyType", "BeforeEndTime", "AfterEndTime"}
        if "BeforeEndTime" in filters or "AfterEndTime" in filters:
            names.add("EndTime")
        if frozenset(names) not in ALLOWED_COMBOS[party]:
            raise validation("UNSUPPORTED_FILTERS",
                             "The filter combination %s is not supported for PartyType %s."
                             % (" + ".join(sorted(set(filters) - {"PartyType"})) or "(none)", party),
                             [{"name": "filters", "message": "Unsupported filter combination"}])

        def bad_value(n, v):
            return validation("INVALID_FILTER_VALUES", "Invalid value '%s' for filter %s." % (v, n),
                              [{"name": "filters", "message": "Invalid value for %s" % n}])
        if "Status" in filters and filters["Status"] not in AGREEMENT_STATUSES:
            raise bad_value("Status", filters["Status"])
        if "ResourceType" in filters and filters["ResourceType"] not in RESOURCE_TYPES:
            raise bad_value("ResourceType", filters["ResourceType"])
        if "AcceptorAccountId" in filters and not re.fullmatch(r"[0-9]{12}", filters["AcceptorAccountId"]):
            raise bad_value("AcceptorAccountId", filters["AcceptorAccountId"])
        bounds = {}
        for n in ("BeforeEndTime", "AfterEndTime"):
            if n in filters:
                try:
                    bounds[n] = parse_time(filters[n])
                except ValueError:
                    raise bad_value(n, filters[n])
        sort = p.get("sort") or {}
        if sort.get("sortBy", "EndTime") != "EndTime":
            raise validation("INVALID_SORT_BY", "Only EndTime is supported for sortBy.",
                             [{"name": "sort.sortBy", "message": "Only EndTime is supported"}])
        order = sort.get("sortOrder", "DESCENDING")
        catalog = p.get("catalog")
        if catalog is not None and catalog not in CATALOGS:
            raise validation("INVALID_CATALOG", "Catalog '%s' is not supported." % catalog,
                             [{"name": "catalog", "message": "Unsupported catalog"}])
        query = {"filters": filters, "order": order, "catalog": catalog}
        key = json.dumps([caller, query], sort_keys=True)
        items = self.search_cache.get(key)
        if items is None:
            items = self._search(caller, party, filters, bounds, order, catalog)
            self.search_cache[key] = items
            if len(self.search_cache) > 256:
                self.search_cache.popitem(last=False)
        else:
            self.search_cache.move_to_end(key)
        page, nxt = self._page("SearchAgreements", caller, query, items, p)
        out = {"agreementViewSummaries": [self._view(a) for a in page]}
        if nxt:
            out["nextToken"] = nxt
        return out

    def _search(self, caller, party, f, bounds, order, catalog):
        if party == "Proposer":
            base = self.by_proposer.get(caller, [])
            if "AcceptorAccountId" in f:
                base = [a for a in self.by_acceptor.get(f["AcceptorAccountId"], [])
                        if a["proposerAccountId"] == caller]
        else:
            base = self.by_acceptor.get(caller, [])

        def keep(a):
            if catalog and a["catalog"] != catalog:
                return False
            if a["agreementType"] != f["AgreementType"]:
                return False
            if "Status" in f and a["status"] != f["Status"]:
                return False
            if "OfferId" in f and a.get("offerId") != f["OfferId"]:
                return False
            if "OfferSetId" in f and a.get("offerSetId") != f["OfferSetId"]:
                return False
            res = a.get("resources", [])
            if "ResourceIdentifier" in f and not any(r["id"] == f["ResourceIdentifier"] for r in res):
                return False
            if "ResourceType" in f and not any(r["type"] == f["ResourceType"] for r in res):
                return False
            end = a["endTime"]
            if "BeforeEndTime" in bounds and (end is None or not end < bounds["BeforeEndTime"]):
                return False
            if "AfterEndTime" in bounds and (end is None or not end > bounds["AfterEndTime"]):
                return False
            return True
        items = [a for a in base if keep(a)]
        # EndTime order; agreements without an end (pay-as-you-go) last; ties by id.
        items.sort(key=lambda a: (a["endTime"] is None, a["endTime"] or 0, a["agreementId"]))
        if order == "DESCENDING":
            dated = [a for a in items if a["endTime"] is not None]
            undated = [a for a in items if a["endTime"] is None]
            items = dated[::-1] + undated
        return items

    def _view(self, a):
        return _drop_none({
            "agreementId": a["agreementId"], "acceptanceTime": wire_time(a["acceptanceTime"]),
            "startTime": wire_time(a["startTime"]), "endTime": wire_time(a["endTime"]),
            "agreementType": a["agreementType"],
            "acceptor": {"accountId": a["acceptorAccountId"]},
            "proposer": {"accountId": a["proposerAccountId"]},
            "proposalSummary": self._summary(a), "status": a["status"]})

    def GetAgreementTerms(self, caller, p):
        a = self._agreement_for(caller, p["agreementId"])
        page, nxt = self._page("GetAgreementTerms", caller, {"a": a["agreementId"]},
                               a["acceptedTerms"], p)
        out = {"acceptedTerms": page}
        if nxt:
            out["nextToken"] = nxt
        return out

    def ListAgreementInvoiceLineItems(self, caller, p):
        a = self._agreement_for(caller, p["agreementId"], proposer_only=True)
        items = self.invoices.get(a["agreementId"], [])
        q = {k: p.get(k) for k in ("invoiceId", "invoiceType", "invoiceBillingPeriod",
                                   "beforeIssuedTime", "afterIssuedTime", "groupBy")}
        if any(v is not None for k, v in q.items() if k != "groupBy"):
            bp = q["invoiceBillingPeriod"]
            items = [i for i in items
                     if (q["invoiceId"] is None or i["invoiceId"] == q["invoiceId"])
                     and (q["invoiceType"] is None or i["invoiceType"] == q["invoiceType"])
                     and (bp is None or (i["billingPeriod"]["month"] == bp["month"]
                                         and i["billingPeriod"]["year"] == bp["year"]))
                     and (q["beforeIssuedTime"] is None or i["issuedTime"] < q["beforeIssuedTime"])
                     and (q["afterIssuedTime"] is None or i["issuedTime"] > q["afterIssuedTime"])]
        q["agreementId"] = a["agreementId"]
        page, nxt = self._page("ListAgreementInvoiceLineItems", caller, q, items, p)
        out = {"agreementInvoiceLineItemGroupSummaries": [_drop_none({
            "agreementId": i["agreementId"], "invoiceId": i["invoiceId"],
            "pricingCurrencyAmount": {"amount": money(i["amount"]),
                                      "maxAdjustmentAmount": money(i["maxAdjustmentAmount"]),
                                      "currencyCode": i["currencyCode"]},
            "invoiceBillingPeriod": i["billingPeriod"],
            "issuedTime": wire_time(i["issuedTime"]), "invoiceType": i["invoiceType"],
            "invoicingEntity": i.get("invoicingEntity")}) for i in page]}
        if nxt:
            out["nextToken"] = nxt
        return out

    # ---- billing adjustments -----------------------------------------------------------------
    def BatchCreateBillingAdjustmentRequest(self, caller, p):
        entries = p["billingAdjustmentRequestEntries"]
        if not entries:
            raise validation("MISSING_BILLING_ADJUSTMENTS",
                             "At least one billing adjustment request entry is required.",
                             [{"name": "billingAdjustmentRequestEntries",
                               "message": "Member must have length greater than or equal to 1"}])
        if len(entries) > 5:
            raise validation("BILLING_ADJUSTMENTS_LIMIT_EXCEEDED",
                             "A request can contain at most 5 billing adjustment request entries; "
                             "got %d." % len(entries),
                             [{"name": "billingAdjustmentRequestEntries",
                               "message": "Member must have length less than or equal to 5"}])
        if len({e["agreementId"] for e in entries}) > 1:
            raise validation("MULTIPLE_AGREEMENT_IDS",
                             "All billing adjustment request entries must have the same agreementId.",
                             [{"name": "billingAdjustmentRequestEntries",
                               "message": "Entries reference more than one agreementId"}])
        tokens = [e["clientToken"] for e in entries]
        if len(set(tokens)) != len(tokens):
            raise validation("INVALID_CLIENT_TOKEN",
                             "Each billing adjustment request entry must have a unique clientToken.",
                             [{"name": "billingAdjustmentRequestEntries",
                               "message": "Duplicate clientToken"}])
        self.advance()
        items, errors = [], []
        now = self.clock()
        for e in entries:
            tok = e["clientToken"]

            def err(code, msg):
                errors.append({"code": code, "message": msg, "clientToken": tok})
            prev_id = self.adj_tokens.get((caller, tok))
            if prev_id is not None:
                prev = self.adjustments[prev_id]
                same = (prev["agreementId"] == e["agreementId"]
                        and prev["originalInvoiceId"] == e["originalInvoiceId"]
                        and self._amount_or_none(e["adjustmentAmount"]) == prev["adjustmentAmount"]
                        and prev["currencyCode"] == e["currencyCode"]
                        and prev["adjustmentReasonCode"] == e["adjustmentReasonCode"]
                        and prev.get("description") == e.get("description"))
                if same:
                    items.append({"billingAdjustmentRequestId": prev_id, "clientToken": tok})
                else:
                    err("CONFLICT_EXCEPTION", "The clientToken %s was already used for billing "
                        "adjustment request %s with different parameters." % (tok, prev_id))
                continue
            a = self.agreements.get(e["agreementId"])
            if a is None or a["proposerAccountId"] != caller:
                err("RESOURCE_NOT_FOUND_EXCEPTION", "Agreement %s not found." % e["agreementId"])
                continue
            inv = self.invoice_index.get((a["agreementId"], e["originalInvoiceId"]))
            if inv is None:
                err("RESOURCE_NOT_FOUND_EXCEPTION", "Invoice %s not found for agreement %s."
                    % (e["originalInvoiceId"], a["agreementId"]))
                continue
            if inv["invoiceType"] != "INVOICE":
                err("VALIDATION_EXCEPTION", "Invoice %s is a %s and cannot be adjusted."
                    % (inv["invoiceId"], inv["invoiceType"]))
                continue
            if e["currencyCode"] != inv["currencyCode"]:
                err("VALIDATION_EXCEPTION", "Currency code %s does not match the invoice currency %s."
                    % (e["currencyCode"], inv["currencyCode"]))
                continue
            amount = self._amount_or_none(e["adjustmentAmount"])
            if amount is None or amount <= 0:
                err("VALIDATION_EXCEPTION", "Adjustment amount '%s' must be a positive number."
                    % e["adjustmentAmount"])
                continue
            minor = MINOR_UNITS.get(inv["currencyCode"], 2)
            if -amount.normalize().as_tuple().exponent > minor:
                err("VALIDATION_EXCEPTION", "Adjustment amount %s has more decimal places than %s "
                    "allows (%d)." % (e["adjustmentAmount"], inv["currencyCode"], minor))
                continue
            if amount > inv["maxAdjustmentAmount"]:
                err("VALIDATION_EXCEPTION", "Adjustment amount %s %s exceeds the maximum adjustment "
                    "amount %s %s for invoice %s." % (e["adjustmentAmount"], e["currencyCode"],
                                                    money(inv["maxAdjustmentAmount"]),
                                                    inv["currencyCode"], inv["invoiceId"]))
                continue
            ba_id = self._new_id("ba-", self.adjustments)
            inv["maxAdjustmentAmount"] -= amount
            self._add_adjustment(_drop_none({
                "billingAdjustmentRequestId": ba_id, "agreementId": a["agreementId"],
                "sellerAccountId": caller, "agreementType": a["agreementType"],
                "catalog": a["catalog"], "originalInvoiceId": inv["invoiceId"],
                "adjustmentAmount": amount, "currencyCode": e["currencyCode"],
                "adjustmentReasonCode": e["adjustmentReasonCode"],
                "description": e.get("description"), "clientToken": tok, "status": "PENDING",
                "createdAt": now, "updatedAt": now, "completesAt": now + self.adjustment_delay}))
            items.append({"billingAdjustmentRequestId": ba_id, "clientToken": tok})
        return {"items": items, "errors": errors}

    @staticmethod
    def _amount_or_none(text):
        try:
            d = D(text)
        except decimal.InvalidOperation:
            return None
        return d if d.is_finite() else None

    def GetBillingAdjustmentRequest(self, caller, p):
        self.advance()
        ba = self.adjustments.get(p["billingAdjustmentRequestId"])
        if ba is None or ba["agreementId"] != p["agreementId"]:
            self._agreement_for(caller, p["agreementId"], proposer_only=True)
            raise ApiError("ResourceNotFoundException", "Billing adjustment request %s not found "
                           "for agreement %s." % (p["billingAdjustmentRequestId"], p["agreementId"]),
                           resourceId=p["billingAdjustmentRequestId"],
                           resourceType="BillingAdjustmentRequest")
        if ba["sellerAccountId"] != caller:
            raise ApiError("AccessDeniedException", "User %s is not authorized to access billing "
                           "adjustment request %s." % (caller, ba["billingAdjustmentRequestId"]),
                           reason="INVALID_ACCESS")
        return _drop_none({
            "billingAdjustmentRequestId": ba["billingAdjustmentRequestId"],
            "agreementId": ba["agreementId"], "adjustmentReasonCode": ba["adjustmentReasonCode"],
            "description": ba.get("description"), "originalInvoiceId": ba["originalInvoiceId"],
            "adjustmentAmount": money(ba["adjustmentAmount"]), "currencyCode": ba["currencyCode"],
            "status": ba["status"], "statusMessage": ba.get("statusMessage"),
            "createdAt": wire_time(ba["createdAt"]), "updatedAt": wire_time(ba["updatedAt"])})

    def ListBillingAdjustmentRequests(self, caller, p):
        self.advance()
        agreement_id = p.get("agreementId")
        if agreement_id is not None:
            self._agreement_for(caller, agreement_id, proposer_only=True, op_has_not_found=False)
        for k, allowed in (("catalog", CATALOGS),):
            if p.get(k) is not None and p[k] not in allowed:
                raise validation("INVALID_CATALOG", "Catalog '%s' is not supported." % p[k],
                                 [{"name": k, "message": "Unsupported catalog"}])
        q = {k: p.get(k) for k in ("agreementId", "status", "createdAfter", "createdBefore",
                                   "catalog", "agreementType")}
        items = [ba for ba in (self.adjustments[i] for i in self.adj_order)
                 if ba["sellerAccountId"] == caller
                 and (q["agreementId"] is None or ba["agreementId"] == q["agreementId"])
                 and (q["status"] is None or ba["status"] == q["status"])
                 and (q["createdAfter"] is None or ba["createdAt"] > q["createdAfter"])
                 and (q["createdBefore"] is None or ba["createdAt"] < q["createdBefore"])
                 and (q["catalog"] is None or ba.get("catalog") == q["catalog"])
                 and (q["agreementType"] is None or ba.get("agreementType") == q["agreementType"])]
        page, nxt = self._page("ListBillingAdjustmentRequests", caller, q, items, p)
        out = {"items": [{
            "billingAdjustmentRequestId": ba["billingAdjustmentRequestId"],
            "originalInvoiceId": ba["originalInvoiceId"],
            "adjustmentAmount": money(ba["adjustmentAmount"]), "currencyCode": ba["currencyCode"],
            "status": ba["status"], "agreementId": ba["agreementId"],
            "createdAt": wire_time(ba["createdAt"]), "updatedAt": wire_time(ba["updatedAt"]),
            "agreementType": ba.get("agreementType", "PurchaseAgreement"),
            "catalog": ba.get("catalog", "AWSMarketplace")} for ba in page]}
        if nxt:
            out["nextToken"] = nxt
        return out

    # ---- cancellation requests ---------------------------------------------------------------
    @staticmethod
    def _acr_out(c, summary=False):
        keys = (("agreementCancellationRequestId", "agreementId", "status", "reasonCode",
                 "agreementType", "catalog", "createdAt", "updatedAt") if summary else
                ("agreementCancellationRequestId", "agreementId", "reasonCode", "description",
                 "status", "statusMessage", "createdAt", "updatedAt"))
        out = {k: c.get(k) for k in keys}
        for k in ("createdAt", "updatedAt"):
            out[k] = wire_time(out[k])
        return _drop_none(out)

    def SendAgreementCancellationRequest(self, caller, p):
        tok = p.get("clientToken")
        if tok is not None:
            prev_id = self.acr_tokens.get((caller, tok))
            if prev_id is not None:
                prev = self.cancellations[prev_id]
                if (prev["agreementId"], prev["reasonCode"], prev.get("description")) != (
                        p["agreementId"], p["reasonCode"], p.get("description")):
                    raise ApiError("ConflictException", "The clientToken %s was already used with "
                                   "different parameters." % tok, resourceId=prev_id,
                                   resourceType="AgreementCancellationRequest")
                return self._send_out(prev)
        a = self._agreement_for(caller, p["agreementId"], proposer_only=True)
        if a["status"] != "ACTIVE":
            raise validation("INACTIVE_AGREEMENT", "Agreement %s is not active (status %s)."
                             % (a["agreementId"], a["status"]),
                             [{"name": "agreementId", "message": "Agreement is not active"}])
        for c in self.cancellations.values():
            if c["agreementId"] == a["agreementId"] and c["status"] == "PENDING_APPROVAL":
                raise ApiError("ConflictException", "Agreement %s already has a pending cancellation "
                               "request %s." % (a["agreementId"], c["agreementCancellationRequestId"]),
                               resourceId=c["agreementCancellationRequestId"],
                               resourceType="AgreementCancellationRequest")
        now = self.clock()
        c = _drop_none({
            "agreementCancellationRequestId": self._new_id("acr-", self.cancellations),
            "agreementId": a["agreementId"], "sellerAccountId": caller,
            "agreementType": a["agreementType"], "catalog": a["catalog"],
            "reasonCode": p["reasonCode"], "description": p.get("description"),
            "clientToken": tok, "status": "PENDING_APPROVAL", "createdAt": now, "updatedAt": now})
        self._add_cancellation(c)
        return self._send_out(c)

    def _send_out(self, c):
        return _drop_none({k: c.get(k) for k in (
            "agreementId", "agreementCancellationRequestId", "status", "reasonCode",
            "description")} | {"createdAt": wire_time(c["createdAt"]),
                               "updatedAt": wire_time(c["updatedAt"])})

    def _acr_for(self, caller, p):
        c = self.cancellations.get(p["agreementCancellationRequestId"])
        if c is None or c["agreementId"] != p["agreementId"]:
            self._agreement_for(caller, p["agreementId"])
            raise ApiError("ResourceNotFoundException", "Agreement cancellation request %s not found."
                           % p["agreementCancellationRequestId"],
                           resourceId=p["agreementCancellationRequestId"],
                           resourceType="AgreementCancellationRequest")
        a = self.agreements.get(c["agreementId"])
        if c["sellerAccountId"] != caller and (a is None or a["acceptorAccountId"] != caller):
            raise ApiError("AccessDeniedException", "User %s is not authorized to access agreement "
                           "cancellation request %s." % (caller, c["agreementCancellationRequestId"]),
                           reason="INVALID_ACCESS")
        return c

    def GetAgreementCancellationRequest(self, caller, p):
        return self._acr_out(self._acr_for(caller, p))

    def CancelAgreementCancellationRequest(self, caller, p):
        c = self._acr_for(caller, p)
        if c["sellerAccountId"] != caller:
            raise ApiError("AccessDeniedException", "Only the proposer can cancel a cancellation "
                           "request.", reason="INVALID_ACCESS")
        if c["status"] != "PENDING_APPROVAL":
            raise ApiError("ConflictException", "Agreement cancellation request %s is in status %s; "
                           "only PENDING_APPROVAL requests can be cancelled."
                           % (c["agreementCancellationRequestId"], c["status"]),
                           resourceId=c["agreementCancellationRequestId"],
                           resourceType="AgreementCancellationRequest")
        c["status"] = "CANCELLED"
        c["cancellationReason"] = p["cancellationReason"]
        c["updatedAt"] = self.clock()
        return self._acr_out(c)

    def ListAgreementCancellationRequests(self, caller, p):
        party = p["partyType"]
        if party not in ("Proposer", "Acceptor"):
            raise validation("INVALID_PARTY_TYPE", "partyType must be Proposer or Acceptor.",
                             [{"name": "partyType", "message": "Invalid partyType"}])
        if p.get("catalog") is not None and p["catalog"] not in CATALOGS:
            raise validation("INVALID_CATALOG", "Catalog '%s' is not supported." % p["catalog"],
                             [{"name": "catalog", "message": "Unsupported catalog"}])
        q = {k: p.get(k) for k in ("partyType", "agreementId", "status", "agreementType", "catalog")}

        def mine(c):
            if party == "Proposer":
                return c["sellerAccountId"] == caller
            a = self.agreements.get(c["agreementId"])
            return a is not None and a["acceptorAccountId"] == caller
        items = [c for c in (self.cancellations[i] for i in self.acr_order) if mine(c)
                 and (q["agreementId"] is None or c["agreementId"] == q["agreementId"])
                 and (q["status"] is None or c["status"] == q["status"])
                 and (q["agreementType"] is None or c.get("agreementType") == q["agreementType"])
                 and (q["catalog"] is None or c.get("catalog") == q["catalog"])]
        page, nxt = self._page("ListAgreementCancellationRequests", caller, q, items, p)
        out = {"items": [self._acr_out(c, summary=True) for c in page]}
        if nxt:
            out["nextToken"] = nxt
        return out

    # ---- test controls -----------------------------------------------------------------------
    def decide_cancellation(self, acr_id, status):
        c = self.cancellations.get(acr_id)
        if c is None:
            raise KeyError(acr_id)
        if c["status"] != "PENDING_APPROVAL" or status not in ("APPROVED", "REJECTED"):
            raise ValueError("cannot move %s from %s to %s" % (acr_id, c["status"], status))
        c["status"] = status
        c["updatedAt"] = self.clock()
        if status == "APPROVED":
            a = self.agreements[c["agreementId"]]
            a["status"] = "CANCELLED"
            self.search_cache.clear()
        return c
