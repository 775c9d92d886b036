"""The service model and input validation of the simulator.

Validation has two layers, both driven by the official model:

1. botocore.validate.ParamValidator (types, required members, unknown members, minimums);
2. the shape constraints botocore's validator leaves out (pattern, enum, maximum length and
   range, timestamps as JSON numbers), checked here from the same model, so the simulator is at
   least as strict as the service.

Errors are reported the way AWS services built on Coral/Smithy word them
("1 validation error detected: Value 'x' at 'a.b' failed to satisfy constraint: ...") and mapped to
the ValidationExceptionReason enum of the model.
"""
import json
import os
import re

import botocore.session
from botocore.model import ServiceModel
from botocore.validate import ParamValidator

SERVICE = "marketplace-agreement"
NAMESPACE = "com.amazonaws.marketplaceagreement"

# The operations the simulator implements. Every one must exist in the loaded model.
IMPLEMENTED = (
    "DescribeAgreement",
    "SearchAgreements",
    "GetAgreementTerms",
    "ListAgreementInvoiceLineItems",
    "BatchCreateBillingAdjustmentRequest",
    "GetBillingAdjustmentRequest",
    "ListBillingAdjustmentRequests",
    "SendAgreementCancellationRequest",
    "GetAgreementCancellationRequest",
    "ListAgreementCancellationRequests",
    "CancelAgreementCancellationRequest",
)

# Leaf member name -> (reason when missing, reason when invalid). ValidationExceptionReason values.
_REASONS = {
    "agreementId": ("MISSING_AGREEMENT_ID", "INVALID_AGREEMENT_ID"),
    "billingAdjustmentRequestEntries": ("MISSING_BILLING_ADJUSTMENTS", "MISSING_BILLING_ADJUSTMENTS"),
    "originalInvoiceId": ("MISSING_INVOICE_ID", "MISSING_INVOICE_ID"),
    "adjustmentAmount": ("MISSING_ADJUSTMENT_AMOUNT", "INVALID_ADJUSTMENT_AMOUNT"),
    "currencyCode": ("MISSING_CURRENCY_CODE", "INVALID_CURRENCY_CODE"),
    "adjustmentReasonCode": ("MISSING_REASON_CODE", "INVALID_REASON_CODE"),
    "reasonCode": ("MISSING_REASON_CODE", "INVALID_REASON_CODE"),
    "cancellationReason": ("MISSING_REASON", "INVALID_REASON"),
    "description": ("MISSING_DESCRIPTION", "INVALID_DESCRIPTION"),
    "clientToken": ("INVALID_CLIENT_TOKEN", "INVALID_CLIENT_TOKEN"),
    "agreementCancellationRequestId": ("MISSING_AGREEMENT_CANCELLATION_REQUEST_ID",
                                       "INVALID_AGREEMENT_CANCELLATION_REQUEST_ID"),
    "partyType": ("MISSING_PARTY_TYPE", "INVALID_PARTY_TYPE"),
    "status": ("INVALID_STATUS", "INVALID_STATUS"),
    "catalog": ("INVALID_CATALOG", "INVALID_CATALOG"),
    "agreementType": ("INVALID_AGREEMENT_TYPE", "INVALID_AGREEMENT_TYPE"),
    "maxResults": ("INVALID_MAX_RESULTS", "INVALID_MAX_RESULTS"),
    "nextToken": ("INVALID_NEXT_TOKEN", "INVALID_NEXT_TOKEN"),
    "filters": ("INVALID_FILTERS", "INVALID_FILTERS"),
    "name": ("MISSING_FILTER_NAME", "INVALID_FILTER_NAME"),
    "values": ("MISSING_FILTER_VALUES", "INVALID_FILTER_VALUES"),
    "sortBy": ("INVALID_SORT_BY", "INVALID_SORT_BY"),
    "sortOrder": ("INVALID_SORT_ORDER", "INVALID_SORT_ORDER"),
}


def _has_billing_adjustments(model):
    try:
        model.operation_model("BatchCreateBillingAdjustmentRequest")
        return True
    except Exception:  # OperationNotFoundError
        return False


def load_service_model():
    """The installed botocore model when it has the billing-adjustment operations, else the
    shared copy ($MPADJUST_SHARED_DIR/aws-models/service-2.json)."""
    session = botocore.session.get_session()
    try:
        model = session.get_service_model(SERVICE)
        if _has_billing_adjustments(model):
            return model, "botocore %s" % botocore.__version__
    except Exception:
        pass
    shared = os.environ.get("MPADJUST_SHARED_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")
    path = os.path.join(shared, "aws-models", "service-2.json")
    if not os.path.exists(path):
        raise SystemExit("simulator: the installed botocore has no billing-adjustment operations "
                         "and %s is absent (set MPADJUST_SHARED_DIR)" % path)
    with open(path, encoding="utf-8") as f:
        return ServiceModel(json.load(f), SERVICE), path


def _coral_value(value):
    if value is None:
        return "null"
    if isinstance(value, str):
        return "'%s'" % value
    if isinstance(value, (dict, list)):
        return "'%s'" % json.dumps(value, separators=(",", ":"))[:100]
    return "'%s'" % (value,)


class Violation:
    __slots__ = ("path", "leaf", "missing", "text")

    def __init__(self, path, leaf, missing, text):
        self.path, self.leaf, self.missing, self.text = path, leaf, missing, text


class InputValidator:
    """Validates an operation's JSON input. Build once; thread-safe (no per-call state)."""

    def __init__(self, model):
        self.model = model
        self._botocore = ParamValidator()
        self._ops = {name: model.operation_model(name) for name in IMPLEMENTED}
        self._patterns = {}

    def operation(self, name):
        return self._ops.get(name)

    def _pattern(self, text):
        rx = self._patterns.get(text)
        if rx is None:
            rx = self._patterns[text] = re.compile(text, re.DOTALL)
        return rx

    def validate(self, op_name, params):
        """Returns a list of Violation (empty when valid)."""
        shape = self._ops[op_name].input_shape
        out = []
        report = self._botocore.validate(params, shape)
        if report.has_errors():
            for kind, name, details in report._errors:  # botocore's own findings
                out.append(self._from_botocore(kind, name, details))
        self._walk(params, shape, "", "", out)
        # de-duplicate (botocore and the walk may both flag a member)
        seen, unique = set(), []
        for v in out:
            if v.path not in seen:
                seen.add(v.path)
                unique.append(v)
        return unique

    @staticmethod
    def _coral_path(botocore_name):
        # botocore: "billingAdjustmentRequestEntries[0].adjustmentAmount" ->
        # Coral: "billingAdjustmentRequestEntries.1.member.adjustmentAmount"
        return re.sub(r"\[(\d+)\]", lambda m: ".%d.member" % (int(m.group(1)) + 1), botocore_name)

    def _from_botocore(self, kind, name, details):
        if kind == "missing required field":
            path = self._coral_path(name + "." + details["required_name"] if name else
                                    details["required_name"])
            leaf = details["required_name"]
            return Violation(path, leaf, True, "Value null at '%s' failed to satisfy constraint: "
                             "Member must not be null" % path)
        if kind == "unknown field":
            path = self._coral_path(name + "." + details["unknown_param"] if name else
                                    details["unknown_param"])
            return Violation(path, details["unknown_param"], False,
                             "Unknown member '%s' (valid members: %s)" % (
                                 path, ", ".join(details["valid_names"])))
        path = self._coral_path(name)
        leaf = re.sub(r"\[\d+\]", "", name).split(".")[-1] if name else ""
        if kind == "invalid type":
            return Violation(path, leaf, False, "Value %s at '%s' failed to satisfy constraint: "
                             "Member must be of type %s" % (
                                 _coral_value(details.get("param")), path,
                                 "/".join(str(t) for t in details.get("valid_types", []))))
        if kind in ("invalid length", "invalid range"):
            return Violation(path, leaf, False, "Value %s at '%s' failed to satisfy constraint: "
                             "Member must have %s greater than or equal to %s" % (
                                 _coral_value(details.get("param")), path,
                                 "length" if kind == "invalid length" else "value",
                                 details.get("min_allowed")))
        return Violation(path, leaf, False, "Value at '%s' is invalid: %s" % (path, kind))

    def _walk(self, value, shape, path, leaf, out):
        if value is None:
            return
        t = shape.type_name
        if t == "structure":
            if not isinstance(value, dict):
                return
            for name, member in shape.members.items():
                if name in value:
                    self._walk(value[name], member, path + "." + name if path else name, name, out)
        elif t == "list":
            if not isinstance(value, list):
                return
            mx = shape.metadata.get("max")
            if mx is not None and len(value) > mx:
                out.append(Violation(path, leaf, False, "Value %s at '%s' failed to satisfy "
                                     "constraint: Member must have length less than or equal to %d"
                                     % (_coral_value(value), path, mx)))
            for i, item in enumerate(value):
                self._walk(item, shape.member, "%s.%d.member" % (path, i + 1), leaf, out)
        elif t == "string":
            if not isinstance(value, str):
                return
            md = shape.metadata
            mx = md.get("max")
            if mx is not None and len(value) > mx:
                out.append(Violation(path, leaf, False, "Value %s at '%s' failed to satisfy "
                                     "constraint: Member must have length less than or equal to %d"
                                     % (_coral_value(value), path, mx)))
            pat = md.get("pattern")
            if pat is not None and not self._pattern(pat).fullmatch(value):
                out.append(Violation(path, leaf, False, "Value %s at '%s' failed to satisfy "
                                     "constraint: Member must satisfy regular expression pattern: %s"
                                     % (_coral_value(value), path, pat)))
            if shape.enum and value not in shape.enum:
                out.append(Violation(path, leaf, False, "Value %s at '%s' failed to satisfy "
                                     "constraint: Member must satisfy enum value set: [%s]"
                                     % (_coral_value(value), path, ", ".join(shape.enum))))
        elif t in ("integer", "long"):
            if isinstance(value, bool):
                out.append(Violation(path, leaf, False, "Value %s at '%s' failed to satisfy "
                                     "constraint: Member must be an integer" % (_coral_value(value), path)))
                return
            if not isinstance(value, int):
                return  # botocore reports the type
            mx = shape.metadata.get("max")
            if mx is not None and value > mx:
                out.append(Violation(path, leaf, False, "Value %s at '%s' failed to satisfy "
                                     "constraint: Member must have value less than or equal to %d"
                                     % (_coral_value(value), path, mx)))
        elif t == "timestamp":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                out.append(Violation(path, leaf, False, "Value %s at '%s' failed to satisfy "
                                     "constraint: Member must be a timestamp in epoch seconds "
                                     "(JSON number)" % (_coral_value(value), path)))


def violation_reason(v):
    missing, invalid = _REASONS.get(v.leaf, ("OTHER", "OTHER"))
    return missing if v.missing else invalid


def validation_error(violations):
    """(reason, message, fields) for a ValidationException, Coral wording."""
    n = len(violations)
    message = "%d validation error%s detected: %s" % (
        n, "" if n == 1 else "s", "; ".join(v.text for v in violations))
    fields = [{"name": v.path, "message": v.text} for v in violations]
    return violation_reason(violations[0]), message[:1024], fields
