package mpadjust

/*
#include <stdlib.h>
#include <mpadjust.h>
*/
import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// Timestamp is an instant the library reports: epoch seconds (a JSON number, possibly with a
// fraction, decoded exactly without floating point) or ISO 8601 / RFC 3339 text.
type Timestamp struct{ time.Time }

// UnmarshalJSON decodes 1767571200, 1767571200.123 or "2026-01-05T00:00:00Z".
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var text string
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
		v, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return fmt.Errorf("mpadjust: timestamp %q: %w", text, err)
		}
		t.Time = v.UTC()
		return nil
	}
	sec, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return fmt.Errorf("mpadjust: timestamp %q: %w", s, err)
	}
	var nanos int64
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		f, err := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if err != nil || f < 0 {
			return fmt.Errorf("mpadjust: timestamp %q: bad fraction", s)
		}
		nanos = f
	}
	t.Time = time.Unix(n, nanos).UTC()
	return nil
}

// AgreementQuery says which agreements to find. AgreementID is preferred (exactly one);
// otherwise any combination of the others. At least one field must be set.
type AgreementQuery struct {
	AgreementID    string // "agmt-..."
	BuyerAccountID string // 12 digits
	OfferID        string // "offer-..."
	ProductID      string // "prod-..."
	Status         string // ACTIVE, EXPIRED, ...
}

// Agreement is one agreement the seller may refund against.
type Agreement struct {
	AgreementID     string     `json:"agreementId"`
	Status          string     `json:"status"`
	AgreementType   string     `json:"agreementType"`
	OfferID         string     `json:"offerId"`
	ProductIDs      []string   `json:"productIds"`
	BuyerAccountID  string     `json:"buyerAccountId"`
	SellerAccountID string     `json:"sellerAccountId"`
	StartTime       *Timestamp `json:"startTime"` // nil when unknown
	EndTime         *Timestamp `json:"endTime"`
	AcceptanceTime  *Timestamp `json:"acceptanceTime"`
}

// AgreementLookup is every agreement that matches a query (one or more): the library never
// picks one of several, the caller chooses.
type AgreementLookup struct {
	Agreements []Agreement `json:"agreements"`
	Warnings   []string    `json:"warnings"`
}

// One is the single matching agreement; an error matching ErrAmbiguous (listing the
// candidates' IDs) when several match, ErrNotFound when none.
func (l *AgreementLookup) One() (*Agreement, error) {
	switch len(l.Agreements) {
	case 0:
		return nil, &Error{Status: StatusNotFound, Message: "no agreement matches the query"}
	case 1:
		return &l.Agreements[0], nil
	}
	ids := make([]string, len(l.Agreements))
	for i, a := range l.Agreements {
		ids[i] = a.AgreementID + " (" + a.Status + ")"
	}
	return nil, &Error{Status: StatusAmbiguous, Message: fmt.Sprintf(
		"%d agreements match; choose one by ID: %s", len(ids), strings.Join(ids, ", "))}
}

// FindAgreements finds agreements (DescribeAgreement by ID, else SearchAgreements, every page).
// The query is checked before anything is sent.
// Errors: ErrNotFound (none matches), ErrInvalid (bad query), ErrService, ErrTransport,
// ErrTimeout, ErrCancelled, ErrCredentials.
func (c *Client) FindAgreements(ctx context.Context, q AgreementQuery) (*AgreementLookup, error) {
	var cq C.mpadjust_agreement_query
	if err := call(func() C.mpadjust_status {
		return C.mpadjust_agreement_query_init(&cq, C.size_t(unsafe.Sizeof(cq)))
	}); err != nil {
		return nil, err
	}
	var strs cstrings
	defer strs.free()
	cq.agreement_id = strs.opt(q.AgreementID)
	cq.buyer_account_id = strs.opt(q.BuyerAccountID)
	cq.offer_id = strs.opt(q.OfferID)
	cq.product_id = strs.opt(q.ProductID)
	cq.status = strs.opt(q.Status)
	out := &AgreementLookup{}
	if err := c.doJSON(ctx, out, func(buf *C.mpadjust_buf, p *C.mpadjust_client) C.mpadjust_status {
		return C.mpadjust_agreements_find(buf, p, &cq)
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// InvoiceFilter narrows ListInvoices; zero fields are not filtered.
type InvoiceFilter struct {
	PeriodYear, PeriodMonth int    // billing period: both or neither
	InvoiceType             string // INVOICE | CREDIT_MEMO
	InvoiceID               string
	IssuedAfter             time.Time
	IssuedBefore            time.Time
}

// Invoice is one invoice of an agreement. Amounts are decimal text, never floats.
type Invoice struct {
	AgreementID         string     `json:"agreementId"`
	InvoiceID           string     `json:"invoiceId"`
	InvoiceType         string     `json:"invoiceType"` // INVOICE | CREDIT_MEMO
	CurrencyCode        string     `json:"currencyCode"`
	Amount              string     `json:"amount"`              // pre-tax
	MaxAdjustmentAmount string     `json:"maxAdjustmentAmount"` // what can still be refunded
	BillingPeriod       string     `json:"billingPeriod"`       // "YYYY-MM"
	IssuedTime          *Timestamp `json:"issuedTime"`
	Adjustable          bool       `json:"adjustable"` // false for credit memos
}

// ListInvoices lists the invoices of an agreement (every page).
// Errors: ErrInvalid (bad ID or filter), ErrService (e.g. ResourceNotFoundException),
// ErrTransport, ErrTimeout, ErrCancelled.
func (c *Client) ListInvoices(ctx context.Context, agreementID string, f InvoiceFilter) ([]Invoice, error) {
	var cf C.mpadjust_invoice_filter
	if err := call(func() C.mpadjust_status {
		return C.mpadjust_invoice_filter_init(&cf, C.size_t(unsafe.Sizeof(cf)))
	}); err != nil {
		return nil, err
	}
	var strs cstrings
	defer strs.free()
	cf.period_year = C.int32_t(f.PeriodYear)
	cf.period_month = C.int32_t(f.PeriodMonth)
	cf.invoice_type = strs.opt(f.InvoiceType)
	cf.invoice_id = strs.opt(f.InvoiceID)
	if !f.IssuedAfter.IsZero() {
		cf.issued_after_epoch_ms = C.int64_t(f.IssuedAfter.UnixMilli())
	}
	if !f.IssuedBefore.IsZero() {
		cf.issued_before_epoch_ms = C.int64_t(f.IssuedBefore.UnixMilli())
	}
	id := strs.add(agreementID)
	var out struct {
		Invoices []Invoice `json:"invoices"`
	}
	if err := c.doJSON(ctx, &out, func(buf *C.mpadjust_buf, p *C.mpadjust_client) C.mpadjust_status {
		return C.mpadjust_invoices_list(buf, p, id, &cf)
	}); err != nil {
		return nil, err
	}
	return out.Invoices, nil
}

// doJSON runs a network call that fills an owned JSON buffer and decodes it into v.
func (c *Client) doJSON(ctx context.Context, v any, fn func(buf *C.mpadjust_buf, p *C.mpadjust_client) C.mpadjust_status) error {
	var buf C.mpadjust_buf
	defer C.mpadjust_buf_dispose(&buf)
	if err := c.do(ctx, nil, func(p *C.mpadjust_client) C.mpadjust_status { return fn(&buf, p) }); err != nil {
		return err
	}
	return decodeJSON(bufBytes(&buf), v)
}

func decodeJSON(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return &Error{Status: StatusParse, Message: "decoding the library's JSON: " + err.Error()}
	}
	return nil
}

// cstrings collects C copies of Go strings for one call.
type cstrings []*C.char

// add copies s (always non-NULL).
func (cs *cstrings) add(s string) *C.char {
	p := C.CString(s)
	*cs = append(*cs, p)
	return p
}

// opt copies s, or gives NULL for "".
func (cs *cstrings) opt(s string) *C.char {
	if s == "" {
		return nil
	}
	return cs.add(s)
}

func (cs *cstrings) free() {
	for _, p := range *cs {
		C.free(unsafe.Pointer(p))
	}
	*cs = nil
}
