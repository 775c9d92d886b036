package mpadjust

/*
#include <mpadjust.h>
*/
import "C"

import (
	"errors"
	"fmt"
)

// Status is a C status code (mpadjust_status): 0 for success, negative for an error. The
// numbers are fixed forever by the C ABI.
type Status int32

// The statuses of mpadjust.h.
const (
	StatusOK          Status = C.MPADJUST_OK
	StatusInvalid     Status = C.MPADJUST_EINVALID
	StatusNoMemory    Status = C.MPADJUST_ENOMEM
	StatusBufferSmall Status = C.MPADJUST_EBUFS
	StatusCredentials Status = C.MPADJUST_ECREDENTIALS
	StatusTransport   Status = C.MPADJUST_ETRANSPORT
	StatusTimeout     Status = C.MPADJUST_ETIMEOUT
	StatusService     Status = C.MPADJUST_ESERVICE
	StatusParse       Status = C.MPADJUST_EPARSE
	StatusCallback    Status = C.MPADJUST_ECALLBACK
	StatusInternal    Status = C.MPADJUST_EINTERNAL
	StatusCancelled   Status = C.MPADJUST_ECANCELLED
	StatusNotFound    Status = C.MPADJUST_ENOTFOUND
	StatusAmbiguous   Status = C.MPADJUST_EAMBIGUOUS
	StatusConflict    Status = C.MPADJUST_ECONFLICT
	StatusIO          Status = C.MPADJUST_EIO
)

// String is the library's short static description of the status ("invalid argument", ...).
func (s Status) String() string {
	return C.GoString(C.mpadjust_status_str(C.mpadjust_status(s)))
}

// Error is a failed call into libmpadjust: its status and this thread's message, read right
// after the call. Match it with errors.Is against the Err* sentinels (which compare only the
// status) or get it with errors.As; never branch on Message.
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("mpadjust: %s (%d)", e.Status, int32(e.Status))
	}
	return fmt.Sprintf("mpadjust: %s (%d): %s", e.Status, int32(e.Status), e.Message)
}

// Is reports whether target is a sentinel (an *Error without a message) of the same status,
// so errors.Is(err, mpadjust.ErrService) holds for every service failure.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t == nil {
		return false
	}
	return t.Message == "" && t.Status == e.Status
}

// Sentinels for errors.Is, one per status.
var (
	ErrInvalid     = &Error{Status: StatusInvalid}
	ErrNoMemory    = &Error{Status: StatusNoMemory}
	ErrBufferSmall = &Error{Status: StatusBufferSmall}
	ErrCredentials = &Error{Status: StatusCredentials}
	ErrTransport   = &Error{Status: StatusTransport}
	ErrTimeout     = &Error{Status: StatusTimeout}
	ErrService     = &Error{Status: StatusService}
	ErrParse       = &Error{Status: StatusParse}
	ErrCallback    = &Error{Status: StatusCallback}
	ErrInternal    = &Error{Status: StatusInternal}
	ErrCancelled   = &Error{Status: StatusCancelled}
	ErrNotFound    = &Error{Status: StatusNotFound}
	ErrAmbiguous   = &Error{Status: StatusAmbiguous}
	ErrConflict    = &Error{Status: StatusConflict}
	ErrIO          = &Error{Status: StatusIO}
)

// errClosed is returned by methods of a handle after Close.
func errClosed(what string) error {
	return &Error{Status: StatusInvalid, Message: what + " is closed"}
}

// newError builds the error for a failed status. It must run on the OS thread that made the
// failing call, before any other mpadjust call on that thread (the message is thread-local
// and cleared by the next fallible call).
func newError(st C.mpadjust_status) error {
	e := &Error{Status: Status(st), Message: C.GoString(C.mpadjust_last_error_message())}
	if e.Status == StatusService {
		if se := lastServiceError(e); se != nil {
			return se
		}
	}
	return e
}

// CallbackError is the error of a call aborted by a Go callback (a transport, log or progress
// function) that returned an error or panicked. It matches ErrCallback (the library's status)
// and, through errors.Is/As, the callback's own error.
type CallbackError struct {
	Err   *Error // status StatusCallback (or another, when the library reported one)
	Cause error  // what the callback returned, or a *PanicError
}

func (e *CallbackError) Error() string { return e.Err.Error() + ": " + e.Cause.Error() }

// Unwrap gives both the library's error and the callback's.
func (e *CallbackError) Unwrap() []error { return []error{e.Err, e.Cause} }

// PanicError carries the value of a panic recovered in a callback that C called.
type PanicError struct{ Value any }

func (e *PanicError) Error() string { return fmt.Sprintf("callback panicked: %v", e.Value) }

// withCause attaches a callback's failure to the library's error.
func withCause(err error, cause error) error {
	if err == nil || cause == nil {
		return err
	}
	var me *Error
	if !errors.As(err, &me) {
		return err
	}
	return &CallbackError{Err: me, Cause: cause}
}

func asError(err error, target **Error) bool { return errors.As(err, target) }
