"""A botocore client drives the whole flow through the simulator; each documented error."""
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from seedids import (A_CANCELLED_EUR, A_EUR, A_EXPIRED, A_HAPPY, A_JPY, A_OTHER_SELLER,
                      A_SECOND, AMBIGUOUS_BUYER, INV_CREDIT_MEMO, INV_EUR_CANCELLED, INV_FAILS,
                      INV_HAPPY, INV_JPY, INV_PARTLY_REFUNDED)
import simfixture

NS = "com.amazonaws.marketplaceagreement#"


def entry(agreement=A_HAPPY, invoice=INV_HAPPY, amount="10.00", currency="USD", token=None,
          reason="BUYER_DISSATISFACTION", **kw):
    e = {"agreementId": agreement, "originalInvoiceId": invoice, "adjustmentAmount": amount,
         "currencyCode": currency, "adjustmentReasonCode": reason,
         "clientToken": token or str(uuid.uuid4())}
    e.update(kw)
    return e


def error_of(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"], excinfo.value.response


def invoice(c, agreement, invoice_id):
    r = c.list_agreement_invoice_line_items(agreementId=agreement, groupBy="INVOICE_ID",
                                            invoiceId=invoice_id)
    [s] = r["agreementInvoiceLineItemGroupSummaries"]
    return s["pricingCurrencyAmount"]


def test_whole_refund_flow(sim):
    c = sim.client()
    # Find the buyer's agreements: ambiguous (three agreements with this seller).
    r = c.search_agreements(filters=[
        {"name": "PartyType", "values": ["Proposer"]},
        {"name": "AgreementType", "values": ["PurchaseAgreement"]},
        {"name": "AcceptorAccountId", "values": [AMBIGUOUS_BUYER]}])
    ids = [a["agreementId"] for a in r["agreementViewSummaries"]]
    assert sorted(ids) == sorted([A_HAPPY, A_SECOND, A_EXPIRED])
    assert A_OTHER_SELLER not in ids  # the buyer's agreement with another seller stays hidden
    # Default order: EndTime descending.
    ends = [a["endTime"] for a in r["agreementViewSummaries"]]
    assert ends == sorted(ends, reverse=True)

    d = c.describe_agreement(agreementId=A_HAPPY)
    assert d["status"] == "ACTIVE" and d["acceptor"]["accountId"] == AMBIGUOUS_BUYER
    assert d["proposer"]["accountId"] == simfixture.SELLER["account_id"]
    assert d["estimatedCharges"]["currencyCode"] == "USD"
    terms = c.get_agreement_terms(agreementId=A_HAPPY)["acceptedTerms"]
    assert any("legalTerm" in t for t in terms)

    # Invoices, one per page.
    seen, token = [], None
    while True:
        kw = {"nextToken": token} if token else {}
        r = c.list_agreement_invoice_line_items(agreementId=A_HAPPY, groupBy="INVOICE_ID",
                                                maxResults=1, **kw)
        seen += [s["invoiceId"] for s in r["agreementInvoiceLineItemGroupSummaries"]]
        token = r.get("nextToken")
        if not token:
            break
    assert sorted(seen) == sorted([INV_HAPPY, INV_PARTLY_REFUNDED, INV_CREDIT_MEMO, INV_FAILS])
    assert invoice(c, A_HAPPY, INV_PARTLY_REFUNDED) == {
        "amount": "1080.00", "maxAdjustmentAmount": "1000.00", "currencyCode": "USD"}

    tok = str(uuid.uuid4())
    r = c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[
        entry(amount="100.50", token=tok, description="Outage credit")])
    assert r["errors"] == [] and len(r["items"]) == 1
    ba = r["items"][0]["billingAdjustmentRequestId"]
    assert ba.startswith("ba-") and r["items"][0]["clientToken"] == tok
    assert invoice(c, A_HAPPY, INV_HAPPY)["maxAdjustmentAmount"] == "1099.50"

    g = c.get_billing_adjustment_request(agreementId=A_HAPPY, billingAdjustmentRequestId=ba)
    assert g["status"] == "PENDING" and g["adjustmentAmount"] == "100.50"
    assert g["description"] == "Outage credit" and "statusMessage" not in g
    time.sleep(0.4)
    g = c.get_billing_adjustment_request(agreementId=A_HAPPY, billingAdjustmentRequestId=ba)
    assert g["status"] == "COMPLETED"
    listed = c.list_billing_adjustment_requests(agreementId=A_HAPPY)["items"]
    assert [i["status"] for i in listed if i["billingAdjustmentRequestId"] == ba] == ["COMPLETED"]

    # Same token, same content: same id, nothing created.
    before = len(sim.ledger()["billingAdjustmentRequests"])
    r = c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[
        entry(amount="100.50", token=tok, description="Outage credit")])
    assert r["items"] == [{"billingAdjustmentRequestId": ba, "clientToken": tok}]
    assert len(sim.ledger()["billingAdjustmentRequests"]) == before
    assert invoice(c, A_HAPPY, INV_HAPPY)["maxAdjustmentAmount"] == "1099.50"
    # Same token, different content: CONFLICT_EXCEPTION entry.
    r = c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[
        entry(amount="100.51", token=tok, description="Outage credit")])
    assert r["items"] == [] and [e["code"] for e in r["errors"]] == ["CONFLICT_EXCEPTION"]
    assert r["errors"][0]["clientToken"] == tok
    ledger = sim.ledger()["billingAdjustmentRequests"]
    assert [(x["clientToken"], x["billingAdjustmentRequestId"]) for x in ledger
            if x["clientToken"] == tok] == [(tok, ba)]


def test_temporary_credentials_work(sim):
    c = sim.client(simfixture.SELLER_TEMP)
    assert c.describe_agreement(agreementId=A_HAPPY)["agreementId"] == A_HAPPY


def test_per_entry_errors(sim):
    c = sim.client()
    cases = {
        "over": entry(amount="1200.01"),
        "currency": entry(currency="EUR"),
        "unknown-invoice": entry(invoice="E2E20990101deadbeef"),
        "credit-memo": entry(invoice=INV_CREDIT_MEMO, amount="1.00"),
        "zero": entry(amount="0.00"),
    }
    toks = {k: v["clientToken"] for k, v in cases.items()}
    r = c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=list(cases.values()))
    codes = {e["clientToken"]: (e["code"], e["message"]) for e in r["errors"]}
    assert r["items"] == []
    assert codes[toks["over"]][0] == "VALIDATION_EXCEPTION"
    assert "exceeds the maximum adjustment amount" in codes[toks["over"]][1]
    assert codes[toks["currency"]][0] == "VALIDATION_EXCEPTION"
    assert codes[toks["unknown-invoice"]][0] == "RESOURCE_NOT_FOUND_EXCEPTION"
    assert codes[toks["credit-memo"]][0] == "VALIDATION_EXCEPTION"
    assert codes[toks["zero"]][0] == "VALIDATION_EXCEPTION"
    assert sim.ledger()["billingAdjustmentRequests"] == [
        x for x in sim.ledger()["billingAdjustmentRequests"] if x["status"] == "COMPLETED"]


def test_max_falls_and_second_adjustment_over_the_remainder_fails(sim):
    c = sim.client()
    r = c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[
        entry(invoice=INV_PARTLY_REFUNDED, amount="600"),
        entry(invoice=INV_PARTLY_REFUNDED, amount="400.01")])
    assert len(r["items"]) == 1 and [e["code"] for e in r["errors"]] == ["VALIDATION_EXCEPTION"]
    assert invoice(c, A_HAPPY, INV_PARTLY_REFUNDED)["maxAdjustmentAmount"] == "400.00"
    r = c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[
        entry(invoice=INV_PARTLY_REFUNDED, amount="400.00")])
    assert len(r["items"]) == 1
    assert invoice(c, A_HAPPY, INV_PARTLY_REFUNDED)["maxAdjustmentAmount"] == "0.00"


def test_jpy_has_no_minor_unit(sim):
    c = sim.client()
    bad, good = entry(A_JPY, INV_JPY, "100.5", "JPY"), entry(A_JPY, INV_JPY, "1000", "JPY")
    r = c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[bad, good])
    assert [e["clientToken"] for e in r["errors"]] == [bad["clientToken"]]
    assert "decimal places" in r["errors"][0]["message"]
    assert [i["clientToken"] for i in r["items"]] == [good["clientToken"]]
    assert invoice(c, A_JPY, INV_JPY) == {"amount": "150000", "maxAdjustmentAmount": "149000",
                                          "currencyCode": "JPY"}


def test_refund_on_cancelled_and_expired_agreements_is_accepted(sim):
    c = sim.client()
    r = c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[
        entry(A_CANCELLED_EUR, INV_EUR_CANCELLED, "50.25", "EUR")])
    assert len(r["items"]) == 1 and r["errors"] == []


def test_validation_failed_invoice(sim):
    c = sim.client()
    r = c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[
        entry(invoice=INV_FAILS, amount="200.00")])
    ba = r["items"][0]["billingAdjustmentRequestId"]
    assert invoice(c, A_HAPPY, INV_FAILS)["maxAdjustmentAmount"] == "300.00"
    sim.settle()
    g = c.get_billing_adjustment_request(agreementId=A_HAPPY, billingAdjustmentRequestId=ba)
    assert g["status"] == "VALIDATION_FAILED" and g["statusMessage"]
    assert invoice(c, A_HAPPY, INV_FAILS)["maxAdjustmentAmount"] == "500.00"
    items = c.list_billing_adjustment_requests(status="VALIDATION_FAILED")["items"]
    assert [i["billingAdjustmentRequestId"] for i in items] == [ba]


def test_six_entries_rejected(sim):
    c = sim.client()
    with pytest.raises(ClientError) as ei:
        c.batch_create_billing_adjustment_request(
            billingAdjustmentRequestEntries=[entry(amount="1.00") for _ in range(6)])
    code, msg, resp = error_of(ei)
    assert code == "ValidationException" and resp["reason"] == "BILLING_ADJUSTMENTS_LIMIT_EXCEEDED"
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert sim.ledger()["billingAdjustmentRequests"][2:] == []


def test_two_agreements_rejected(sim):
    c = sim.client()
    with pytest.raises(ClientError) as ei:
        c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[
            entry(), entry(A_SECOND, "E2E20260112e5a17c24")])
    code, _, resp = error_of(ei)
    assert code == "ValidationException" and resp["reason"] == "MULTIPLE_AGREEMENT_IDS"


def test_a_seller_only_sees_its_own_agreements(sim):
    other = sim.client(simfixture.OTHER_SELLER)
    with pytest.raises(ClientError) as ei:
        other.describe_agreement(agreementId=A_HAPPY)
    assert error_of(ei)[0] == "AccessDeniedException"
    with pytest.raises(ClientError) as ei:
        other.describe_agreement(agreementId="agmt-DoesNotExist0000000000")
    code, _, resp = error_of(ei)
    assert code == "ResourceNotFoundException" and resp["ResponseMetadata"]["HTTPStatusCode"] == 404
    r = other.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[entry()])
    assert [e["code"] for e in r["errors"]] == ["RESOURCE_NOT_FOUND_EXCEPTION"]


def test_search_rules(sim):
    c = sim.client()
    with pytest.raises(ClientError) as ei:  # Acceptor + AcceptorAccountId is not an allowed combination
        c.search_agreements(filters=[{"name": "PartyType", "values": ["Acceptor"]},
                                     {"name": "AgreementType", "values": ["PurchaseAgreement"]},
                                     {"name": "AcceptorAccountId", "values": [AMBIGUOUS_BUYER]}])
    assert error_of(ei)[2]["reason"] == "UNSUPPORTED_FILTERS"
    with pytest.raises(ClientError) as ei:  # AgreementType is required in every combination
        c.search_agreements(filters=[{"name": "PartyType", "values": ["Proposer"]}])
    assert error_of(ei)[2]["reason"] == "UNSUPPORTED_FILTERS"
    base = [{"name": "PartyType", "values": ["Proposer"]},
            {"name": "AgreementType", "values": ["PurchaseAgreement"]}]
    r = c.search_agreements(filters=base + [{"name": "Status", "values": ["ACTIVE"]},
                                            {"name": "BeforeEndTime", "values": ["2026-12-31T00:00:00Z"]}])
    assert [a["agreementId"] for a in r["agreementViewSummaries"]] == [A_EUR, A_SECOND]
    r = c.search_agreements(filters=base, maxResults=2, sort={"sortBy": "EndTime", "sortOrder": "ASCENDING"})
    assert len(r["agreementViewSummaries"]) == 2 and r["nextToken"]
    with pytest.raises(ClientError) as ei:  # a token of another query
        c.search_agreements(filters=base + [{"name": "Status", "values": ["ACTIVE"]}],
                            nextToken=r["nextToken"])
    assert error_of(ei)[2]["reason"] == "INVALID_NEXT_TOKEN"
    with pytest.raises(ClientError) as ei:
        c.search_agreements(filters=base, nextToken="bm90LWEtdG9rZW4=")
    assert error_of(ei)[2]["reason"] == "INVALID_NEXT_TOKEN"


def test_cancellation_requests_are_separate_from_adjustments(sim):
    c = sim.client()
    tok = str(uuid.uuid4())
    s = c.send_agreement_cancellation_request(agreementId=A_SECOND, reasonCode="TEST_AGREEMENT",
                                              clientToken=tok, description="test")
    acr = s["agreementCancellationRequestId"]
    assert acr.startswith("acr-") and s["status"] == "PENDING_APPROVAL"
    again = c.send_agreement_cancellation_request(agreementId=A_SECOND, reasonCode="TEST_AGREEMENT",
                                                  clientToken=tok, description="test")
    assert again["agreementCancellationRequestId"] == acr
    with pytest.raises(ClientError) as ei:  # one pending request per agreement
        c.send_agreement_cancellation_request(agreementId=A_SECOND, reasonCode="OTHER")
    assert error_of(ei)[0] == "ConflictException"
    g = c.get_agreement_cancellation_request(agreementId=A_SECOND, agreementCancellationRequestId=acr)
    assert g["status"] == "PENDING_APPROVAL"
    items = c.list_agreement_cancellation_requests(partyType="Proposer")["items"]
    assert [i["agreementCancellationRequestId"] for i in items] == [acr]
    x = c.cancel_agreement_cancellation_request(agreementId=A_SECOND,
                                                agreementCancellationRequestId=acr,
                                                cancellationReason="sent by mistake")
    assert x["status"] == "CANCELLED"
    with pytest.raises(ClientError) as ei:
        c.cancel_agreement_cancellation_request(agreementId=A_SECOND,
                                                agreementCancellationRequestId=acr,
                                                cancellationReason="again")
    code, _, resp = error_of(ei)
    assert code == "ConflictException" and resp["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(ClientError) as ei:
        c.send_agreement_cancellation_request(agreementId=A_EXPIRED, reasonCode="OTHER")
    assert error_of(ei)[2]["reason"] == "INACTIVE_AGREEMENT"
    ledger = sim.ledger()
    assert [x["agreementCancellationRequestId"] for x in ledger["cancellationRequests"]] == [acr]
    assert all(b["status"] == "COMPLETED" for b in ledger["billingAdjustmentRequests"])
    assert c.describe_agreement(agreementId=A_SECOND)["status"] == "ACTIVE"
