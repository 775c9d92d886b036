"""Custom transports (a Python callable serving canned JSON), logging, and the callback rules:
exceptions raised in a callback are re-raised by the call, transport failures map to statuses,
and the service's errors become ServiceError with the service's details."""
import json
from decimal import Decimal

import pytest

import mpadjust

AGREEMENT = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H"
INVOICE = "E2E20260105a108cfae"
TARGET_PREFIX = "AWSMPCommerceService_v20200301."


def describe_agreement():
    return {"agreementId": AGREEMENT, "acceptor": {"accountId": "210987654321"},
            "proposer": {"accountId": "111122223333"}, "startTime": 1767225600,
            "endTime": 1798761600, "acceptanceTime": 1766243045,
            "agreementType": "PurchaseAgreement",
            "proposalSummary": {"offerId": "offer-3fj7q2lxk5m8a",
                                "resources": [{"id": "prod-4vbe7ztjq3kfy", "type": "SaaSProduct"}]},
            "status": "ACTIVE"}


def invoice_items():
    return {"agreementInvoiceLineItemGroupSummaries": [
        {"agreementId": AGREEMENT, "invoiceId": INVOICE,
         "pricingCurrencyAmount": {"amount": "1200.00", "maxAdjustmentAmount": "1150.25",
                                   "currencyCode": "USD"},
         "invoiceBillingPeriod": {"month": 1, "year": 2026}, "issuedTime": 1767600000,
         "invoiceType": "INVOICE"},
        {"agreementId": AGREEMENT, "invoiceId": "E2E20260210d4f06b13",
         "pricingCurrencyAmount": {"amount": "50.00", "maxAdjustmentAmount": "0.00",
                                   "currencyCode": "USD"},
         "invoiceBillingPeriod": {"month": 2, "year": 2026}, "issuedTime": 1770681600,
         "invoiceType": "CREDIT_MEMO"}]}


class FakeService:
    """Answers by X-Amz-Target with canned JSON; records every request."""

    def __init__(self, answers=None):
        self.requests = []
        self.answers = {"DescribeAgreement": (200, describe_agreement()),
                        "ListAgreementInvoiceLineItems": (200, invoice_items())}
        self.answers.update(answers or {})

    def __call__(self, request):
        self.requests.append(request)
        op = (request.header("X-Amz-Target") or "")[len(TARGET_PREFIX):]
        answer = self.answers.get(op)
        if answer is None:
            return 400, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(
                {"__type": "UnknownOperationException", "message": op})
        if callable(answer):
            return answer(request)
        status, body = answer
        return status, [("Content-Type", "application/x-amz-json-1.0"),
                        ("x-amzn-RequestId", "req-%d" % len(self.requests))], json.dumps(body)


def make_client(transport, **kw):
    creds = mpadjust.Credentials.static("AKIDEXAMPLE", "fake-secret-key")
    kw.setdefault("max_attempts", 1)
    return mpadjust.Client(region="us-east-1", credentials=creds, transport=transport, **kw)


def test_find_and_list_through_a_python_transport():
    fake = FakeService()
    with make_client(fake) as client:
        lookup = client.find_agreements(agreement_id=AGREEMENT)
        agreement = lookup.one()
        assert agreement.agreement_id == AGREEMENT
        assert agreement.buyer_account_id == "210987654321"
        assert agreement.status == "ACTIVE"
        assert agreement.offer_id == "offer-3fj7q2lxk5m8a"
        invoices = client.list_invoices(AGREEMENT)
    assert [i.invoice_id for i in invoices] == [INVOICE, "E2E20260210d4f06b13"]
    inv = invoices[0]
    assert inv.amount == Decimal("1200.00") and inv.max_adjustment_amount == Decimal("1150.25")
    assert inv.currency_code == "USD" and inv.billing_period == "2026-01" and inv.adjustable
    assert not invoices[1].adjustable
    # What the library sent: signed AWS JSON 1.0 POSTs to the regional endpoint.
    req = fake.requests[0]
    assert req.method == "POST" and req.url.startswith("https://")
    assert req.header("X-Amz-Target") == TARGET_PREFIX + "DescribeAgreement"
    assert req.header("Content-Type") == "application/x-amz-json-1.0"
    assert req.header("Authorization").startswith(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-east-1/aws-marketplace/aws4_request" in req.header("Authorization")
    assert json.loads(req.body) == {"agreementId": AGREEMENT}
    listing = json.loads(fake.requests[-1].body)
    assert listing["agreementId"] == AGREEMENT


def test_service_error_carries_the_service_details():
    fake = FakeService({"DescribeAgreement": (400, {
        "__type": "com.amazonaws.marketplaceagreement#ValidationException",
        "message": "agreementId is malformed", "reason": "INVALID_AGREEMENT_ID",
        "requestId": "rid-1", "fields": [{"name": "agreementId", "message": "bad"}]})})
    with make_client(fake) as client:
        with pytest.raises(mpadjust.ServiceError) as e:
            client.find_agreements(agreement_id=AGREEMENT)
    err = e.value
    assert err.status == -7
    assert err.service_error is not None
    assert err.service_error["errorType"] == "ValidationException"
    assert err.service_error["httpStatus"] == 400
    assert err.service_error["reason"] == "INVALID_AGREEMENT_ID"
    assert err.error_type == "ValidationException"
    assert "malformed" in err.message or "malformed" in err.service_error["message"]


def test_not_found_from_the_service():
    fake = FakeService({"DescribeAgreement": (404, {
        "__type": "com.amazonaws.marketplaceagreement#ResourceNotFoundException",
        "message": "no such agreement", "resourceId": AGREEMENT})})
    with make_client(fake) as client:
        with pytest.raises(mpadjust.NotFoundError) as e:
            client.find_agreements(agreement_id=AGREEMENT)
    assert e.value.status == -12 and AGREEMENT in e.value.message


class Boom(Exception):
    pass


def test_exception_in_transport_is_reraised_with_the_c_error_as_context():
    def transport(request):
        raise Boom("from the transport")
    with make_client(transport) as client:
        with pytest.raises(Boom) as e:
            client.find_agreements(agreement_id=AGREEMENT)
        assert isinstance(e.value.__context__, mpadjust.CallbackError)
        # The client stays usable after a callback failure.
        client._state.transport = FakeService()
        assert client.find_agreements(agreement_id=AGREEMENT).one().agreement_id == AGREEMENT


def test_base_exception_in_transport_does_not_unwind_through_c():
    def transport(request):
        raise KeyboardInterrupt()
    with make_client(transport) as client:
        with pytest.raises(KeyboardInterrupt):
            client.find_agreements(agreement_id=AGREEMENT)


@pytest.mark.parametrize("exc", [mpadjust.ConnectFailed("refused"), ConnectionRefusedError(),
                                 mpadjust.ReceiveFailed("reset"), ConnectionResetError()])
def test_transport_failures_become_transport_errors(exc):
    calls = []

    def transport(request):
        calls.append(request)
        raise exc
    with make_client(transport, max_attempts=2) as client:
        with pytest.raises(mpadjust.TransportError) as e:
            client.find_agreements(agreement_id=AGREEMENT)
    assert e.value.status == -5
    assert e.value.__context__ is None or not isinstance(e.value.__context__, type(exc))
    # DescribeAgreement is a read: retried after a failure of either kind.
    assert len(calls) == 2


def test_transport_timeout_becomes_a_timeout_or_transport_error():
    def transport(request):
        raise TimeoutError("slow")
    with make_client(transport) as client:
        with pytest.raises(mpadjust.MpadjustTimeoutError) as e:
            client.find_agreements(agreement_id=AGREEMENT)
    assert e.value.status == -6


def test_malformed_response_is_a_parse_error():
    fake = FakeService({"DescribeAgreement": lambda r: (200, {}, b"{not json")})
    with make_client(fake) as client:
        with pytest.raises(mpadjust.ParseError):
            client.find_agreements(agreement_id=AGREEMENT)


def test_bad_status_from_transport_is_reported():
    # The library refuses the status inside the callback; that error is what the call raises.
    fake = FakeService({"DescribeAgreement": lambda r: (99999, {}, b"")})
    with make_client(fake) as client:
        with pytest.raises(mpadjust.InvalidError) as e:
            client.find_agreements(agreement_id=AGREEMENT)
    assert "http_status" in e.value.message
    assert isinstance(e.value.__context__, mpadjust.CallbackError)


def test_log_callback_receives_lines_without_secrets():
    lines = []
    with make_client(FakeService(), log=lambda level, line: lines.append((level, line)),
                     log_level=mpadjust.LOG_DEBUG) as client:
        client.find_agreements(agreement_id=AGREEMENT)
    assert lines, "no log line at debug level"
    assert all(isinstance(lv, int) and isinstance(ln, str) for lv, ln in lines)
    assert not any("fake-secret-key" in ln for _, ln in lines)


def test_exception_in_log_callback_is_reraised_after_the_call():
    def log(level, line):
        raise Boom("log")
    with make_client(FakeService(), log=log, log_level=mpadjust.LOG_DEBUG) as client:
        with pytest.raises(Boom):
            client.find_agreements(agreement_id=AGREEMENT)


def test_invalid_queries_fail_before_sending():
    fake = FakeService()
    with make_client(fake) as client:
        with pytest.raises(mpadjust.InvalidError) as e:
            client.find_agreements(buyer="12")
        assert "buyer" in e.value.message
        with pytest.raises(mpadjust.InvalidError):
            client.find_agreements(agreement_id="not an id")
    assert fake.requests == []


def test_client_lifetime():
    client = make_client(FakeService())
    assert client.endpoint.startswith("https://")
    client.close()
    client.close()
    assert client.closed and "closed" in repr(client)
    with pytest.raises(ValueError):
        client.find_agreements(agreement_id=AGREEMENT)
    client.cancel()  # harmless once closed


def test_client_construction_errors():
    with pytest.raises(TypeError):
        mpadjust.Client(credentials="AKID")
    with pytest.raises(mpadjust.InvalidError):
        mpadjust.Client(region="us-east-1",
                        credentials=mpadjust.Credentials.static("A", "B"),
                        endpoint="not a url")
