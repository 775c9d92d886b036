package mpadjust

/*
#include <stdlib.h>
#include <mpadjust.h>
*/
import "C"

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// Entry is one refund as the caller asks for it. Required: AgreementID, InvoiceID, Amount
// ("full" = the invoice's whole remaining refundable amount, or a pre-tax decimal such as
// "100.00"; never a float), Currency (the invoice's), ReasonCode (INCORRECT_TERMS_ACCEPTED,
// INCORRECT_METERING, TEST_ENVIRONMENT_CHARGES, ALTERNATIVE_PROCUREMENT_CHANNEL,
// UNINTENDED_RENEWAL, BUYER_DISSATISFACTION, OTHER). Description (1..500 characters, required
// for OTHER) is sent to AWS; SupportCaseID, BuyerReference and Notes are kept in the plan and
// the journal, never sent.
type Entry struct {
	AgreementID    string
	InvoiceID      string
	Amount         string
	Currency       string
	ReasonCode     string
	Description    string
	SupportCaseID  string
	BuyerReference string
	Notes          string
}

// Plan is a list of refund entries that Resolve checks against live invoice data and freezes
// (amounts fixed, a client token derived per entry). A frozen plan is what Submit sends,
// byte for byte, however often it is re-run. Methods are safe for concurrent use.
type Plan struct {
	mu      sync.Mutex
	ptr     *C.mpadjust_plan
	cleanup runtime.Cleanup
}

func newPlan(p *C.mpadjust_plan) *Plan {
	pl := &Plan{ptr: p}
	pl.cleanup = runtime.AddCleanup(pl, func(p *C.mpadjust_plan) { C.mpadjust_plan_free(p) }, p)
	return pl
}

// NewPlan makes an empty plan. planKey ("" = derived from the entries) becomes part of every
// client token: the same key with the same entries gives the same tokens, so the service never
// creates a refund twice.
func NewPlan(planKey string) (*Plan, error) {
	if err := checkInit(); err != nil {
		return nil, err
	}
	var strs cstrings
	defer strs.free()
	key := strs.opt(planKey)
	var out *C.mpadjust_plan
	if err := call(func() C.mpadjust_status { return C.mpadjust_plan_new(&out, key) }); err != nil {
		return nil, err
	}
	return newPlan(out), nil
}

// PlanFromJSON loads a resolved plan saved with ToJSON.
// Errors: ErrParse (not a plan document), ErrInvalid (entries fail their checks).
func PlanFromJSON(doc []byte) (*Plan, error) {
	if err := checkInit(); err != nil {
		return nil, err
	}
	var out *C.mpadjust_plan
	if err := call(func() C.mpadjust_status { return C.mpadjust_plan_from_json(&out, bytesPtr(doc), C.size_t(len(doc))) }); err != nil {
		return nil, err
	}
	runtime.KeepAlive(doc)
	return newPlan(out), nil
}

// Close releases the plan. Idempotent. Results made from it stay valid.
func (p *Plan) Close() error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ptr == nil {
		return nil
	}
	ptr := p.ptr
	p.ptr = nil
	p.cleanup.Stop()
	C.mpadjust_plan_free(ptr)
	return nil
}

// with runs fn with the plan's handle under its lock.
func (p *Plan) with(fn func(*C.mpadjust_plan) error) error {
	if p == nil {
		return errClosed("plan")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ptr == nil {
		return errClosed("plan")
	}
	return fn(p.ptr)
}

// AddEntry appends one entry; only its shape is checked here, the rest by Resolve.
// Errors: ErrInvalid (a required field empty), ErrConflict (the plan is resolved).
func (p *Plan) AddEntry(e Entry) error {
	return p.with(func(ptr *C.mpadjust_plan) error {
		var ce C.mpadjust_entry
		if err := call(func() C.mpadjust_status { return C.mpadjust_entry_init(&ce, C.size_t(unsafe.Sizeof(ce))) }); err != nil {
			return err
		}
		var strs cstrings
		defer strs.free()
		// An empty required field is passed as NULL, so the library refuses it here, naming it.
		ce.agreement_id = strs.opt(e.AgreementID)
		ce.invoice_id = strs.opt(e.InvoiceID)
		ce.amount = strs.opt(e.Amount)
		ce.currency = strs.opt(e.Currency)
		ce.reason_code = strs.opt(e.ReasonCode)
		ce.description = strs.opt(e.Description)
		ce.support_case_id = strs.opt(e.SupportCaseID)
		ce.buyer_reference = strs.opt(e.BuyerReference)
		ce.notes = strs.opt(e.Notes)
		return call(func() C.mpadjust_status { return C.mpadjust_plan_add_entry(ptr, &ce) })
	})
}

// AddCSV appends the entries of CSV text (header agreement_id,invoice_id,amount,currency,
// reason_code,description,support_case_id,buyer_reference,notes). Nothing is added on failure.
// Errors: ErrInvalid (naming the line), ErrConflict (resolved).
func (p *Plan) AddCSV(text []byte) error {
	return p.with(func(ptr *C.mpadjust_plan) error {
		err := call(func() C.mpadjust_status { return C.mpadjust_plan_add_csv(ptr, bytesPtr(text), C.size_t(len(text))) })
		runtime.KeepAlive(text)
		return err
	})
}

// AddJSON appends the entries of JSON text ({"entries":[...]} or a bare array, members named
// as the CSV columns). Errors: ErrInvalid or ErrParse (naming the entry), ErrConflict.
func (p *Plan) AddJSON(text []byte) error {
	return p.with(func(ptr *C.mpadjust_plan) error {
		err := call(func() C.mpadjust_status { return C.mpadjust_plan_add_json(ptr, bytesPtr(text), C.size_t(len(text))) })
		runtime.KeepAlive(text)
		return err
	})
}

// PlanError is the error of a Resolve that found problems (status StatusInvalid): every
// problem, each naming its field ("entries[0].amount: ..."). errors.Is(err, ErrInvalid) holds.
type PlanError struct {
	Err      *Error
	Problems []string
}

func (e *PlanError) Error() string {
	return "mpadjust: the plan has problems:\n  " + strings.Join(e.Problems, "\n  ")
}

// Unwrap gives the library's *Error.
func (e *PlanError) Unwrap() error { return e.Err }

// Resolve checks every entry against live data read with client (DescribeAgreement,
// ListAgreementInvoiceLineItems; nothing is created) and freezes the plan. strictReasons
// treats vague descriptions as errors.
// Errors: *PlanError (ErrInvalid: problems found, the plan stays unresolved), ErrConflict
// (already resolved), ErrService, ErrTransport, ErrTimeout, ErrCancelled.
func (p *Plan) Resolve(ctx context.Context, client *Client, strictReasons bool) error {
	return p.with(func(ptr *C.mpadjust_plan) error {
		err := client.do(ctx, nil, func(cp *C.mpadjust_client) C.mpadjust_status {
			return C.mpadjust_plan_resolve(ptr, cp, C.int32_t(cBool(strictReasons)))
		})
		var me *Error
		if err == nil || !asError(err, &me) || me.Status != StatusInvalid {
			return err
		}
		var buf C.mpadjust_buf
		defer C.mpadjust_buf_dispose(&buf)
		var doc struct {
			Problems []string `json:"problems"`
		}
		if call(func() C.mpadjust_status { return C.mpadjust_plan_problems(&buf, ptr) }) != nil ||
			decodeJSON(bufBytes(&buf), &doc) != nil || len(doc.Problems) == 0 {
			return err
		}
		return &PlanError{Err: me, Problems: doc.Problems}
	})
}

// EntryCount is the number of entries (added so far, or of the frozen plan).
func (p *Plan) EntryCount() int {
	n := 0
	_ = p.with(func(ptr *C.mpadjust_plan) error { n = int(C.mpadjust_plan_entry_count(ptr)); return nil })
	return n
}

// Resolved reports whether the plan is frozen.
func (p *Plan) Resolved() bool {
	r := false
	_ = p.with(func(ptr *C.mpadjust_plan) error { r = C.mpadjust_plan_is_resolved(ptr) != 0; return nil })
	return r
}

// ownedText runs a call that fills an owned buffer and copies it out.
func (p *Plan) ownedText(fn func(*C.mpadjust_buf, *C.mpadjust_plan) C.mpadjust_status) ([]byte, error) {
	var out []byte
	err := p.with(func(ptr *C.mpadjust_plan) error {
		var buf C.mpadjust_buf
		defer C.mpadjust_buf_dispose(&buf)
		if err := call(func() C.mpadjust_status { return fn(&buf, ptr) }); err != nil {
			return err
		}
		out = bufBytes(&buf)
		return nil
	})
	return out, err
}

// ToJSON is the frozen plan as JSON, to save and submit later (PlanFromJSON).
// Errors: ErrInvalid (not resolved).
func (p *Plan) ToJSON() ([]byte, error) {
	return p.ownedText(func(b *C.mpadjust_buf, ptr *C.mpadjust_plan) C.mpadjust_status {
		return C.mpadjust_plan_to_json(b, ptr)
	})
}

// PreviewText is the plan as a human checks it before submitting (every entry, amounts,
// totals per currency, warnings). Errors: ErrInvalid (not resolved).
func (p *Plan) PreviewText() (string, error) {
	b, err := p.ownedText(func(b *C.mpadjust_buf, ptr *C.mpadjust_plan) C.mpadjust_status {
		return C.mpadjust_plan_preview_text(b, ptr)
	})
	return string(b), err
}

// Preview is the plan's preview as data (PreviewJSON).
type Preview struct {
	PlanKey    string             `json:"plan_key"`
	EntryCount int                `json:"entry_count"`
	CallCount  int                `json:"call_count"` // BatchCreateBillingAdjustmentRequest calls
	Totals     []Money            `json:"totals"`     // per currency
	Warnings   []string           `json:"warnings"`
	Agreements []PreviewAgreement `json:"agreements"`
}

// Money is an amount as decimal text and its currency.
type Money struct {
	Currency string `json:"currency"`
	Amount   string `json:"amount"`
}

// PreviewAgreement is the entries of one agreement in a preview.
type PreviewAgreement struct {
	AgreementID     string         `json:"agreement_id"`
	AgreementStatus string         `json:"agreement_status"`
	Entries         []PreviewEntry `json:"entries"`
}

// PreviewEntry is one resolved entry in a preview.
type PreviewEntry struct {
	Index               int      `json:"index"` // in the plan
	InvoiceID           string   `json:"invoice_id"`
	Amount              string   `json:"amount"`
	Currency            string   `json:"currency"`
	Full                bool     `json:"full"`
	MaxAdjustmentAmount string   `json:"max_adjustment_amount"`
	RemainingAfter      string   `json:"remaining_after"`
	ReasonCode          string   `json:"reason_code"`
	Description         string   `json:"description"`
	ClientToken         string   `json:"client_token"`
	Warnings            []string `json:"warnings"`
}

// PreviewJSON is the preview as the library's JSON document.
func (p *Plan) PreviewJSON() ([]byte, error) {
	return p.ownedText(func(b *C.mpadjust_buf, ptr *C.mpadjust_plan) C.mpadjust_status {
		return C.mpadjust_plan_preview_json(b, ptr)
	})
}

// Preview is PreviewJSON decoded.
func (p *Plan) Preview() (*Preview, error) {
	b, err := p.PreviewJSON()
	if err != nil {
		return nil, err
	}
	pv := &Preview{}
	if err := decodeJSON(b, pv); err != nil {
		return nil, err
	}
	return pv, nil
}

// emptyText is a C "" for empty inputs (never freed).
var emptyText = C.CString("")

// bytesPtr is the address of b's first byte for the duration of a call (a C "" when empty).
func bytesPtr(b []byte) *C.char {
	if len(b) == 0 {
		return emptyText
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}
