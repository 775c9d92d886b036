package mpadjust

/*
#include <stdlib.h>
#include <mpadjust.h>

extern int mpadjustGoProgress(size_t done, size_t total, size_t failed, void *userdata);
static int mpadjust_go_progress_cb(size_t done, size_t total, size_t failed, void *userdata) {
	return mpadjustGoProgress(done, total, failed, userdata);
}
static mpadjust_progress_fn mpadjust_go_progress_fn(void) { return mpadjust_go_progress_cb; }
static void *mpadjust_go_progress_userdata(uintptr_t handle) { return (void *)handle; }
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// Outcome is what happened to one entry of a submission.
type Outcome int32

const (
	OutcomeCreated     Outcome = C.MPADJUST_OUTCOME_CREATED      // created: BillingAdjustmentRequestID set
	OutcomeAlreadyDone Outcome = C.MPADJUST_OUTCOME_ALREADY_DONE // the journal had it confirmed: not sent again
	OutcomeRejected    Outcome = C.MPADJUST_OUTCOME_REJECTED     // the service rejected it (ErrorCode, ErrorMessage)
	OutcomeInDoubt     Outcome = C.MPADJUST_OUTCOME_IN_DOUBT     // may have been applied: submit again (same tokens)
	OutcomeNotSent     Outcome = C.MPADJUST_OUTCOME_NOT_SENT     // not sent (stopped, or failed before sending)
)

var outcomeNames = map[Outcome]string{OutcomeCreated: "created", OutcomeAlreadyDone: "already_done",
	OutcomeRejected: "rejected", OutcomeInDoubt: "in_doubt", OutcomeNotSent: "not_sent"}

func (o Outcome) String() string {
	if s, ok := outcomeNames[o]; ok {
		return s
	}
	return fmt.Sprintf("Outcome(%d)", int32(o))
}

// UnmarshalJSON decodes the library's outcome names ("created", ...).
func (o *Outcome) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for k, v := range outcomeNames {
		if v == s {
			*o = k
			return nil
		}
	}
	return fmt.Errorf("mpadjust: unknown outcome %q", s)
}

// EntryResult is the result of one plan entry.
type EntryResult struct {
	AgreementID                string  `json:"agreementId"`
	InvoiceID                  string  `json:"invoiceId"`
	Amount                     string  `json:"amount"`
	Currency                   string  `json:"currency"`
	ClientToken                string  `json:"clientToken"`
	Outcome                    Outcome `json:"outcome"`
	BillingAdjustmentRequestID string  `json:"billingAdjustmentRequestId"` // "ba-..."
	RequestID                  string  `json:"requestId"`
	Status                     string  `json:"status"` // PENDING, COMPLETED, VALIDATION_FAILED once known
	StatusMessage              string  `json:"statusMessage"`
	ErrorCode                  string  `json:"errorCode"`
	ErrorMessage               string  `json:"errorMessage"`
}

// Results are the results of a submission, one per plan entry in plan order. Methods are
// safe for concurrent use (they serialise).
type Results struct {
	mu      sync.Mutex
	ptr     *C.mpadjust_results
	cleanup runtime.Cleanup
}

func newResults(p *C.mpadjust_results) *Results {
	r := &Results{ptr: p}
	r.cleanup = runtime.AddCleanup(r, func(p *C.mpadjust_results) { C.mpadjust_results_free(p) }, p)
	return r
}

// SubmitOptions are Submit's optional knobs; the zero value means the defaults.
type SubmitOptions struct {
	Concurrency uint32 // parallel calls; 0 or 1 = sequential, at most 16
	// Progress is told after each handled entry; a non-nil error stops the submission
	// (entries not yet sent stay not sent) and Submit returns an error matching both
	// ErrCallback and that error. Called from one goroutine at a time; must not call into
	// the same Client. A panic in it is recovered and stops the submission the same way.
	Progress      func(done, total, failed int) error
	RetryRejected bool // re-send entries the journal shows as rejected
}

func cPath(strs *cstrings, path string) *C.char { return strs.opt(path) }

// Submit sends a resolved plan (BatchCreateBillingAdjustmentRequest, at most 5 entries of one
// agreement per call), journaling an fsync'd intent before each call and its outcome after it
// in journalPath ("" = the default per-user journal). Entries the journal shows as confirmed
// are not sent again; in-doubt ones are re-sent with the same client token. A refund cannot be
// undone: preview first. It returns results also when some entries were rejected or are in
// doubt: inspect Entries.
// Errors: ErrInvalid (unresolved plan, or the re-check found an invoice's maximum below the
// plan: nothing sent), ErrConflict (the journal is in use), ErrIO / ErrParse (journal),
// ErrCallback (Progress stopped it), ErrCancelled (ctx).
func (p *Plan) Submit(ctx context.Context, client *Client, journalPath string, opts SubmitOptions) (*Results, error) {
	var out *C.mpadjust_results
	err := p.with(func(ptr *C.mpadjust_plan) error {
		var co C.mpadjust_submit_options
		if err := call(func() C.mpadjust_status {
			return C.mpadjust_submit_options_init(&co, C.size_t(unsafe.Sizeof(co)))
		}); err != nil {
			return err
		}
		co.concurrency = C.uint32_t(opts.Concurrency)
		co.retry_rejected = C.int32_t(cBool(opts.RetryRejected))
		var st *callbackState
		if opts.Progress != nil {
			st = &callbackState{progress: opts.Progress}
			h := cgo.NewHandle(st)
			defer h.Delete()
			co.progress = C.mpadjust_go_progress_fn()
			co.progress_userdata = C.mpadjust_go_progress_userdata(C.uintptr_t(h))
		}
		var strs cstrings
		defer strs.free()
		jp := cPath(&strs, journalPath)
		return client.do(ctx, st, func(cp *C.mpadjust_client) C.mpadjust_status {
			return C.mpadjust_plan_submit(&out, ptr, cp, jp, &co)
		})
	})
	if err != nil {
		return nil, err
	}
	return newResults(out), nil
}

// ResultsFromJournal rebuilds the results of a resolved plan from the journal (e.g. after a
// restart) without sending anything. Errors: ErrNotFound (no journal), ErrInvalid, ErrIO,
// ErrParse.
func ResultsFromJournal(p *Plan, journalPath string) (*Results, error) {
	var out *C.mpadjust_results
	err := p.with(func(ptr *C.mpadjust_plan) error {
		var strs cstrings
		defer strs.free()
		jp := cPath(&strs, journalPath)
		return call(func() C.mpadjust_status { return C.mpadjust_results_from_journal(&out, ptr, jp) })
	})
	if err != nil {
		return nil, err
	}
	return newResults(out), nil
}

// Close releases the results. Idempotent.
func (r *Results) Close() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr == nil {
		return nil
	}
	p := r.ptr
	r.ptr = nil
	r.cleanup.Stop()
	C.mpadjust_results_free(p)
	return nil
}

// Wait polls (GetBillingAdjustmentRequest) every created entry until it is COMPLETED or
// VALIDATION_FAILED, journaling every new status in journalPath ("" = the default journal).
// timeout 0 = one look at each entry. On ErrTimeout (some still PENDING) and ErrCancelled the
// results hold the statuses seen so far.
// Errors: ErrTimeout, ErrCancelled, ErrConflict (journal in use), ErrService, ErrTransport.
func (r *Results) Wait(ctx context.Context, client *Client, journalPath string, timeout time.Duration) error {
	if timeout < 0 || timeout.Milliseconds() > 0xFFFFFFFF {
		return &Error{Status: StatusInvalid, Message: "timeout: out of range"}
	}
	if timeout > 0 && timeout < time.Millisecond {
		timeout = time.Millisecond
	}
	if r == nil {
		return errClosed("results")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr == nil {
		return errClosed("results")
	}
	var strs cstrings
	defer strs.free()
	jp := cPath(&strs, journalPath)
	return client.do(ctx, nil, func(cp *C.mpadjust_client) C.mpadjust_status {
		return C.mpadjust_results_wait(r.ptr, cp, jp, C.uint32_t(timeout.Milliseconds()))
	})
}

// Count is the number of results (= plan entries).
func (r *Results) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return int(C.mpadjust_results_count(r.ptr))
}

// Entries copies every result out with the library's typed getters (nil after Close).
func (r *Results) Entries() []EntryResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr == nil {
		return nil
	}
	n := int(C.mpadjust_results_count(r.ptr))
	out := make([]EntryResult, n)
	for i := range out {
		ci := C.size_t(i)
		out[i] = EntryResult{
			AgreementID:                C.GoString(C.mpadjust_results_agreement_id(r.ptr, ci)),
			InvoiceID:                  C.GoString(C.mpadjust_results_invoice_id(r.ptr, ci)),
			Amount:                     C.GoString(C.mpadjust_results_amount(r.ptr, ci)),
			Currency:                   C.GoString(C.mpadjust_results_currency(r.ptr, ci)),
			ClientToken:                C.GoString(C.mpadjust_results_client_token(r.ptr, ci)),
			Outcome:                    Outcome(C.mpadjust_results_outcome(r.ptr, ci)),
			BillingAdjustmentRequestID: C.GoString(C.mpadjust_results_billing_adjustment_request_id(r.ptr, ci)),
			Status:                     C.GoString(C.mpadjust_results_status(r.ptr, ci)),
			StatusMessage:              C.GoString(C.mpadjust_results_status_message(r.ptr, ci)),
			ErrorCode:                  C.GoString(C.mpadjust_results_error_code(r.ptr, ci)),
			ErrorMessage:               C.GoString(C.mpadjust_results_error_message(r.ptr, ci)),
		}
	}
	return out
}

// JSON is every result as the library's JSON document {"results":[...]} (includes RequestID).
func (r *Results) JSON() ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr == nil {
		return nil, errClosed("results")
	}
	var buf C.mpadjust_buf
	defer C.mpadjust_buf_dispose(&buf)
	if err := call(func() C.mpadjust_status { return C.mpadjust_results_json(&buf, r.ptr) }); err != nil {
		return nil, err
	}
	return bufBytes(&buf), nil
}

// EntriesFromJSON is JSON decoded: the same results as Entries, plus each RequestID.
func (r *Results) EntriesFromJSON() ([]EntryResult, error) {
	b, err := r.JSON()
	if err != nil {
		return nil, err
	}
	var doc struct {
		Results []EntryResult `json:"results"`
	}
	if err := decodeJSON(b, &doc); err != nil {
		return nil, err
	}
	return doc.Results, nil
}
