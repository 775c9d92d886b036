package mpadjust

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestCancellationRequests(t *testing.T) {
	s := sim(t)
	ctx := testContext(t)
	c := newSimClient(t, s, nil)
	sent, err := c.SendCancellationRequest(ctx, happyAgreement, "INCORRECT_TERMS_ACCEPTED",
		"Buyer accepted the wrong private offer", "go-cancel-token-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sent.AgreementCancellationRequestID, "acr-") || sent.AgreementID != happyAgreement ||
		sent.Status != "PENDING_APPROVAL" || sent.CreatedAt == nil {
		t.Fatalf("sent %+v", sent)
	}
	// Idempotent on the client token.
	again, err := c.SendCancellationRequest(ctx, happyAgreement, "INCORRECT_TERMS_ACCEPTED",
		"Buyer accepted the wrong private offer", "go-cancel-token-1")
	if err != nil || again.AgreementCancellationRequestID != sent.AgreementCancellationRequestID {
		t.Fatalf("same token: %+v, %v", again, err)
	}
	got, err := c.GetCancellationRequest(ctx, happyAgreement, sent.AgreementCancellationRequestID)
	if err != nil || got.ReasonCode != "INCORRECT_TERMS_ACCEPTED" || got.Status != "PENDING_APPROVAL" {
		t.Fatalf("get: %+v, %v", got, err)
	}
	list, err := c.ListCancellationRequests(ctx, happyAgreement, "")
	if err != nil || len(list) != 1 || list[0].AgreementCancellationRequestID != sent.AgreementCancellationRequestID {
		t.Fatalf("list: %+v, %v", list, err)
	}
	w, err := c.WithdrawCancellationRequest(ctx, happyAgreement, sent.AgreementCancellationRequestID, "Sent by mistake")
	if err != nil || w.Status != "CANCELLED" {
		t.Fatalf("withdraw: %+v, %v", w, err)
	}
	// Withdrawing it twice is a conflict the service reports.
	_, err = c.WithdrawCancellationRequest(ctx, happyAgreement, sent.AgreementCancellationRequestID, "again")
	var se *ServiceError
	if !errors.As(err, &se) || se.ErrorType != "ConflictException" {
		t.Fatalf("second withdraw: %v", err)
	}
	// No refund was involved.
	for _, l := range s.ledger(t) {
		if l.InvoiceID == happyInvoice {
			t.Fatalf("a cancellation touched the refunds: %+v", l)
		}
	}
	if _, err := c.SendCancellationRequest(ctx, happyAgreement, "", "", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("no reason code: %v", err)
	}
}

func TestRefundForm(t *testing.T) {
	in := RefundFormInput{BuyerAccountID: "210987654321", BuyerEmail: "buyer@example.com",
		SellerAccountID: "111122223333", ProductID: "prod-abcdef123456", OfferID: "offer-abcdef123456",
		BillingPeriod: "2026-01", InvoiceID: happyInvoice, Amount: "100.00", Currency: "USD",
		Reason: "Metering double-counted 40 hours of usage in January"}
	text, err := RefundFormText(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"210987654321", "buyer@example.com", happyInvoice, "100.00", "2026-01", "Additional comments"} {
		if !strings.Contains(text, want) {
			t.Errorf("form text lacks %q:\n%s", want, text)
		}
	}
	form, err := RefundFormFields(in)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]bool{}
	for _, f := range form.Fields {
		if f.Label == "" {
			t.Fatalf("unlabelled field %+v", f)
		}
		values[f.Value] = true
		if !strings.Contains(text, f.Label+": "+f.Value) && f.Value != "" {
			t.Errorf("field %+v not in the text form", f)
		}
	}
	if !values["111122223333"] || !values[happyInvoice] {
		t.Fatalf("fields %+v", form.Fields)
	}
	bad := in
	bad.BuyerAccountID = "12"
	bad.BillingPeriod = "January"
	_, err = RefundFormText(bad)
	var me *Error
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &me) || strings.Count(me.Message, "\n") < 1 {
		t.Fatalf("two invalid fields: %v", err)
	}
}

// A concurrent submit calls the Go transport and progress callback from the library's worker
// threads.
func TestConcurrentSubmitThroughGoTransport(t *testing.T) {
	s := sim(t)
	ctx := testContext(t)
	rt := &recordingTransport{next: newHTTPTransport()}
	c := newSimClient(t, s, func(o *ClientOptions) { o.Transport = rt })
	plan, err := NewPlan("go-concurrent")
	if err != nil {
		t.Fatal(err)
	}
	defer plan.Close()
	// Seven entries on two agreements: at least three calls.
	for i := 0; i < 5; i++ {
		if err := plan.AddEntry(Entry{AgreementID: happyAgreement, InvoiceID: happyInvoice,
			Amount: fmt.Sprintf("%d.00", i+1), Currency: "USD", ReasonCode: "INCORRECT_METERING",
			Description: fmt.Sprintf("Metering double-counted %d hours in January", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		if err := plan.AddEntry(Entry{AgreementID: eurAgreement, InvoiceID: eurInvoice,
			Amount: fmt.Sprintf("%d.50", i+1), Currency: "EUR", ReasonCode: "TEST_ENVIRONMENT_CHARGES",
			Description: fmt.Sprintf("Test environment %d billed as production", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := plan.Resolve(ctx, c, false); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	journal := t.TempDir() + "/j.jsonl"
	res, err := plan.Submit(ctx, c, journal, SubmitOptions{Concurrency: 4, Progress: func(done, total, failed int) error {
		calls.Add(1)
		if total != 7 || failed != 0 {
			return fmt.Errorf("progress %d/%d, %d failed", done, total, failed)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if calls.Load() == 0 {
		t.Fatal("no progress")
	}
	ids := map[string]bool{}
	for _, e := range res.Entries() {
		if e.Outcome != OutcomeCreated || ids[e.BillingAdjustmentRequestID] {
			t.Fatalf("%+v", res.Entries())
		}
		ids[e.BillingAdjustmentRequestID] = true
	}
	inLedger := 0
	for _, l := range s.ledger(t) {
		if ids[l.ID] {
			inLedger++
		}
	}
	if inLedger != 7 {
		t.Fatalf("%d of 7 adjustments in the simulator's ledger", inLedger)
	}
	if err := res.Wait(ctx, c, journal, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	inv := findInvoice(t, mustInvoices(t, c), happyInvoice)
	if inv.MaxAdjustmentAmount != "1185.00" { // 1200 - (1+2+3+4+5)
		t.Fatalf("after 15.00 of refunds: %+v", inv)
	}
}
