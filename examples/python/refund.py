#!/usr/bin/env python3
"""Refund part of one invoice of an AWS Marketplace agreement, and keep a record.

    python refund.py --agreement agmt-... --invoice E2E... --amount 25.00 \
        --reason INCORRECT_METERING --description "..." [--endpoint URL] [--journal FILE] [--yes]

Credentials and region come from the usual AWS chain (environment, ~/.aws, AWS_PROFILE).
Without --yes it shows the preview and asks before sending anything. A refund cannot be
undone; running the script again with the same arguments never refunds twice (same plan key,
same client tokens).
"""
import argparse
import os
import sys
from decimal import Decimal

import mpadjust


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agreement", required=True)
    ap.add_argument("--invoice", required=True)
    ap.add_argument("--amount", default="full", help='a decimal, or "full"')
    ap.add_argument("--reason", default="INCORRECT_METERING")
    ap.add_argument("--description",
                    default="Usage was metered twice for the billing period; refunding the excess")
    ap.add_argument("--endpoint", default=os.environ.get("MPADJUST_SIM_ENDPOINT"))
    ap.add_argument("--journal", default=None, help="default: the per-user journal")
    ap.add_argument("--yes", action="store_true", help="do not ask before submitting")
    args = ap.parse_args()

    with mpadjust.Client(endpoint=args.endpoint) as client:
        agreement = client.find_agreements(agreement_id=args.agreement).one()
        print("agreement %s (%s), buyer %s" % (agreement.agreement_id, agreement.status,
                                               agreement.buyer_account_id))
        invoice = next((i for i in client.list_invoices(agreement.agreement_id)
                        if i.invoice_id == args.invoice), None)
        if invoice is None:
            print("no invoice %s on this agreement" % args.invoice, file=sys.stderr)
            return 2
        print("invoice %s: %s %s, refundable %s" % (invoice.invoice_id, invoice.amount,
                                                    invoice.currency_code,
                                                    invoice.max_adjustment_amount))

        amount = args.amount if args.amount == "full" else Decimal(args.amount)
        plan = mpadjust.Plan(plan_key="refund-%s-%s-%s" % (invoice.invoice_id, args.amount,
                                                            args.reason))
        plan.add(mpadjust.Entry(agreement.agreement_id, invoice.invoice_id, amount=amount,
                                currency=invoice.currency_code, reason_code=args.reason,
                                description=args.description))
        try:
            plan.resolve(client)
        except mpadjust.InvalidError as e:
            print("the refund cannot be made:", file=sys.stderr)
            for problem in e.problems or [e.message]:
                print("  -", problem, file=sys.stderr)
            return 2
        print(plan.preview_text())
        if not args.yes and input("Submit this refund? [y/N] ").strip().lower() != "y":
            print("nothing sent")
            return 1

        results = plan.submit(client, journal=args.journal)
        results.wait(client, journal=args.journal, timeout=120)
        for r in results:
            print("%s %s %s %s: %s %s" % (r.invoice_id, r.amount, r.currency,
                                          r.billing_adjustment_request_id or "-", r.outcome.name,
                                          r.status or r.error_code))
        print(mpadjust.journal_csv(args.journal))
        return 0 if results.completed else 1


if __name__ == "__main__":
    sys.exit(main())
