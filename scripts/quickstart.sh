#!/usr/bin/env bash
# The main job, end to end: build everything, start the bundled Agreement Service simulator,
# and refund a buyer with the `mpadjust` command as a seller's finance team would:
# find the agreement, list its invoices, plan, preview, submit, wait for COMPLETED and
# export the journal for reconciliation. Nothing leaves this machine (loopback only).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/bootstrap.sh"

build=${MPADJUST_QUICKSTART_BUILD:-$root/build}
jobs=${MPADJUST_JOBS:-$(nproc)}
echo "== Building mpadjust (in $build)"
cmake -S "$root" -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j "$jobs" | tail -n 1
mpadjust_bin="$build/examples/mpadjust"

work=$(mktemp -d "${TMPDIR:-/tmp}/mpadjust-quickstart.XXXXXX")
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

echo "== Starting the Agreement Service simulator"
"$root/.venv/bin/python" "$root/tests/simulator/simulator.py" --port 0 --adjustment-delay 2 \
  >"$work/simulator.out" 2>"$work/simulator.log" &
sim_pid=$!
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$work/simulator.out" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/simulator.log" >&2; exit 1; }
  sleep 0.1
done
endpoint=$(sed -n 's/^listening on //p' "$work/simulator.out" | head -n 1)
[ -n "$endpoint" ] || { echo "the simulator did not start" >&2; exit 1; }
echo "   $endpoint (seller account 111122223333; its test keys below are the simulator's)"

# The simulator's seller credentials, exactly as the AWS CLI would read them from the environment.
export AWS_ACCESS_KEY_ID=AKIDSIMULATOR0000001
export AWS_SECRET_ACCESS_KEY=simulator-secret-key-1
export AWS_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE || true

journal="$work/journal.jsonl"
run() {
  echo
  echo "\$ mpadjust $*"
  "$mpadjust_bin" --endpoint-url "$endpoint" --journal "$journal" "$@"
}

agreement=agmt-7Q2mXk9RbT4vNc8LpW3sYd5H
invoice=E2E20260105a108cfae

echo
echo "== 1. Find the buyer's agreement (a search by buyer can match several: mpadjust never picks one)"
run agreements search --buyer 210987654321
run agreements get "$agreement"

echo
echo "== 2. The agreement's invoices: pre-tax amounts and what can still be refunded"
run invoices list "$agreement"

echo
echo "== 3. Plan a partial refund: every check happens here, nothing is sent"
run plan --agreement "$agreement" --invoice "$invoice" --amount 300.00 --currency USD \
  --reason INCORRECT_METERING \
  --description "Metering double-counted 300 instance-hours on invoice $invoice (January 2026)" \
  --case 176543210 --buyer-ref PO-4471 --note "Approved by finance (J. Doe)" \
  -o "$work/plan.json"

echo
echo "== 4. Preview the plan exactly as it will be sent"
run preview "$work/plan.json"

echo
echo "== 5. Submit (a person types the total to confirm; --yes is for scripts)"
run submit "$work/plan.json" --yes

echo
echo "== 6. Wait until the service has processed it"
run wait "$work/plan.json" --timeout 60

echo
echo "== 7. Export the journal for reconciliation"
run journal export --csv "$work/refunds.csv"
echo
cat "$work/refunds.csv"

echo
echo "Done. Plan, journal and CSV are in $work"
