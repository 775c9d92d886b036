package mpadjust

/*
#include <stdlib.h>
#include <mpadjust.h>
*/
import "C"

import "unsafe"

// RefundFormInput is the data of the seller portal's "Request Refund" support form (the
// traditional route). Nothing is sent: the library validates and formats it.
type RefundFormInput struct {
	BuyerAccountID         string // 12 digits
	BuyerEmail             string
	SellerAccountID        string // 12 digits
	ProductID              string // prod-...
	OfferID                string // offer-...
	BillingPeriod          string // YYYY-MM
	InvoiceID              string
	Amount                 string // pre-tax decimal
	Currency               string
	Full                   bool
	SubscriptionCancelled  bool
	AnnualSubscriptionDate string // YYYY-MM-DD, annual subscriptions only
	Reason                 string
}

// RefundFormField is one labelled field of the form.
type RefundFormField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// RefundForm is the filled form as data.
type RefundForm struct {
	Fields             []RefundFormField `json:"fields"`
	AdditionalComments string            `json:"additionalComments"`
}

func refundFormCall(in RefundFormInput, fn func(*C.mpadjust_buf, *C.mpadjust_refund_form_input) C.mpadjust_status) ([]byte, error) {
	if err := checkInit(); err != nil {
		return nil, err
	}
	var ci C.mpadjust_refund_form_input
	if err := call(func() C.mpadjust_status {
		return C.mpadjust_refund_form_input_init(&ci, C.size_t(unsafe.Sizeof(ci)))
	}); err != nil {
		return nil, err
	}
	var strs cstrings
	defer strs.free()
	ci.buyer_account_id = strs.opt(in.BuyerAccountID)
	ci.buyer_email = strs.opt(in.BuyerEmail)
	ci.seller_account_id = strs.opt(in.SellerAccountID)
	ci.product_id = strs.opt(in.ProductID)
	ci.offer_id = strs.opt(in.OfferID)
	ci.billing_period = strs.opt(in.BillingPeriod)
	ci.invoice_id = strs.opt(in.InvoiceID)
	ci.amount = strs.opt(in.Amount)
	ci.currency = strs.opt(in.Currency)
	ci.full = C.int32_t(cBool(in.Full))
	ci.subscription_cancelled = C.int32_t(cBool(in.SubscriptionCancelled))
	ci.annual_subscription_date = strs.opt(in.AnnualSubscriptionDate)
	ci.reason = strs.opt(in.Reason)
	var buf C.mpadjust_buf
	defer C.mpadjust_buf_dispose(&buf)
	if err := call(func() C.mpadjust_status { return fn(&buf, &ci) }); err != nil {
		return nil, err
	}
	return bufBytes(&buf), nil
}

// RefundFormText is the filled form as text: one "Label: value" line per field, then
// "Additional comments:" and the free text. Errors: ErrInvalid (every invalid field listed in
// the message, one per line).
func RefundFormText(in RefundFormInput) (string, error) {
	b, err := refundFormCall(in, func(b *C.mpadjust_buf, i *C.mpadjust_refund_form_input) C.mpadjust_status {
		return C.mpadjust_refund_form_text(b, i)
	})
	return string(b), err
}

// RefundFormFields is the filled form as data. Errors: as RefundFormText.
func RefundFormFields(in RefundFormInput) (*RefundForm, error) {
	b, err := refundFormCall(in, func(b *C.mpadjust_buf, i *C.mpadjust_refund_form_input) C.mpadjust_status {
		return C.mpadjust_refund_form_json(b, i)
	})
	if err != nil {
		return nil, err
	}
	f := &RefundForm{}
	if err := decodeJSON(b, f); err != nil {
		return nil, err
	}
	return f, nil
}
