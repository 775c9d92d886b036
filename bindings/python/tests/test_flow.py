"""The whole refund flow against the Agreement Service simulator (botocore checks every
signature and body): find the agreement -> invoices -> plan -> preview -> submit -> wait
COMPLETED -> journal CSV; plus the error paths a user meets on the way."""
import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

import mpadjust
from conftest import REPO

simfixture = pytest.importorskip("simfixture")

HAPPY = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H"
INVOICE = "E2E20260105a108cfae"
CREDIT_MEMO = "E2E20260210d4f06b13"
FAILING_INVOICE = "E2E20260305c3e95a02"
AMBIGUOUS_BUYER = "210987654321"
KEY, SECRET = "AKIDSIMULATOR0000001", "simulator-secret-key-1"
DESCRIPTION = "Buyer was charged for 12 seats but only 10 were provisioned (case 1234)"


@pytest.fixture(scope="module")
def sim():
    with simfixture.start_simulator(adjustment_delay=0.2) as s:
        yield s


@pytest.fixture()
def fresh(sim):
    sim.reset()
    return sim


@pytest.fixture()
def client(fresh):
    with mpadjust.Credentials.static(KEY, SECRET) as creds:
        c = mpadjust.Client(region="us-east-1", credentials=creds, endpoint=fresh.endpoint,
                            max_attempts=3)
    with c:
        yield c


def test_refund_flow_end_to_end(client, fresh, tmp_path):
    journal = tmp_path / "journal.jsonl"
    agreement = client.find_agreements(agreement_id=HAPPY).one()
    assert agreement.status == "ACTIVE" and agreement.buyer_account_id == AMBIGUOUS_BUYER

    invoices = client.list_invoices(agreement.agreement_id, period=(2026, 1))
    assert [i.invoice_id for i in invoices] == [INVOICE]
    invoice = invoices[0]
    assert invoice.amount == Decimal("1200.00") and invoice.currency_code == "USD"

    plan = mpadjust.Plan(plan_key="python-e2e-1")
    plan.add(mpadjust.Entry(agreement.agreement_id, invoice.invoice_id, amount=Decimal("100.00"),
                            currency="USD", reason_code="INCORRECT_METERING",
                            description=DESCRIPTION, support_case_id="1234"))
    assert len(plan) == 1 and not plan.resolved
    plan.resolve(client)
    assert plan.resolved

    text = plan.preview_text()
    assert INVOICE in text and "100.00" in text
    preview = plan.preview_json()
    assert INVOICE in json.dumps(preview)

    saved = plan.to_json()
    reloaded = mpadjust.Plan.from_json(saved)
    assert reloaded.resolved and len(reloaded) == 1

    seen = []
    results = reloaded.submit(client, journal=journal,
                              progress=lambda done, total, failed: seen.append((done, total, failed)))
    assert len(results) == 1
    r = results[0]
    assert r.outcome == mpadjust.Outcome.CREATED, r
    assert r.billing_adjustment_request_id.startswith("ba-")
    assert r.invoice_id == INVOICE and r.amount_decimal == Decimal("100.00") and r.currency == "USD"
    assert seen and seen[-1][0] == seen[-1][1] == 1

    results.wait(client, journal=journal, timeout=30)
    assert results[0].status == "COMPLETED" and results.completed

    # The simulator's ledger (the "service") agrees: one adjustment, with our token.
    ledger = fresh.ledger()
    text_ledger = json.dumps(ledger["billingAdjustmentRequests"])
    assert r.client_token in text_ledger and r.billing_adjustment_request_id in text_ledger

    # Resubmitting the same plan sends the same token: nothing is created twice.
    again = reloaded.submit(client, journal=journal)
    assert again[0].outcome == mpadjust.Outcome.ALREADY_DONE
    assert again[0].billing_adjustment_request_id == r.billing_adjustment_request_id
    assert json.dumps(fresh.ledger()["billingAdjustmentRequests"]).count(r.client_token) == \
        text_ledger.count(r.client_token) == 1

    # The journal records it; CSV export for the books.
    listing = mpadjust.journal_entries(journal)
    assert len(listing) >= 1 and r.client_token in json.dumps(listing.entries)
    rows = list(csv.DictReader(io.StringIO(mpadjust.journal_csv(journal))))
    assert any(r.billing_adjustment_request_id in ",".join(row.values()) for row in rows)
    assert any("COMPLETED" in ",".join(row.values()) for row in rows)

    # Results can be rebuilt from the journal alone.
    from_journal = mpadjust.Results.from_journal(reloaded, journal)
    assert from_journal[0].billing_adjustment_request_id == r.billing_adjustment_request_id
    assert "ba-" in results.to_json()


def test_full_amount_via_csv_and_validation_failed(client, tmp_path):
    journal = tmp_path / "j.jsonl"
    agreement = HAPPY
    rows = [{"agreement_id": agreement, "invoice_id": FAILING_INVOICE, "amount": "full",
             "currency": "USD", "reason_code": "INCORRECT_METERING", "description": DESCRIPTION}]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    plan = mpadjust.Plan().add_csv(buf.getvalue()).resolve(client)
    results = plan.submit(client, journal=journal)
    assert results[0].outcome == mpadjust.Outcome.CREATED
    assert Decimal(results[0].amount) > 0  # "full" resolved to the invoice's maximum
    results.wait(client, journal=journal, timeout=30)
    assert results[0].status == "VALIDATION_FAILED" and results[0].status_message
    assert not results.completed


def test_ambiguous_buyer_lists_candidates(client):
    lookup = client.find_agreements(buyer=AMBIGUOUS_BUYER)
    assert len(lookup.candidates) >= 2
    with pytest.raises(mpadjust.AmbiguousError) as e:
        lookup.one()
    ids = {a.agreement_id for a in e.value.candidates}
    assert HAPPY in ids and "agmt-9FhL2pVx6RtK3mZq8WcB4nJy" in ids
    assert HAPPY in e.value.message
    # The other seller's agreement with this buyer is never shown.
    assert all(a.seller_account_id in ("", "111122223333") for a in lookup.candidates)


def test_unknown_agreement_is_not_found(client):
    with pytest.raises(mpadjust.NotFoundError) as e:
        client.find_agreements(agreement_id="agmt-0000000000000000000000000")
    assert "agmt-0000000000000000000000000" in e.value.message


def test_credit_memo_and_over_refund_are_refused_with_every_problem(client):
    plan = mpadjust.Plan()
    plan.add(mpadjust.Entry(HAPPY, CREDIT_MEMO, amount="10.00", currency="USD",
                            reason_code="INCORRECT_METERING", description=DESCRIPTION))
    plan.add(mpadjust.Entry(HAPPY, INVOICE, amount="5000.00", currency="USD",
                            reason_code="INCORRECT_METERING", description=DESCRIPTION))
    plan.add(mpadjust.Entry(HAPPY, INVOICE, amount="1.00", currency="EUR",
                            reason_code="NOT_A_CODE", description=""))
    with pytest.raises(mpadjust.InvalidError) as e:
        plan.resolve(client)
    problems = json.dumps(e.value.problems)
    assert len(e.value.problems) >= 4, e.value.problems
    assert "amount" in problems and "currency" in problems and "reason_code" in problems
    assert not plan.resolved
    with pytest.raises(mpadjust.InvalidError):
        plan.preview_text()


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        mpadjust.Entry(HAPPY, INVOICE, amount=10.5, currency="USD")  # noqa
    plan = mpadjust.Plan()
    with pytest.raises(TypeError):
        plan.add(mpadjust.Entry(HAPPY, INVOICE, amount=10.5, currency="USD"))


def test_bad_csv_is_a_parse_error():
    with pytest.raises(mpadjust.ParseError):
        mpadjust.Plan().add_csv("agreement_id,bogus\nx,y\n")


def test_bad_plan_json_is_refused():
    with pytest.raises((mpadjust.ParseError, mpadjust.InvalidError)):
        mpadjust.Plan.from_json("{not json")


def test_wrong_credentials_are_a_service_error(fresh):
    with mpadjust.Credentials.static(KEY, "wrong-secret") as creds, \
            mpadjust.Client(region="us-east-1", credentials=creds, endpoint=fresh.endpoint,
                            max_attempts=1) as c:
        with pytest.raises(mpadjust.ServiceError) as e:
            c.find_agreements(agreement_id=HAPPY)
    assert e.value.service_error["httpStatus"] == 403
    assert e.value.service_error["errorType"] == "InvalidSignatureException"


def test_refused_connection_is_a_transport_error():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with mpadjust.Credentials.static(KEY, SECRET) as creds, \
            mpadjust.Client(region="us-east-1", credentials=creds,
                            endpoint="http://127.0.0.1:%d" % port, max_attempts=1) as c:
        with pytest.raises(mpadjust.TransportError):
            c.find_agreements(agreement_id=HAPPY)


def test_throttling_is_retried(fresh):
    fresh.set_faults(next=["throttle", "error503"])
    with mpadjust.Credentials.static(KEY, SECRET) as creds, \
            mpadjust.Client(region="us-east-1", credentials=creds, endpoint=fresh.endpoint,
                            max_attempts=3) as c:
        assert c.find_agreements(agreement_id=HAPPY).one().agreement_id == HAPPY


def test_journal_errors(tmp_path):
    with pytest.raises(mpadjust.NotFoundError):
        mpadjust.journal_csv(tmp_path / "missing" / "journal.jsonl")
    (tmp_path / "bad.jsonl").write_text("this is not json\n{}\n")
    with pytest.raises(mpadjust.ParseError) as e:
        mpadjust.journal_entries(tmp_path / "bad.jsonl")
    assert "line 1" in e.value.message
    d = tmp_path / "dir.jsonl"
    d.mkdir()
    with pytest.raises(mpadjust.FileError):
        mpadjust.journal_entries(d)


def test_cancellation_requests(client, fresh):
    sent = client.send_cancellation_request(HAPPY, "OTHER",
                                            description="Buyer asked to end the subscription")
    assert sent["status"] == "PENDING_APPROVAL"
    acr = json.dumps(sent)
    assert "acr-" in acr
    acr_id = [v for v in _walk(sent) if isinstance(v, str) and v.startswith("acr-")][0]
    got = client.get_cancellation_request(HAPPY, acr_id)
    assert acr_id in json.dumps(got)
    listed = client.list_cancellation_requests(HAPPY)
    assert acr_id in json.dumps(listed)
    with pytest.raises(mpadjust.ServiceError) as e:
        client.send_cancellation_request(HAPPY, "OTHER", description="second one")
    assert e.value.service_error["errorType"] == "ConflictException"
    assert e.value.service_error["httpStatus"] == 409 and e.value.request_id
    withdrawn = client.withdraw_cancellation_request(HAPPY, acr_id, "buyer changed their mind")
    assert acr_id in json.dumps(withdrawn)


def _walk(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from _walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from _walk(x)
    else:
        yield v


def test_refund_form():
    text = mpadjust.refund_form(buyer_account_id=AMBIGUOUS_BUYER, buyer_email="ap@buyer.example",
                                seller_account_id="111122223333",
                                product_id="prod-4vbe7ztjq3kfy", offer_id="offer-3fj7q2lxk5m8a",
                                billing_period="2026-01", invoice_id=INVOICE,
                                amount=Decimal("100.00"), currency="USD",
                                reason="Seats were over-counted")
    assert INVOICE in text and "100.00" in text and AMBIGUOUS_BUYER in text
    form = mpadjust.refund_form(buyer_account_id=AMBIGUOUS_BUYER, buyer_email="ap@buyer.example",
                                seller_account_id="111122223333", product_id="prod-4vbe7ztjq3kfy",
                                offer_id="offer-3fj7q2lxk5m8a", billing_period="2026-01",
                                invoice_id=INVOICE, amount="1200.00", full=True, currency="USD",
                                reason="Charged twice for January", as_json=True)
    assert INVOICE in json.dumps(form)
    with pytest.raises(mpadjust.InvalidError) as e:
        mpadjust.refund_form(buyer_account_id="12")
    assert "buyer_account_id" in e.value.message and "billing_period" in e.value.message


def test_example_refund_script(fresh, tmp_path):
    script = os.path.join(REPO, "examples", "python", "refund.py")
    env = dict(os.environ)
    env.update(fresh.env())
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(mpadjust.__file__))
    r = subprocess.run([sys.executable, script, "--agreement", HAPPY, "--invoice", INVOICE,
                        "--amount", "25.00", "--journal", str(tmp_path / "j.jsonl"), "--yes"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "COMPLETED" in r.stdout and INVOICE in r.stdout


def _one_entry_plan(client, key):
    return mpadjust.Plan(plan_key=key).add(mpadjust.Entry(
        HAPPY, INVOICE, amount="5.00", currency="USD", reason_code="INCORRECT_METERING",
        description=DESCRIPTION)).resolve(client)


class Stop(Exception):
    pass


def test_progress_exception_is_reraised_and_false_stops(client, fresh, tmp_path):
    def boom(done, total, failed):
        raise Stop()
    with pytest.raises(Stop) as e:
        _one_entry_plan(client, "progress-raise").submit(client, journal=tmp_path / "a", progress=boom)
    assert isinstance(e.value.__context__, mpadjust.CallbackError)
    with pytest.raises(mpadjust.CallbackError):
        _one_entry_plan(client, "progress-false").submit(client, journal=tmp_path / "b",
                                                         progress=lambda d, t, f: False)
    # The client is still usable, and a later submit without the callback goes through.
    results = _one_entry_plan(client, "progress-none").submit(client, journal=tmp_path / "c")
    assert results[0].outcome == mpadjust.Outcome.CREATED


def test_unresolved_plan_cannot_be_submitted(client, tmp_path):
    plan = mpadjust.Plan().add(mpadjust.Entry(HAPPY, INVOICE, amount="5.00", currency="USD",
                                              reason_code="INCORRECT_METERING",
                                              description=DESCRIPTION))
    with pytest.raises(mpadjust.InvalidError):
        plan.submit(client, journal=tmp_path / "j")
