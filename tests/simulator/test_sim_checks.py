"""What the simulator checks on every request: target, content type, SigV4 (botocore), the body
against the model. Raw requests, because a botocore client refuses to send most of these."""
import datetime
import re

import simfixture
import simraw
from seedids import A_HAPPY, INV_HAPPY

NS = "com.amazonaws.marketplaceagreement#"
CORAL = "com.amazon.coral.service#"
DESCRIBE = {"agreementId": A_HAPPY}


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def test_good_request_has_json_1_0_response(sim):
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER)
    assert r.status == 200 and r.json["agreementId"] == A_HAPPY
    assert r.headers["content-type"] == "application/x-amz-json-1.0"
    assert re.fullmatch(r"[0-9a-f-]{36}", r.headers["x-amzn-requestid"])
    assert int(r.headers["content-length"]) == len(r.raw)


def test_wrong_signature(sim):
    bad = dict(simfixture.SELLER, secret_key="not-the-secret")
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, bad)
    assert r.status == 403 and r.type == CORAL + "InvalidSignatureException"
    assert r.message.startswith("The request signature we calculated does not match the signature "
                                "you provided. Check your AWS Secret Access Key and signing method.")
    assert "bad" not in r.message and "not-the-secret" not in r.message


def test_body_changed_after_signing_is_refused(sim):
    def tamper(h):
        h["X-Amz-Target"] = "AWSMPCommerceService_v20200301.GetAgreementTerms"
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER, tamper=tamper)
    assert r.status == 403 and r.type == CORAL + "InvalidSignatureException"


def test_stale_and_future_dates(sim):
    old = now() - datetime.timedelta(minutes=6)
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER, when=old)
    assert r.status == 403 and r.type == CORAL + "InvalidSignatureException"
    assert re.fullmatch(r"Signature expired: %s is now earlier than \d{8}T\d{6}Z "
                        r"\(\d{8}T\d{6}Z - 5 min\.\)" % old.strftime("%Y%m%dT%H%M%SZ"), r.message)
    future = now() + datetime.timedelta(minutes=6)
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER, when=future)
    assert r.status == 403 and r.message.startswith("Signature not yet current: ")
    # Within 5 minutes is fine.
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER,
                    when=now() - datetime.timedelta(minutes=4))
    assert r.status == 200


def test_unknown_key_and_session_token(sim):
    unknown = {"access_key": "AKIDUNKNOWN000000000", "secret_key": "x"}
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, unknown)
    assert (r.status, r.type, r.message) == (403, CORAL + "UnrecognizedClientException",
                                             "The security token included in the request is invalid.")
    no_token = dict(simfixture.SELLER_TEMP, token=None)
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, no_token)
    assert r.type == CORAL + "UnrecognizedClientException"
    wrong_token = dict(simfixture.SELLER_TEMP, token="another-token")
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, wrong_token)
    assert r.type == CORAL + "UnrecognizedClientException"
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER_TEMP)
    assert r.status == 200


def test_missing_or_garbled_authorization(sim):
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER, sign=False)
    assert r.status == 403 and r.type == CORAL + "IncompleteSignatureException"

    def garble(h):
        h["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDSIMULATOR0000001/x"
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER, tamper=garble)
    assert r.status == 403 and r.type == CORAL + "IncompleteSignatureException"
    assert "Authorization header requires 'Signature' parameter." in r.message


def test_wrong_scope(sim):
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER, region="us-west-2")
    assert r.type == CORAL + "InvalidSignatureException"
    assert r.message == "Credential should be scoped to a valid region, not 'us-west-2'. "
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER,
                    service="agreement-marketplace")
    assert r.message == "Credential should be scoped to correct service: 'aws-marketplace'. "


def test_target_and_content_type(sim):
    r = simraw.call(sim.port, "NoSuchOperation", {}, simfixture.SELLER)
    assert r.status == 400 and r.type.endswith("#UnknownOperationException")
    r = simraw.call(sim.port, None, {}, simfixture.SELLER)
    assert r.status == 400 and r.type.endswith("#UnknownOperationException")
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER,
                    headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.type.endswith("#UnknownOperationException")


def validation(sim, op, body):
    r = simraw.call(sim.port, op, body, simfixture.SELLER)
    assert r.status == 400 and r.type == NS + "ValidationException", r.raw
    assert r.json["requestId"] == r.headers["x-amzn-requestid"]
    return r.json


def entry(**kw):
    e = {"agreementId": A_HAPPY, "originalInvoiceId": INV_HAPPY, "adjustmentAmount": "1.00",
         "currencyCode": "USD", "adjustmentReasonCode": "OTHER", "clientToken": "tok-1"}
    e.update(kw)
    return e


def test_invalid_bodies(sim):
    j = validation(sim, "DescribeAgreement", {})
    assert j["reason"] == "MISSING_AGREEMENT_ID"
    assert j["message"] == ("1 validation error detected: Value null at 'agreementId' failed to "
                            "satisfy constraint: Member must not be null")
    assert j["fields"] == [{"name": "agreementId", "message": j["message"][len("1 validation error detected: "):]}]
    assert validation(sim, "DescribeAgreement", {"agreementId": "agmt bad!"})["reason"] == "INVALID_AGREEMENT_ID"
    assert validation(sim, "DescribeAgreement", {"agreementId": 5})["reason"] == "INVALID_AGREEMENT_ID"
    assert validation(sim, "DescribeAgreement", {"agreementId": "a" * 65})["reason"] == "INVALID_AGREEMENT_ID"
    j = validation(sim, "DescribeAgreement", {"agreementId": A_HAPPY, "extra": 1})
    assert "extra" in j["message"]
    assert validation(sim, "GetAgreementTerms", {"agreementId": A_HAPPY, "maxResults": 51})["reason"] == "INVALID_MAX_RESULTS"
    assert validation(sim, "GetAgreementTerms", {"agreementId": A_HAPPY, "maxResults": 0})["reason"] == "INVALID_MAX_RESULTS"
    assert validation(sim, "ListAgreementInvoiceLineItems", {"agreementId": A_HAPPY, "groupBy": "MONTH"})["reason"] == "OTHER"
    assert validation(sim, "ListAgreementInvoiceLineItems", {"agreementId": A_HAPPY, "groupBy": "INVOICE_ID",
                                                             "afterIssuedTime": "2026-01-01"})
    assert validation(sim, "ListAgreementInvoiceLineItems", {"agreementId": A_HAPPY, "groupBy": "INVOICE_ID",
                                                             "invoiceBillingPeriod": {"month": 13, "year": 2026}})
    j = validation(sim, "BatchCreateBillingAdjustmentRequest",
                   {"billingAdjustmentRequestEntries": [entry(adjustmentAmount="-5")]})
    assert j["reason"] == "INVALID_ADJUSTMENT_AMOUNT"
    assert j["fields"][0]["name"] == "billingAdjustmentRequestEntries.1.member.adjustmentAmount"
    for amount in ("1e3", "1.123456789", "1,00", " 1"):
        assert validation(sim, "BatchCreateBillingAdjustmentRequest",
                          {"billingAdjustmentRequestEntries": [entry(adjustmentAmount=amount)]})["reason"] == "INVALID_ADJUSTMENT_AMOUNT"
    assert validation(sim, "BatchCreateBillingAdjustmentRequest",
                      {"billingAdjustmentRequestEntries": [entry(adjustmentAmount=1.0)]})["reason"] == "INVALID_ADJUSTMENT_AMOUNT"
    assert validation(sim, "BatchCreateBillingAdjustmentRequest",
                      {"billingAdjustmentRequestEntries": [entry(currencyCode="usd")]})["reason"] == "INVALID_CURRENCY_CODE"
    assert validation(sim, "BatchCreateBillingAdjustmentRequest",
                      {"billingAdjustmentRequestEntries": [entry(adjustmentReasonCode="REFUND")]})["reason"] == "INVALID_REASON_CODE"
    assert validation(sim, "BatchCreateBillingAdjustmentRequest",
                      {"billingAdjustmentRequestEntries": [entry(clientToken="has space")]})["reason"] == "INVALID_CLIENT_TOKEN"
    assert validation(sim, "BatchCreateBillingAdjustmentRequest",
                      {"billingAdjustmentRequestEntries": [entry(description="x" * 501)]})["reason"] == "INVALID_DESCRIPTION"
    e = entry()
    del e["clientToken"]
    assert validation(sim, "BatchCreateBillingAdjustmentRequest",
                      {"billingAdjustmentRequestEntries": [e]})["reason"] == "INVALID_CLIENT_TOKEN"
    assert validation(sim, "BatchCreateBillingAdjustmentRequest", {})["reason"] == "MISSING_BILLING_ADJUSTMENTS"
    assert validation(sim, "BatchCreateBillingAdjustmentRequest",
                      {"billingAdjustmentRequestEntries": []})["reason"] == "MISSING_BILLING_ADJUSTMENTS"
    assert validation(sim, "ListAgreementCancellationRequests", {})["reason"] == "MISSING_PARTY_TYPE"
    assert validation(sim, "ListAgreementCancellationRequests", {"partyType": "Buyer"})["reason"] == "INVALID_PARTY_TYPE"
    assert validation(sim, "SearchAgreements", {"filters": [{"name": "PartyType", "values": ["Proposer", "Acceptor"]}]})["reason"] == "INVALID_FILTER_VALUES"
    assert validation(sim, "SearchAgreements", {"filters": [{"name": "Colour", "values": ["x"]}]})["reason"] == "INVALID_FILTER_NAME"
    assert validation(sim, "GetAgreementTerms", {"agreementId": A_HAPPY, "nextToken": "not a token!"})["reason"] == "INVALID_NEXT_TOKEN"
    # Nothing was created by any of these.
    assert len(sim.ledger()["billingAdjustmentRequests"]) == 2


def test_body_that_is_not_a_json_object(sim):
    for body in (b"{not json", b"[]", b""):
        r = simraw.call(sim.port, "DescribeAgreement", body, simfixture.SELLER)
        assert r.status == 400 and r.type == CORAL + "SerializationException", body


def test_request_log_records_every_api_request(sim):
    sim.clear_requests()
    simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER)
    simraw.call(sim.port, "DescribeAgreement", DESCRIBE, dict(simfixture.SELLER, secret_key="x"))
    log = sim.requests()
    assert log["count"] == 2
    assert [(r["operation"], r["status"]) for r in log["requests"]] == [
        ("DescribeAgreement", 200), ("DescribeAgreement", 403)]
