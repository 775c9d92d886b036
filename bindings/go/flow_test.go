package mpadjust

import (
	"encoding/csv"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func findInvoice(t *testing.T, invs []Invoice, id string) Invoice {
	t.Helper()
	for _, inv := range invs {
		if inv.InvoiceID == id {
			return inv
		}
	}
	t.Fatalf("invoice %s not listed in %+v", id, invs)
	return Invoice{}
}

// The whole refund: find -> invoices -> plan -> preview -> submit -> wait COMPLETED -> journal.
func TestFullFlow(t *testing.T) {
	s := sim(t)
	ctx := testContext(t)
	c := newSimClient(t, s, nil)
	if c.Endpoint() != s.endpoint {
		t.Fatalf("endpoint %q, want %q", c.Endpoint(), s.endpoint)
	}

	look, err := c.FindAgreements(ctx, AgreementQuery{AgreementID: happyAgreement})
	if err != nil {
		t.Fatal(err)
	}
	a, err := look.One()
	if err != nil {
		t.Fatal(err)
	}
	if a.AgreementID != happyAgreement || a.Status != "ACTIVE" || a.BuyerAccountID != ambiguousBuyer ||
		a.SellerAccountID != "111122223333" || a.StartTime == nil || a.StartTime.Year() < 2020 {
		t.Fatalf("agreement %+v", a)
	}

	invs, err := c.ListInvoices(ctx, happyAgreement, InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	inv := findInvoice(t, invs, happyInvoice)
	if inv.Amount != "1200.00" || inv.MaxAdjustmentAmount != "1200.00" || inv.CurrencyCode != "USD" ||
		!inv.Adjustable || inv.InvoiceType != "INVOICE" || inv.IssuedTime == nil {
		t.Fatalf("invoice %+v", inv)
	}
	one, err := c.ListInvoices(ctx, happyAgreement, InvoiceFilter{InvoiceID: happyInvoice})
	if err != nil || len(one) != 1 || one[0].InvoiceID != happyInvoice {
		t.Fatalf("filtered by ID: %+v, %v", one, err)
	}

	plan, err := NewPlan("go-flow-1")
	if err != nil {
		t.Fatal(err)
	}
	defer plan.Close()
	if err := plan.AddEntry(Entry{AgreementID: happyAgreement, InvoiceID: happyInvoice, Amount: "100.00",
		Currency: "USD", ReasonCode: "INCORRECT_METERING",
		Description:   "Metering double-counted 40 hours of usage in January",
		SupportCaseID: "CASE-1", Notes: "go binding test"}); err != nil {
		t.Fatal(err)
	}
	if plan.Resolved() || plan.EntryCount() != 1 {
		t.Fatalf("before resolve: resolved %v, %d entries", plan.Resolved(), plan.EntryCount())
	}
	if _, err := plan.PreviewText(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("preview of an unresolved plan: %v", err)
	}
	if err := plan.Resolve(ctx, c, false); err != nil {
		t.Fatal(err)
	}
	if !plan.Resolved() {
		t.Fatal("not resolved")
	}
	if err := plan.AddEntry(Entry{AgreementID: happyAgreement, InvoiceID: happyInvoice, Amount: "1.00",
		Currency: "USD", ReasonCode: "INCORRECT_METERING"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("adding to a frozen plan: %v", err)
	}
	text, err := plan.PreviewText()
	if err != nil || !strings.Contains(text, happyInvoice) || !strings.Contains(text, "100.00") {
		t.Fatalf("preview text %q, %v", text, err)
	}
	pv, err := plan.Preview()
	if err != nil {
		t.Fatal(err)
	}
	if pv.PlanKey != "go-flow-1" || pv.EntryCount != 1 || pv.CallCount != 1 ||
		len(pv.Totals) != 1 || pv.Totals[0] != (Money{"USD", "100.00"}) ||
		len(pv.Agreements) != 1 || len(pv.Agreements[0].Entries) != 1 {
		t.Fatalf("preview %+v", pv)
	}
	pe := pv.Agreements[0].Entries[0]
	if pe.MaxAdjustmentAmount != "1200.00" || pe.RemainingAfter != "1100.00" || pe.ClientToken == "" {
		t.Fatalf("preview entry %+v", pe)
	}

	// Saved and loaded: the same frozen plan (same client token).
	doc, err := plan.ToJSON()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := PlanFromJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	lpv, err := loaded.Preview()
	if err != nil || !loaded.Resolved() || lpv.Agreements[0].Entries[0].ClientToken != pe.ClientToken {
		t.Fatalf("loaded plan: %+v, %v", lpv, err)
	}

	journal := filepath.Join(t.TempDir(), "state", "journal.jsonl")
	var mu sync.Mutex
	var progress [][3]int
	res, err := loaded.Submit(ctx, c, journal, SubmitOptions{Progress: func(done, total, failed int) error {
		mu.Lock()
		progress = append(progress, [3]int{done, total, failed})
		mu.Unlock()
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if len(progress) == 0 || progress[len(progress)-1] != [3]int{1, 1, 0} {
		t.Fatalf("progress %v", progress)
	}
	if res.Count() != 1 {
		t.Fatalf("%d results", res.Count())
	}
	e := res.Entries()[0]
	if e.Outcome != OutcomeCreated || !strings.HasPrefix(e.BillingAdjustmentRequestID, "ba-") ||
		e.Amount != "100.00" || e.Currency != "USD" || e.InvoiceID != happyInvoice || e.ClientToken != pe.ClientToken {
		t.Fatalf("result %+v", e)
	}
	// The simulator's own ledger (a second source) has exactly this adjustment.
	led := s.ledger(t)
	var mine []ledgerItem
	for _, l := range led {
		if l.ID == e.BillingAdjustmentRequestID {
			mine = append(mine, l)
		}
	}
	if len(mine) != 1 || mine[0].Amount != "100.00" || mine[0].ClientToken != e.ClientToken ||
		mine[0].InvoiceID != happyInvoice || mine[0].Currency != "USD" {
		t.Fatalf("ledger %+v (result %+v)", led, e)
	}

	if err := res.Wait(ctx, c, journal, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	e = res.Entries()[0]
	if e.Status != "COMPLETED" {
		t.Fatalf("after wait: %+v", e)
	}
	fromJSON, err := res.EntriesFromJSON()
	if err != nil || len(fromJSON) != 1 || fromJSON[0].Outcome != OutcomeCreated ||
		fromJSON[0].BillingAdjustmentRequestID != e.BillingAdjustmentRequestID || fromJSON[0].Status != "COMPLETED" {
		t.Fatalf("results JSON %+v, %v", fromJSON, err)
	}

	// The service now shows 1100.00 refundable.
	inv = findInvoice(t, mustInvoices(t, c), happyInvoice)
	if inv.MaxAdjustmentAmount != "1100.00" {
		t.Fatalf("after the refund: %+v", inv)
	}

	// The journal, listed and as CSV.
	jl, err := JournalEntries(journal)
	if err != nil {
		t.Fatal(err)
	}
	if len(jl.Entries) != 1 || jl.Entries[0].State != "confirmed" || jl.Entries[0].Status != "COMPLETED" ||
		jl.Entries[0].BillingAdjustmentRequestID != e.BillingAdjustmentRequestID ||
		jl.Entries[0].SupportCaseID != "CASE-1" || jl.Entries[0].PlanKey != "go-flow-1" {
		t.Fatalf("journal %+v", jl)
	}
	csvText, err := JournalCSV(journal)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
	if err != nil {
		t.Fatalf("CSV %q: %v", csvText, err)
	}
	if len(rows) != 2 || rows[0][0] != "created" || rows[0][2] != "agreement_id" {
		t.Fatalf("CSV rows %q", rows)
	}
	col := map[string]string{}
	for i, h := range rows[0] {
		col[h] = rows[1][i]
	}
	if col["billing_adjustment_request_id"] != e.BillingAdjustmentRequestID || col["status"] != "COMPLETED" ||
		col["amount"] != "100.00" || col["invoice_id"] != happyInvoice {
		t.Fatalf("CSV row %v", col)
	}

	// Re-running the same plan sends nothing new.
	again, err := plan.Submit(ctx, c, journal, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if o := again.Entries()[0].Outcome; o != OutcomeAlreadyDone {
		t.Fatalf("second submit: outcome %v", o)
	}
	if n := len(s.ledger(t)); n != len(led) {
		t.Fatalf("ledger grew from %d to %d on a re-run", len(led), n)
	}
	fromJournal, err := ResultsFromJournal(plan, journal)
	if err != nil {
		t.Fatal(err)
	}
	defer fromJournal.Close()
	if got := fromJournal.Entries()[0]; got.BillingAdjustmentRequestID != e.BillingAdjustmentRequestID {
		t.Fatalf("results from journal %+v", got)
	}
}

func mustInvoices(t *testing.T, c *Client) []Invoice {
	t.Helper()
	invs, err := c.ListInvoices(testContext(t), happyAgreement, InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return invs
}
