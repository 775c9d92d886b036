package mpadjust

/*
#include <stdlib.h>
#include <mpadjust.h>
*/
import "C"

import "context"

// CancellationRequest is an agreement cancellation request. Cancellation ENDS an agreement
// (after the buyer approves); it is never part of a refund.
type CancellationRequest struct {
	AgreementCancellationRequestID string     `json:"agreementCancellationRequestId"` // "acr-..."
	AgreementID                    string     `json:"agreementId"`
	Status                         string     `json:"status"` // PENDING_APPROVAL, APPROVED, ...
	StatusMessage                  string     `json:"statusMessage"`
	ReasonCode                     string     `json:"reasonCode"`
	Description                    string     `json:"description"`
	AgreementType                  string     `json:"agreementType"` // in list items
	Catalog                        string     `json:"catalog"`       // in list items
	CreatedAt                      *Timestamp `json:"createdAt"`
	UpdatedAt                      *Timestamp `json:"updatedAt"`
}

// SendCancellationRequest asks the buyer to approve ending an agreement
// (SendAgreementCancellationRequest). description "" = none; clientToken "" = generated.
// Errors: ErrInvalid (checked before sending), ErrService (e.g. ConflictException when one is
// already pending), ErrTransport, ErrTimeout, ErrCancelled.
func (c *Client) SendCancellationRequest(ctx context.Context, agreementID, reasonCode, description, clientToken string) (*CancellationRequest, error) {
	var strs cstrings
	defer strs.free()
	id, rc, d, tok := strs.add(agreementID), strs.add(reasonCode), strs.opt(description), strs.opt(clientToken)
	out := &CancellationRequest{}
	if err := c.doJSON(ctx, out, func(b *C.mpadjust_buf, p *C.mpadjust_client) C.mpadjust_status {
		return C.mpadjust_cancellation_send(b, p, id, rc, d, tok)
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// GetCancellationRequest reads one cancellation request (GetAgreementCancellationRequest).
func (c *Client) GetCancellationRequest(ctx context.Context, agreementID, requestID string) (*CancellationRequest, error) {
	var strs cstrings
	defer strs.free()
	id, rid := strs.add(agreementID), strs.add(requestID)
	out := &CancellationRequest{}
	if err := c.doJSON(ctx, out, func(b *C.mpadjust_buf, p *C.mpadjust_client) C.mpadjust_status {
		return C.mpadjust_cancellation_get(b, p, id, rid)
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// ListCancellationRequests lists the seller's cancellation requests, every page
// (agreementID "" = all agreements, status "" = any).
func (c *Client) ListCancellationRequests(ctx context.Context, agreementID, status string) ([]CancellationRequest, error) {
	var strs cstrings
	defer strs.free()
	id, st := strs.opt(agreementID), strs.opt(status)
	var out struct {
		Items []CancellationRequest `json:"items"`
	}
	if err := c.doJSON(ctx, &out, func(b *C.mpadjust_buf, p *C.mpadjust_client) C.mpadjust_status {
		return C.mpadjust_cancellation_list(b, p, id, st)
	}); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// WithdrawCancellationRequest withdraws a pending request (CancelAgreementCancellationRequest);
// reason is required.
func (c *Client) WithdrawCancellationRequest(ctx context.Context, agreementID, requestID, reason string) (*CancellationRequest, error) {
	var strs cstrings
	defer strs.free()
	id, rid, rs := strs.add(agreementID), strs.add(requestID), strs.add(reason)
	out := &CancellationRequest{}
	if err := c.doJSON(ctx, out, func(b *C.mpadjust_buf, p *C.mpadjust_client) C.mpadjust_status {
		return C.mpadjust_cancellation_withdraw(b, p, id, rid, rs)
	}); err != nil {
		return nil, err
	}
	return out, nil
}
