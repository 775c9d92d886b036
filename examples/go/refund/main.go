// Command refund refunds (part of) one AWS Marketplace invoice with the mpadjust Go binding:
// find the agreement, show the invoice, plan and preview the refund, and only with -yes submit
// it, wait for the final status and print the journal's record.
//
//	refund -agreement agmt-... -invoice E2E... -amount 100.00 -currency USD \
//	       -reason INCORRECT_METERING -description "Metering double-counted 40 hours" [-yes]
//
// Credentials, region and endpoint come from the usual AWS environment and files
// (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...). A refund cannot be
// undone: without -yes nothing is sent.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	mpadjust "github.com/mpadjust/mpadjust/bindings/go"
)

func main() {
	agreement := flag.String("agreement", "", "agreement ID (agmt-...)")
	buyer := flag.String("buyer", "", "or the buyer's 12-digit account ID (must match one agreement)")
	invoice := flag.String("invoice", "", "invoice ID")
	amount := flag.String("amount", "", `pre-tax amount to refund, or "full"`)
	currency := flag.String("currency", "", "the invoice's currency (USD, EUR, ...)")
	reason := flag.String("reason", "", "reason code (INCORRECT_METERING, BUYER_DISSATISFACTION, ...)")
	description := flag.String("description", "", "what went wrong, specifically (sent to AWS)")
	supportCase := flag.String("support-case", "", "your support case ID (kept in the journal only)")
	planKey := flag.String("plan-key", "", "plan key (default: derived from the entry)")
	journal := flag.String("journal", "", "journal file (default: the per-user journal)")
	wait := flag.Duration("wait", 2*time.Minute, "how long to wait for the final status")
	yes := flag.Bool("yes", false, "really submit the refund (default: preview only)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *agreement, *buyer, *invoice, *amount, *currency, *reason, *description,
		*supportCase, *planKey, *journal, *wait, *yes); err != nil {
		fmt.Fprintln(os.Stderr, "refund:", err)
		var pe *mpadjust.PlanError
		switch {
		case errors.As(err, &pe):
			os.Exit(3) // the plan has problems: nothing was sent
		case errors.Is(err, mpadjust.ErrAmbiguous):
			os.Exit(4) // several agreements: choose one by ID
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, agreementID, buyer, invoiceID, amount, currency, reason, description,
	supportCase, planKey, journal string, wait time.Duration, yes bool) error {
	client, err := mpadjust.NewClient(mpadjust.ClientOptions{})
	if err != nil {
		return err
	}
	defer client.Close()

	look, err := client.FindAgreements(ctx, mpadjust.AgreementQuery{AgreementID: agreementID, BuyerAccountID: buyer})
	if err != nil {
		return err
	}
	for _, w := range look.Warnings {
		fmt.Println("warning:", w)
	}
	agreement, err := look.One()
	if err != nil {
		return err
	}
	fmt.Printf("agreement %s (%s), buyer %s\n", agreement.AgreementID, agreement.Status, agreement.BuyerAccountID)

	invoices, err := client.ListInvoices(ctx, agreement.AgreementID, mpadjust.InvoiceFilter{InvoiceID: invoiceID})
	if err != nil {
		return err
	}
	if len(invoices) != 1 {
		return fmt.Errorf("invoice %s: %d matches on agreement %s", invoiceID, len(invoices), agreement.AgreementID)
	}
	inv := invoices[0]
	fmt.Printf("invoice %s: %s %s pre-tax, %s refundable\n", inv.InvoiceID, inv.CurrencyCode, inv.Amount, inv.MaxAdjustmentAmount)

	plan, err := mpadjust.NewPlan(planKey)
	if err != nil {
		return err
	}
	defer plan.Close()
	if err := plan.AddEntry(mpadjust.Entry{AgreementID: agreement.AgreementID, InvoiceID: inv.InvoiceID,
		Amount: amount, Currency: currency, ReasonCode: reason, Description: description,
		SupportCaseID: supportCase}); err != nil {
		return err
	}
	if err := plan.Resolve(ctx, client, false); err != nil {
		return err
	}
	preview, err := plan.PreviewText()
	if err != nil {
		return err
	}
	fmt.Print(preview)
	if !yes {
		fmt.Println("preview only: run again with -yes to submit")
		return nil
	}

	results, err := plan.Submit(ctx, client, journal, mpadjust.SubmitOptions{})
	if err != nil {
		return err
	}
	defer results.Close()
	if err := results.Wait(ctx, client, journal, wait); err != nil && !errors.Is(err, mpadjust.ErrTimeout) {
		return err
	}
	failed := false
	for _, r := range results.Entries() {
		switch r.Outcome {
		case mpadjust.OutcomeCreated, mpadjust.OutcomeAlreadyDone:
			fmt.Printf("refund %s %s %s: %s %s\n", r.BillingAdjustmentRequestID, r.Currency, r.Amount, r.Status, r.StatusMessage)
			failed = failed || r.Status == "VALIDATION_FAILED"
		case mpadjust.OutcomeInDoubt:
			fmt.Printf("in doubt (%s): run the same command again; the same client token prevents a double refund\n", r.ErrorMessage)
			failed = true
		default:
			fmt.Printf("%s: %s %s\n", r.Outcome, r.ErrorCode, r.ErrorMessage)
			failed = true
		}
	}
	if failed {
		return errors.New("the refund did not complete")
	}
	return nil
}
