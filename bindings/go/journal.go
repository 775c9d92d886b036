package mpadjust

/*
#include <stdlib.h>
#include <mpadjust.h>
*/
import "C"

// JournalEntry is one entry of the journal, folded to its latest state.
type JournalEntry struct {
	State                      string `json:"state"` // planned, in_doubt, confirmed, failed
	DisplayStatus              string `json:"displayStatus"`
	PlanKey                    string `json:"planKey"`
	EntryKey                   string `json:"entryKey"`
	ClientToken                string `json:"clientToken"`
	AgreementID                string `json:"agreementId"`
	InvoiceID                  string `json:"invoiceId"`
	Amount                     string `json:"amount"`
	Currency                   string `json:"currency"`
	ReasonCode                 string `json:"reasonCode"`
	Description                string `json:"description"`
	SupportCaseID              string `json:"supportCaseId"`
	BuyerReference             string `json:"buyerReference"`
	Notes                      string `json:"notes"`
	RequestID                  string `json:"requestId"`
	BillingAdjustmentRequestID string `json:"billingAdjustmentRequestId"`
	Status                     string `json:"status"`
	StatusMessage              string `json:"statusMessage"`
	ErrorCode                  string `json:"errorCode"`
	ErrorMessage               string `json:"errorMessage"`
	Created                    string `json:"created"` // ISO 8601
	Updated                    string `json:"updated"`
	Attempts                   int    `json:"attempts"`
}

// JournalListing is the journal's entries and the warnings reading it produced (e.g. a torn
// last line).
type JournalListing struct {
	Entries  []JournalEntry `json:"entries"`
	Warnings []string       `json:"warnings"`
}

// JournalEntries reads the journal at path ("" = the default journal) without locking it.
// Errors: ErrNotFound (no journal file), ErrIO, ErrParse (damaged, naming the line).
func JournalEntries(path string) (*JournalListing, error) {
	if err := checkInit(); err != nil {
		return nil, err
	}
	var strs cstrings
	defer strs.free()
	jp := strs.opt(path)
	var buf C.mpadjust_buf
	defer C.mpadjust_buf_dispose(&buf)
	if err := call(func() C.mpadjust_status { return C.mpadjust_journal_list_json(&buf, jp) }); err != nil {
		return nil, err
	}
	out := &JournalListing{}
	if err := decodeJSON(bufBytes(&buf), out); err != nil {
		return nil, err
	}
	return out, nil
}

// JournalCSV is the journal as RFC 4180 CSV for reconciliation (header created,updated,
// agreement_id,invoice_id,amount,currency,reason_code,description,support_case_id,
// buyer_reference,notes,billing_adjustment_request_id,status,message,client_token,plan_key,
// entry_key; cells starting with = + - @ get a leading apostrophe).
// Errors: as JournalEntries.
func JournalCSV(path string) (string, error) {
	if err := checkInit(); err != nil {
		return "", err
	}
	var strs cstrings
	defer strs.free()
	jp := strs.opt(path)
	var buf C.mpadjust_buf
	defer C.mpadjust_buf_dispose(&buf)
	if err := call(func() C.mpadjust_status { return C.mpadjust_journal_export_csv(&buf, jp) }); err != nil {
		return "", err
	}
	return bufString(&buf), nil
}
