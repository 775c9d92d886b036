package mpadjust

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAmbiguousBuyer(t *testing.T) {
	s := sim(t)
	ctx := testContext(t)
	c := newSimClient(t, s, nil)
	look, err := c.FindAgreements(ctx, AgreementQuery{BuyerAccountID: ambiguousBuyer})
	if err != nil {
		t.Fatal(err)
	}
	// Three agreements with this seller (the fourth belongs to another seller).
	ids := map[string]string{}
	for _, a := range look.Agreements {
		ids[a.AgreementID] = a.Status
	}
	want := map[string]string{happyAgreement: "ACTIVE", "agmt-9FhL2pVx6RtK3mZq8WcB4nJy": "ACTIVE",
		"agmt-2KdR8sWq5YhN7vLx3TpM6cGb": "EXPIRED"}
	if len(ids) != len(want) || len(look.Agreements) != 3 {
		t.Fatalf("candidates %v, want %v", ids, want)
	}
	for id, st := range want {
		if ids[id] != st {
			t.Fatalf("candidates %v, want %v", ids, want)
		}
	}
	_, err = look.One()
	var me *Error
	if !errors.Is(err, ErrAmbiguous) || !errors.As(err, &me) || me.Status != StatusAmbiguous ||
		errors.Is(err, ErrNotFound) {
		t.Fatalf("One: %v", err)
	}
	active, err := c.FindAgreements(ctx, AgreementQuery{BuyerAccountID: ambiguousBuyer, Status: "ACTIVE"})
	if err != nil || len(active.Agreements) != 2 {
		t.Fatalf("ACTIVE only: %+v, %v", active, err)
	}
}

func TestServiceAndInputErrors(t *testing.T) {
	s := sim(t)
	ctx := testContext(t)
	c := newSimClient(t, s, nil)

	// Checked before sending: a malformed ID and an empty query.
	for _, q := range []AgreementQuery{{AgreementID: "agmt with spaces!"}, {}, {BuyerAccountID: "12345"}} {
		_, err := c.FindAgreements(ctx, q)
		var me *Error
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &me) || me.Message == "" {
			t.Fatalf("query %+v: %v", q, err)
		}
	}

	// An agreement that does not exist.
	_, err := c.FindAgreements(ctx, AgreementQuery{AgreementID: "agmt-0000000000000000000000000"})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown agreement: %v", err)
	}
	_, err = c.ListInvoices(ctx, "agmt-0000000000000000000000000", InvoiceFilter{})
	if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrService) {
		t.Fatalf("invoices of an unknown agreement: %v", err)
	}

	// The service's own error, with its details: a cancellation request for a CANCELLED
	// agreement.
	_, err = c.SendCancellationRequest(ctx, "agmt-5PzT3nGc8WkQ2yRv7LxH4mDs", "INCORRECT_TERMS_ACCEPTED", "", "")
	var se *ServiceError
	if !errors.Is(err, ErrService) || !errors.As(err, &se) {
		t.Fatalf("cancellation of a cancelled agreement: %v", err)
	}
	t.Logf("service error: %+v", se)
	if se.ErrorType != "ValidationException" || se.HTTPStatus != 400 || se.Reason != "INACTIVE_AGREEMENT" ||
		se.RequestID == "" || se.Err == nil || se.Err.Status != StatusService {
		t.Fatalf("service error %+v", se)
	}
	var me *Error
	if !errors.As(err, &me) || me.Status != StatusService {
		t.Fatalf("errors.As *Error through a ServiceError: %v", err)
	}

	// Bad credentials: the service refuses the signature.
	bad := newSimClient(t, s, func(o *ClientOptions) {
		cr, err := NewStaticCredentials(simAccessKey, "wrong-secret", "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cr.Close() })
		o.Credentials = cr
		o.MaxAttempts = 1
	})
	_, err = bad.FindAgreements(ctx, AgreementQuery{AgreementID: happyAgreement})
	if !errors.As(err, &se) || se.HTTPStatus != 403 || se.ErrorType != "InvalidSignatureException" {
		t.Fatalf("wrong secret: %v (%+v)", err, se)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("the secret leaked into the error: %v", err)
	}

	// Invalid client options.
	if _, err := NewClient(ClientOptions{Endpoint: "ftp://example.com"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("ftp endpoint: %v", err)
	}
	if _, err := NewClient(ClientOptions{Timeout: -time.Second}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("negative timeout: %v", err)
	}
}

func TestResolveProblems(t *testing.T) {
	s := sim(t)
	ctx := testContext(t)
	c := newSimClient(t, s, nil)
	plan, err := NewPlan("")
	if err != nil {
		t.Fatal(err)
	}
	defer plan.Close()
	for _, e := range []Entry{
		{AgreementID: happyAgreement, InvoiceID: happyInvoice, Amount: "5000.00", Currency: "USD",
			ReasonCode: "INCORRECT_METERING", Description: "Metering double-counted 40 hours in January"},
		{AgreementID: happyAgreement, InvoiceID: happyInvoice, Amount: "10.00", Currency: "EUR",
			ReasonCode: "NOT_A_REASON", Description: "Metering double-counted 2 hours in January"},
	} {
		if err := plan.AddEntry(e); err != nil {
			t.Fatal(err)
		}
	}
	before := len(s.ledger(t))
	err = plan.Resolve(ctx, c, false)
	var pe *PlanError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &pe) {
		t.Fatalf("resolve: %v", err)
	}
	joined := strings.Join(pe.Problems, "\n")
	for _, field := range []string{"entries[0].amount", "entries[1].currency", "entries[1].reason_code"} {
		if !strings.Contains(joined, field) {
			t.Errorf("no problem names %s:\n%s", field, joined)
		}
	}
	if plan.Resolved() {
		t.Fatal("a plan with problems was frozen")
	}
	if _, err := plan.Submit(ctx, c, t.TempDir()+"/j.jsonl", SubmitOptions{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("submitting an unresolved plan: %v", err)
	}
	if len(s.ledger(t)) != before {
		t.Fatalf("something was sent: %+v", s.ledger(t))
	}

	// Shape errors when adding, CSV and JSON input.
	if err := plan.AddEntry(Entry{InvoiceID: happyInvoice}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("entry without agreement: %v", err)
	}
	csvPlan, _ := NewPlan("csv")
	defer csvPlan.Close()
	good := "agreement_id,invoice_id,amount,currency,reason_code,description,support_case_id,buyer_reference,notes\n" +
		happyAgreement + "," + happyInvoice + ",full,USD,INCORRECT_METERING,Metering double-counted 40 hours in January,,,\n"
	if err := csvPlan.AddCSV([]byte(good)); err != nil || csvPlan.EntryCount() != 1 {
		t.Fatalf("CSV: %v, %d entries", err, csvPlan.EntryCount())
	}
	if err := csvPlan.AddCSV([]byte("nonsense\n\"unterminated")); !(errors.Is(err, ErrInvalid) || errors.Is(err, ErrParse)) || csvPlan.EntryCount() != 1 {
		t.Fatalf("bad CSV: %v, %d entries", err, csvPlan.EntryCount())
	}
	if err := csvPlan.AddJSON([]byte(`[{"agreement_id":"` + eurAgreement + `","invoice_id":"` + eurInvoice +
		`","amount":"9.90","currency":"EUR","reason_code":"INCORRECT_METERING","description":"Two test hours billed"}]`)); err != nil {
		t.Fatal(err)
	}
	if err := csvPlan.Resolve(ctx, c, false); err != nil {
		t.Fatal(err)
	}
	pv, err := csvPlan.Preview()
	if err != nil || pv.EntryCount != 2 || len(pv.Totals) != 2 || pv.CallCount != 2 {
		t.Fatalf("two-currency preview %+v, %v", pv, err)
	}
	for _, e := range pv.Agreements {
		for _, en := range e.Entries {
			if en.InvoiceID == happyInvoice && (!en.Full || en.Amount != "1200.00") {
				t.Fatalf("full refund resolved to %+v", en)
			}
		}
	}
	if _, err := PlanFromJSON([]byte(`{"not":"a plan"}`)); !errors.Is(err, ErrParse) && !errors.Is(err, ErrInvalid) {
		t.Fatalf("not a plan: %v", err)
	}
	if _, err := PlanFromJSON(nil); err == nil {
		t.Fatal("empty plan document accepted")
	}
}

func TestContextCancellation(t *testing.T) {
	s := sim(t)
	c := newSimClient(t, s, nil)

	// Done before the call: nothing is sent.
	done, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.FindAgreements(done, AgreementQuery{AgreementID: happyAgreement})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}

	// Cancelled while the call waits for a slow service (1.5 s).
	s.setFaults(t, map[string]any{"latency_ms": 1500})
	ctx, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	start := time.Now()
	_, err = c.FindAgreements(ctx, AgreementQuery{AgreementID: happyAgreement})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline during the call: %v", err)
	}
	var me *Error
	if !errors.As(err, &me) || me.Status != StatusCancelled {
		t.Fatalf("errors.As: %v", err)
	}
	if el := time.Since(start); el > 1200*time.Millisecond {
		t.Fatalf("the cancel took %v: the call waited for the service", el)
	}
	// The simulator still answers the abandoned request when its latency is over, and only then
	// logs it: wait for that, so that it is not counted in a later test's request log.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var log struct {
			Count int `json:"count"`
		}
		s.control(t, "GET", "/_sim/requests", nil, &log)
		if log.Count >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the simulator never logged the abandoned request")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.setFaults(t, map[string]any{"latency_ms": 0})

	// The client still works with a live context.
	if _, err := c.FindAgreements(testContext(t), AgreementQuery{AgreementID: happyAgreement}); err != nil {
		t.Fatalf("after a cancel: %v", err)
	}

	// Wait, cancelled while adjustments are still PENDING: results keep what was seen.
	s.setFaults(t, map[string]any{"adjustment_delay": 60})
	plan := resolvedPlan(t, c, "go-cancel-wait", "25.00")
	journal := t.TempDir() + "/j.jsonl"
	res, err := plan.Submit(testContext(t), c, journal, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	ctx3, cancel3 := context.WithCancel(context.Background())
	time.AfterFunc(400*time.Millisecond, cancel3)
	start = time.Now()
	err = res.Wait(ctx3, c, journal, time.Minute)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) || time.Since(start) > 10*time.Second {
		t.Fatalf("cancelled wait: %v after %v", err, time.Since(start))
	}
	if e := res.Entries()[0]; e.Outcome != OutcomeCreated || e.Status != "PENDING" {
		t.Fatalf("after a cancelled wait: %+v", e)
	}
	// A timeout: one look, still PENDING.
	if err := res.Wait(testContext(t), c, journal, 0); !errors.Is(err, ErrTimeout) {
		t.Fatalf("one look at a pending adjustment: %v", err)
	}
	s.control(t, "POST", "/_sim/settle", map[string]any{}, nil)
	if err := res.Wait(testContext(t), c, journal, 10*time.Second); err != nil || res.Entries()[0].Status != "COMPLETED" {
		t.Fatalf("after settling: %v, %+v", err, res.Entries())
	}
}

// resolvedPlan is a one-entry plan refunding amount of the happy invoice.
func resolvedPlan(t *testing.T, c *Client, key, amount string) *Plan {
	t.Helper()
	p, err := NewPlan(key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := p.AddEntry(Entry{AgreementID: happyAgreement, InvoiceID: happyInvoice, Amount: amount, Currency: "USD",
		ReasonCode: "INCORRECT_METERING", Description: "Metering double-counted 40 hours in January"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Resolve(testContext(t), c, false); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProgressStopsSubmit(t *testing.T) {
	s := sim(t)
	c := newSimClient(t, s, nil)
	plan := resolvedPlan(t, c, "go-progress-stop", "10.00")
	stop := errors.New("operator said stop")
	_, err := plan.Submit(testContext(t), c, t.TempDir()+"/j.jsonl", SubmitOptions{
		Progress: func(done, total, failed int) error { return stop }})
	if !errors.Is(err, ErrCallback) || !errors.Is(err, stop) {
		t.Fatalf("stopped submit: %v", err)
	}
	var ce *CallbackError
	if !errors.As(err, &ce) || ce.Err.Status != StatusCallback {
		t.Fatalf("CallbackError: %v", err)
	}
	// A panicking progress callback is recovered and stops the submission the same way.
	plan2 := resolvedPlan(t, c, "go-progress-panic", "11.00")
	_, err = plan2.Submit(testContext(t), c, t.TempDir()+"/j.jsonl", SubmitOptions{
		Progress: func(done, total, failed int) error { panic("boom") }})
	var pe *PanicError
	if !errors.Is(err, ErrCallback) || !errors.As(err, &pe) || pe.Value != "boom" {
		t.Fatalf("panicking progress: %v", err)
	}
}

func TestJournalErrors(t *testing.T) {
	if _, err := JournalEntries(t.TempDir() + "/none.jsonl"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing journal: %v", err)
	}
	if _, err := JournalCSV(t.TempDir() + "/none.jsonl"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing journal CSV: %v", err)
	}
}
