"""Each fault flag does what it says; the control endpoints; process lifecycle."""
import datetime
import email.utils
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

import simfixture
import simraw
from seedids import A_HAPPY, INV_HAPPY

HERE = os.path.dirname(os.path.abspath(__file__))
DESCRIBE = {"agreementId": A_HAPPY}


def batch(c, token, amount="5.00"):
    return c.batch_create_billing_adjustment_request(billingAdjustmentRequestEntries=[{
        "agreementId": A_HAPPY, "originalInvoiceId": INV_HAPPY, "adjustmentAmount": amount,
        "currencyCode": "USD", "adjustmentReasonCode": "OTHER", "clientToken": token}])


def tokens(sim):
    return [b["clientToken"] for b in sim.ledger()["billingAdjustmentRequests"]][2:]  # after the seed's two


@pytest.mark.parametrize("kind,status,type_suffix", [
    ("throttle", 429, "#ThrottlingException"),
    ("error500", 500, "#InternalServerException"),
    ("error503", 503, "ServiceUnavailableException"),
])
def test_error_faults_are_not_applied(sim, kind, status, type_suffix):
    sim.set_faults(**{kind + "_rate": 1.0})
    c = sim.client()
    with pytest.raises(ClientError) as ei:
        batch(c, str(uuid.uuid4()))
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER)
    assert r.status == status and r.type.endswith(type_suffix)
    assert tokens(sim) == []


def test_drop_before_apply(sim):
    sim.set_faults(next=["drop_before"])
    c = sim.client()
    tok = str(uuid.uuid4())
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        batch(c, tok)
    assert tokens(sim) == []
    assert batch(c, tok)["items"][0]["clientToken"] == tok
    assert tokens(sim) == [tok]


def test_drop_after_apply_then_retry_with_same_token_is_exactly_once(sim):
    sim.set_faults(next=["drop_after"])
    c = sim.client()
    tok = str(uuid.uuid4())
    with pytest.raises(ConnectionClosedError):
        batch(c, tok)
    ledger = sim.ledger()["billingAdjustmentRequests"]
    assert tokens(sim) == [tok]  # applied although the response was lost
    first_id = ledger[-1]["billingAdjustmentRequestId"]
    r = batch(c, tok)
    assert r["items"] == [{"billingAdjustmentRequestId": first_id, "clientToken": tok}]
    assert tokens(sim) == [tok]
    log = sim.requests()["requests"]
    assert [x["status"] for x in log if x["operation"] == "BatchCreateBillingAdjustmentRequest"] == [
        "dropped-after-apply", 200]


def test_malformed_and_truncated_responses_after_apply(sim):
    c = sim.client()
    t1, t2 = str(uuid.uuid4()), str(uuid.uuid4())
    sim.set_faults(next=["malformed"])
    r = batch(c, t1)  # botocore tolerates a non-JSON body: the required members are missing
    assert "items" not in r and r["ResponseMetadata"]["HTTPStatusCode"] == 200
    sim.set_faults(next=["malformed"])
    raw = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER)
    assert raw.status == 200 and raw.json is None
    with pytest.raises(ValueError):
        json.loads(raw.raw)
    # Truncated: the body is shorter than Content-Length, then the connection closes.
    # (botocore does not notice: it returns a response without the required members.)
    sim.set_faults(next=["truncate"])
    r = batch(c, t2)
    assert "items" not in r
    sim.set_faults(next=["truncate"])
    with pytest.raises(http.client.IncompleteRead):
        simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER)
    assert tokens(sim) == [t1, t2]


def test_latency(sim):
    sim.set_faults(latency_ms=300)
    t = time.monotonic()
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER)
    assert r.status == 200 and time.monotonic() - t >= 0.3


def test_clock_offset(sim):
    sim.set_faults(clock_offset=600)
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER)
    assert r.status == 403 and r.message.startswith("Signature expired: ")
    server = email.utils.parsedate_to_datetime(r.headers["date"])
    skew = (server - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 590 < skew < 610
    # A client that corrects its clock from the Date header gets through.
    r = simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER, when=server)
    assert r.status == 200


def test_fail_next_queue_and_operation_filter(sim):
    sim.set_faults(next=["throttle*2", "error500"], operations=["DescribeAgreement"])
    statuses = []
    for _ in range(2):  # other operations are not affected and do not consume the queue
        assert simraw.call(sim.port, "GetAgreementTerms", DESCRIBE, simfixture.SELLER).status == 200
    for _ in range(4):
        statuses.append(simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER).status)
    assert statuses == [429, 429, 500, 200]


def test_rates_are_deterministic_with_a_fault_seed(sim):
    def run():
        sim.set_faults(fault_seed=1234, throttle_rate=0.3, error500_rate=0.2)
        return [simraw.call(sim.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER).status
                for _ in range(40)]
    a, b = run(), run()
    assert a == b
    assert {200, 429, 500} <= set(a)


def test_retrying_client_gets_through_throttling(sim):
    sim.set_faults(next=["throttle", "error500", "error503"])
    c = sim.client(retries=4)
    assert c.describe_agreement(agreementId=A_HAPPY)["agreementId"] == A_HAPPY
    assert [x["status"] for x in sim.requests()["requests"]] == [429, 500, 503, 200]


def test_bad_fault_settings_are_refused(sim):
    import urllib.error
    for bad in ({"throttle_rate": 2}, {"next": ["explode"]}, {"nonsense": 1}):
        with pytest.raises(urllib.error.HTTPError) as ei:
            sim.set_faults(**bad)
        assert ei.value.code == 400


def test_reset_restores_the_seed(sim):
    c = sim.client()
    batch(c, "reset-test-token")
    sim.set_faults(latency_ms=5)
    sim.reset()
    assert tokens(sim) == [] and sim.faults()["latency_ms"] == 0
    assert sim.request_count() == 0


def test_command_line_flags_state_out_and_sigterm(tmp_path):
    out = tmp_path / "state.json"
    with simfixture.start_simulator(state_out=str(out), fail_next=["throttle"],
                                    adjustment_delay=100) as s:
        assert s.faults()["next"] == ["throttle"]
        r = simraw.call(s.port, "DescribeAgreement", DESCRIBE, simfixture.SELLER)
        assert r.status == 429
        c = s.client()
        batch(c, "state-out-token", amount="7.00")
    state = json.loads(out.read_text())
    [ba] = [b for b in state["billingAdjustmentRequests"] if b["clientToken"] == "state-out-token"]
    assert ba["status"] == "PENDING" and ba["adjustmentAmount"] == "7.00"
    [inv] = [i for i in state["invoices"] if i["invoiceId"] == INV_HAPPY]
    assert inv["maxAdjustmentAmount"] == "1193.00"
    # The saved state loads back.
    with simfixture.start_simulator(seed=str(out)) as s:
        r = s.client().list_agreement_invoice_line_items(agreementId=A_HAPPY, groupBy="INVOICE_ID",
                                                         invoiceId=INV_HAPPY)
        assert r["agreementInvoiceLineItemGroupSummaries"][0]["pricingCurrencyAmount"][
            "maxAdjustmentAmount"] == "1193.00"
        assert "state-out-token" in [b["clientToken"] for b in s.ledger()["billingAdjustmentRequests"]]


def test_sigint_stops_and_binds_loopback_only():
    proc, port = simfixture.launch([])
    try:
        # Nothing answers on another local address of the host.
        import socket
        addr = socket.gethostbyname(socket.gethostname())
        if not addr.startswith("127."):
            with pytest.raises(OSError):
                socket.create_connection((addr, port), timeout=2).close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
    finally:
        simfixture.stop(proc)


def test_run_with_simulator_passes_env_and_status():
    script = ("import os,sys,json,urllib.request as u;"
              "e=os.environ['MPADJUST_SIM_ENDPOINT'];"
              "assert os.environ['AWS_ACCESS_KEY_ID']=='AKIDSIMULATOR0000001';"
              "assert os.environ['AWS_REGION']=='us-east-1';"
              "print(json.load(u.urlopen(e+'/_sim/health'))['ok']);sys.exit(7)")
    r = subprocess.run([sys.executable, os.path.join(HERE, "run_with_simulator.py"),
                        "--latency-ms", "1", "--", sys.executable, "-c", script],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 7 and r.stdout.strip() == "True", r.stderr
    r = subprocess.run([sys.executable, os.path.join(HERE, "run_with_simulator.py"), "--timeout",
                        "1", "--", sys.executable, "-c", "import time; time.sleep(30)"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 124
