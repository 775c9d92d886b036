package mpadjust

/*
#include <mpadjust.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
)

// FieldError is one invalid field the service named in a ValidationException.
type FieldError struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// ServiceError is an error the service answered with (status StatusService), as the library
// recorded it. errors.As(err, &se) gets it; errors.Is(err, ErrService) matches it, and
// errors.As(err, &e) with e *Error gets the underlying library error.
type ServiceError struct {
	Err          *Error       `json:"-"`
	Operation    string       `json:"operation"`
	HTTPStatus   int          `json:"httpStatus"`
	ErrorType    string       `json:"errorType"` // "ValidationException", "ResourceNotFoundException", ...
	Message      string       `json:"message"`   // the service's message
	RequestID    string       `json:"requestId"`
	Reason       string       `json:"reason"` // e.g. "INVALID_ADJUSTMENT_AMOUNT"
	Fields       []FieldError `json:"fields"`
	ResourceID   string       `json:"resourceId"`
	ResourceType string       `json:"resourceType"`
	QuotaCode    string       `json:"quotaCode"`
	ServiceCode  string       `json:"serviceCode"`
	Throttling   bool         `json:"throttling"`
	Retryable    bool         `json:"retryable"`
	Attempts     int          `json:"attempts"`
}

// Error is the library's message, which already names the operation, the error type, the
// reason and the request ID.
func (e *ServiceError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("mpadjust: service error: %s (%s)", e.ErrorType, e.Message)
	}
	return e.Err.Error()
}

// Unwrap gives the library's *Error (status StatusService).
func (e *ServiceError) Unwrap() error { return e.Err }

// lastServiceError reads this thread's service error, recorded by the failed call that made e
// (run on the same locked thread, right after it). nil when there is none.
func lastServiceError(e *Error) error {
	var buf C.mpadjust_buf
	defer C.mpadjust_buf_dispose(&buf)
	if C.mpadjust_last_service_error_json(&buf) != C.MPADJUST_OK {
		return nil
	}
	se := &ServiceError{}
	if json.Unmarshal(bufBytes(&buf), se) != nil {
		return nil
	}
	se.Err = e
	return se
}
