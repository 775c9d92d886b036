"""Tests of the `mpadjust` command against the simulator (label `cli`).

The binary is $MPADJUST_CLI (set by ctest); the simulator is started per module.
"""
import csv
import fcntl
import io
import json
import os
import pty
import select
import subprocess
import sys
import time

import pytest

SOURCE = os.environ.get("MPADJUST_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "simulator"))
from simfixture import start_simulator  # noqa: E402

CLI = os.environ.get("MPADJUST_CLI")
AGREEMENT = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H"
INVOICE = "E2E20260105a108cfae"          # USD 1200.00, nothing refunded yet
PARTIAL_INVOICE = "E2E20260205b27d41c9"  # USD 1080.00, max 1000.00
CREDIT_MEMO = "E2E20260210d4f06b13"
DESCRIPTION = "Metering double-counted 40 instance-hours on invoice E2E20260105a108cfae"


@pytest.fixture(scope="module")
def sim():
    if not CLI or not os.path.exists(CLI):
        pytest.fail("MPADJUST_CLI must point at the built mpadjust command (ctest sets it)")
    with start_simulator(adjustment_delay=0.3) as s:
        yield s


@pytest.fixture
def journal(tmp_path):
    return str(tmp_path / "journal.jsonl")


def run(sim, journal, *args, input=None, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(sim.env())
    env.update(env_extra or {})
    cmd = [CLI, "--endpoint-url", sim.endpoint, "--journal", journal, *args]
    return subprocess.run(cmd, env=env, input=input, capture_output=True, text=True, timeout=120)


def batch_requests(sim):
    return [r for r in sim.requests()["requests"]
            if r.get("operation") == "BatchCreateBillingAdjustmentRequest"]


def make_plan(sim, journal, tmp_path, amount="40.00", invoice=INVOICE, key=None):
    plan = str(tmp_path / "plan.json")
    args = ["plan", "--agreement", AGREEMENT, "--invoice", invoice, "--amount", amount,
            "--currency", "USD", "--reason", "INCORRECT_METERING", "--description", DESCRIPTION,
            "--case", "CASE-1", "--buyer-ref", "REF-9", "--note", "ok", "-o", plan]
    if key:
        args += ["--plan-key", key]
    r = run(sim, journal, *args)
    assert r.returncode == 0, r.stderr
    return plan


def test_help_everywhere(sim, journal):
    r = run(sim, journal, "--help")
    assert r.returncode == 0
    for word in ("agreements", "invoices", "plan", "preview", "submit", "wait", "status",
                 "journal", "refund-request-text", "cancellation", "Exit codes"):
        assert word in r.stdout
    for cmd in ("agreements", "invoices", "plan", "submit", "journal", "cancellation",
                "refund-request-text"):
        r = run(sim, journal, cmd, "--help")
        assert r.returncode == 0 and "Usage: mpadjust " + cmd in r.stdout, (cmd, r.stdout)


def test_usage_errors_exit_2(sim, journal):
    assert run(sim, journal, "frobnicate").returncode == 2
    assert run(sim, journal, "--output", "yaml", "version").returncode == 2
    r = run(sim, journal, "plan", "--agreement", AGREEMENT)
    assert r.returncode == 2 and "-o PLAN.json is required" in r.stderr


def test_ambiguous_search_lists_every_candidate(sim, journal):
    r = run(sim, journal, "agreements", "search", "--buyer", "210987654321")
    assert r.returncode == 0, r.stderr
    assert "3 agreements match" in r.stdout
    assert "EXPIRED" in r.stdout and "warning:" in r.stdout
    r = run(sim, journal, "--output", "json", "agreements", "search", "--buyer", "210987654321")
    doc = json.loads(r.stdout)
    assert len(doc["agreements"]) == 3
    assert {a["buyerAccountId"] for a in doc["agreements"]} == {"210987654321"}


def test_bad_input_is_refused_before_sending(sim, journal, tmp_path):
    sim.clear_requests()
    r = run(sim, journal, "agreements", "search", "--buyer", "12345")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "buyer" in r.stderr.lower() or "acceptor" in r.stderr.lower()
    r = run(sim, journal, "plan", "--agreement", AGREEMENT, "--invoice", INVOICE,
            "--amount", "-5", "--currency", "USD", "--reason", "OTHER", "--description", "x",
            "-o", str(tmp_path / "p.json"))
    assert r.returncode == 3
    assert "amount" in r.stderr
    assert not os.path.exists(tmp_path / "p.json")
    assert batch_requests(sim) == []


def test_over_maximum_and_credit_memo_refused_locally(sim, journal, tmp_path):
    sim.clear_requests()
    before = len(sim.ledger()["billingAdjustmentRequests"])
    r = run(sim, journal, "plan", "--agreement", AGREEMENT, "--invoice", PARTIAL_INVOICE,
            "--amount", "1000.01", "--currency", "USD", "--reason", "INCORRECT_METERING",
            "--description", DESCRIPTION, "-o", str(tmp_path / "p.json"))
    assert r.returncode == 3, r.stdout + r.stderr
    assert "nothing was sent" in r.stderr
    assert "entries[0].amount" in r.stderr and "1,000.00 USD" in r.stderr
    r = run(sim, journal, "plan", "--agreement", AGREEMENT, "--invoice", CREDIT_MEMO,
            "--amount", "1.00", "--currency", "USD", "--reason", "INCORRECT_METERING",
            "--description", DESCRIPTION, "-o", str(tmp_path / "p.json"))
    assert r.returncode == 3 and "credit memo" in r.stderr.lower()
    assert batch_requests(sim) == []
    assert len(sim.ledger()["billingAdjustmentRequests"]) == before


def test_submit_without_confirmation_sends_nothing(sim, journal, tmp_path):
    plan = make_plan(sim, journal, tmp_path, amount="11.00", key="cli-noconfirm")
    sim.clear_requests()
    r = run(sim, journal, "submit", plan, input="")  # stdin is a pipe, not a terminal
    assert r.returncode == 10, r.stdout + r.stderr
    assert batch_requests(sim) == []


def _pty_submit(sim, journal, plan, typed):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(sim.env())
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(CLI, [CLI, "--endpoint-url", sim.endpoint, "--journal", journal, "submit", plan],
                  env)
    out = b""
    deadline = time.time() + 60
    sent = False
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if not sent and b"type the total" in out:
                os.write(fd, typed.encode() + b"\n")
                sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


def test_typed_total_confirms_on_a_terminal(sim, journal, tmp_path):
    plan = make_plan(sim, journal, tmp_path, amount="12.00", key="cli-pty")
    sim.clear_requests()
    code, out = _pty_submit(sim, journal, plan, "12.00")  # the total is "12.00 USD"
    assert code == 10 and "Not confirmed" in out
    assert batch_requests(sim) == []
    code, out = _pty_submit(sim, journal, plan, "12.00 USD")
    assert code == 0, out
    assert "created" in out
    assert len(batch_requests(sim)) == 1


def test_full_flow_and_rerun_never_refunds_twice(sim, journal, tmp_path):
    plan = make_plan(sim, journal, tmp_path, amount="40.00", key="cli-flow")
    r = run(sim, journal, "preview", plan)
    assert r.returncode == 0 and "40.00" in r.stdout and "Total: 40.00 USD" in r.stdout
    r = run(sim, journal, "submit", plan, "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "created" in r.stdout
    assert "\r" not in r.stderr  # no progress bar when not on a terminal
    r = run(sim, journal, "--output", "json", "wait", plan, "--timeout", "30")
    assert r.returncode == 0, r.stdout + r.stderr
    results = json.loads(r.stdout)["results"]
    assert [x["status"] for x in results] == ["COMPLETED"]
    ba = results[0]["billingAdjustmentRequestId"]
    token = results[0]["clientToken"]
    # Submitting the same plan again sends nothing new.
    r = run(sim, journal, "submit", plan, "--yes")
    assert r.returncode == 0 and "already_done" in r.stdout
    ledger = [x for x in sim.ledger()["billingAdjustmentRequests"] if x["clientToken"] == token]
    assert len(ledger) == 1 and ledger[0]["billingAdjustmentRequestId"] == ba
    # The journal export has one row with every detail.
    out_csv = tmp_path / "out.csv"
    r = run(sim, journal, "journal", "export", "--csv", str(out_csv))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["agreement_id"], row["invoice_id"], row["amount"], row["currency"]) == \
        (AGREEMENT, INVOICE, "40.00", "USD")
    assert row["billing_adjustment_request_id"] == ba and row["status"] == "COMPLETED"
    assert (row["support_case_id"], row["buyer_reference"], row["notes"]) == ("CASE-1", "REF-9", "ok")
    r = run(sim, journal, "status", "--agreement", AGREEMENT, ba)
    assert r.returncode == 0 and "COMPLETED" in r.stdout


def test_journal_in_use_exit_11(sim, journal, tmp_path):
    plan = make_plan(sim, journal, tmp_path, amount="13.00", key="cli-lock")
    lock_path = journal + ".lock"
    with open(lock_path, "a+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        sim.clear_requests()
        r = run(sim, journal, "submit", plan, "--yes")
        assert r.returncode == 11, r.stdout + r.stderr
        assert "in use" in r.stderr
        assert batch_requests(sim) == []


def test_refund_request_text(sim, journal):
    r = run(sim, journal, "refund-request-text", "--buyer-account", "210987654321",
            "--buyer-email", "ap@buyer.example", "--seller-account", "111122223333",
            "--product", "prod-4vbe7ztjq3kfy", "--offer", "offer-3fj7q2lxk5m8a",
            "--period", "2026-01", "--invoice", INVOICE, "--amount", "40.00", "--currency", "USD",
            "--reason", DESCRIPTION)
    assert r.returncode == 0, r.stderr
    assert "210987654321" in r.stdout and "Additional comments" in r.stdout
    r = run(sim, journal, "refund-request-text", "--buyer-account", "2109876543",
            "--buyer-email", "not-an-email", "--seller-account", "111122223333",
            "--product", "prod-4vbe7ztjq3kfy", "--offer", "offer-3fj7q2lxk5m8a",
            "--period", "2026-13", "--invoice", INVOICE, "--amount", "40.00", "--currency", "USD",
            "--reason", DESCRIPTION)
    assert r.returncode == 3
