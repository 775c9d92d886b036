#!/usr/bin/env python3
"""The kill test of the refund workflow (issue #5).

A 500-entry plan over a generated simulator seed is submitted by a child process
(mpadjust-workflow-driver submit) while the simulator drops connections after applying requests
(drop_after faults). The child is killed with SIGKILL at random moments several times and
restarted each time; finally it runs to completion. Then:

  - the simulator's ledger holds exactly one adjustment per planned entry (by client token),
    with the planned amount, and nothing else was created;
  - the journal agrees: every entry confirmed with the ledger's ba- id.

Prints how long it took and how many kills it survived.

    kill_test.py --driver PATH [--entries 500] [--kills 6] [--seed 5] [--drop-after-rate 0.2]
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIM_DIR = os.path.join(os.path.dirname(HERE), "simulator")
sys.path.insert(0, SIM_DIR)
import gen_seed  # noqa: E402
import simfixture  # noqa: E402


def make_entries(seed, n, rng):
    seller = "111122223333"
    active = {a["agreementId"] for a in seed["agreements"]
              if a["proposerAccountId"] == seller and a["status"] == "ACTIVE"}
    invoices = [i for i in seed["invoices"] if i["agreementId"] in active and
                i["invoiceType"] == "INVOICE" and float(i["maxAdjustmentAmount"]) >= 100]
    assert len(invoices) >= 50, "seed has too few usable invoices (%d)" % len(invoices)
    rng.shuffle(invoices)
    entries, per_invoice = [], {}
    for k in range(n):
        inv = invoices[k % len(invoices)]
        j = per_invoice.get(inv["invoiceId"], 0) + 1
        per_invoice[inv["invoiceId"]] = j
        # Small, distinct amounts: the sum per invoice stays far below its maximum.
        amount = str(j) if inv["currencyCode"] == "JPY" else "%d.%02d" % divmod(j * 7 + k % 5, 100)
        if amount in ("0", "0.00"):
            amount = "1" if inv["currencyCode"] == "JPY" else "0.01"
        entries.append({
            "agreement_id": inv["agreementId"], "invoice_id": inv["invoiceId"], "amount": amount,
            "currency": inv["currencyCode"], "reason_code": "INCORRECT_METERING",
            "description": "Kill test entry %d: metering double-counted usage on %s" % (k, inv["invoiceId"]),
            "details": {"support_case_id": "case-%05d" % k}})
    return entries


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--driver", required=True)
    p.add_argument("--entries", type=int, default=500)
    p.add_argument("--kills", type=int, default=8)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--drop-after-rate", type=float, default=0.2)
    p.add_argument("--concurrency", type=int, default=4)
    a = p.parse_args(argv)
    rng = random.Random(a.seed)
    t0 = time.monotonic()
    work = tempfile.mkdtemp(prefix="mpadjust-kill-")
    seed = gen_seed.generate(120, 600, 1, a.seed)
    seed_path = os.path.join(work, "seed.json")
    with open(seed_path, "w") as f:
        json.dump(seed, f)
    entries_path = os.path.join(work, "entries.json")
    with open(entries_path, "w") as f:
        json.dump({"entries": make_entries(seed, a.entries, rng)}, f)
    plan_path = os.path.join(work, "plan.json")
    journal_path = os.path.join(work, "journal.jsonl")

    proc, port = simfixture.launch(["--seed", seed_path, "--adjustment-delay", "0",
                                    "--fault-seed", str(a.seed)],
                                   stderr=subprocess.DEVNULL)  # broken pipes of killed children
    sim = simfixture.Simulator(proc, port)
    env = dict(os.environ)
    env.pop("AWS_SESSION_TOKEN", None)
    env.pop("AWS_PROFILE", None)
    env.update(sim.env())
    try:
        before = {b["billingAdjustmentRequestId"] for b in sim.ledger()["billingAdjustmentRequests"]}
        out = subprocess.run([a.driver, "plan", entries_path, plan_path, "kill-test-%d" % a.seed],
                             env=env, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            print(out.stdout, out.stderr)
            return 1
        print(out.stdout.strip())
        with open(plan_path) as f:
            plan = json.load(f)
        tokens = {e["client_token"]: e for e in plan["entries"]}
        assert len(tokens) == a.entries, "plan has %d distinct tokens" % len(tokens)

        sim.set_faults(drop_after_rate=a.drop_after_rate)
        submit = [a.driver, "submit", plan_path, journal_path, str(a.concurrency)]
        kills = 0
        for k in range(a.kills):
            child = subprocess.Popen(submit, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 0.6))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                kills += 1
            child.wait()
            applied = sum(1 for b in sim.ledger()["billingAdjustmentRequests"]
                          if b.get("clientToken") in tokens)
            print("run %d: %s, %d/%d applied" % (k + 1, "killed" if child.returncode == -9
                                                   else "exited %d" % child.returncode,
                                                   applied, a.entries))
        final = subprocess.run(submit, env=env, capture_output=True, text=True, timeout=300)
        print("final run: exit %d: %s" % (final.returncode, final.stdout.strip()))
        if final.returncode != 0:
            print(final.stderr)
            return 1

        ledger = [b for b in sim.ledger()["billingAdjustmentRequests"]
                  if b["billingAdjustmentRequestId"] not in before]
        by_token = {}
        for b in ledger:
            by_token.setdefault(b.get("clientToken"), []).append(b)
        errors = []
        for t, bs in by_token.items():
            if t not in tokens:
                errors.append("ledger has an adjustment with unplanned token %s" % t)
            elif len(bs) != 1:
                errors.append("token %s has %d adjustments" % (t, len(bs)))
            elif bs[0]["adjustmentAmount"] != tokens[t]["amount"] and \
                    float(bs[0]["adjustmentAmount"]) != float(tokens[t]["amount"]):
                errors.append("token %s: amount %s, planned %s" % (t, bs[0]["adjustmentAmount"],
                                                                   tokens[t]["amount"]))
        missing = [t for t in tokens if t not in by_token]
        if missing:
            errors.append("%d planned entries have no adjustment" % len(missing))
        out = subprocess.run([a.driver, "journal", plan_path, journal_path], env=env,
                             capture_output=True, text=True, timeout=60)
        journal = {}
        for line in out.stdout.splitlines():
            t, state, ba = line.split()
            journal[t] = (state, ba)
        for t in tokens:
            state, ba = journal.get(t, ("missing", "-"))
            if state != "already_done":
                errors.append("journal: %s is %s" % (t, state))
            elif t in by_token and by_token[t][0]["billingAdjustmentRequestId"] != ba:
                errors.append("journal: %s has %s, ledger %s" % (t, ba,
                              by_token[t][0]["billingAdjustmentRequestId"]))
        requests = sim.requests()["count"]
        elapsed = time.monotonic() - t0
        if errors:
            for e in errors[:20]:
                print("FAIL:", e)
            return 1
        print("kill test passed: %d entries, %d adjustments in the ledger (one per entry), journal "
              "agrees; survived %d SIGKILLs with drop-after-apply rate %.2f; %d API requests; "
              "%.1f s" % (a.entries, len(ledger), kills, a.drop_after_rate, requests, elapsed))
        return 0
    finally:
        simfixture.stop(proc)


if __name__ == "__main__":
    sys.exit(main())
