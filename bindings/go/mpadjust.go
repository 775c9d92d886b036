// Package mpadjust is the Go binding of libmpadjust, which refunds AWS Marketplace buyers
// (billing adjustments) from code: find the agreement, pick the invoice, check the pre-tax
// amount, submit, track the status and keep a crash-safe record.
//
// The binding uses only the library's stable C ABI (mpadjust.h) through cgo; it finds the
// library with pkg-config (package "mpadjust"). Every fallible call returns an error that
// errors.Is matches against the sentinels (ErrInvalid, ErrService, ...) and errors.As turns
// into an *Error (and a *ServiceError when the service answered with an error). Branch on
// those, never on message text.
//
// Handles (Client, Plan, Results, Credentials, Signer) own C memory: call Close when done.
// A cleanup also frees a handle that becomes unreachable, but only Close frees it at a known
// time. Credentials, Signer and resolved Plans may be shared between goroutines; a Client
// serialises its calls (use one Client per goroutine for parallel work).
//
// Every network call takes a context.Context: when it is done, a goroutine calls
// mpadjust_client_cancel and the call returns an error matching both ErrCancelled and
// ctx.Err(). Go callbacks (ClientOptions.Log and .Transport, SubmitOptions.Progress) reach C
// through runtime/cgo.Handle; a panic or an error in them is recovered and returned as a
// *CallbackError (matching ErrCallback and the callback's own error or *PanicError).
package mpadjust

/*
#cgo pkg-config: mpadjust
#include <mpadjust.h>
#if MPADJUST_VERSION_MAJOR != 1
#error "this binding needs libmpadjust major version 1"
#endif
*/
import "C"

import (
	"fmt"
	"runtime"
)

// The C ABI version this package was compiled against.
const (
	VersionMajor = C.MPADJUST_VERSION_MAJOR
	VersionMinor = C.MPADJUST_VERSION_MINOR
	VersionPatch = C.MPADJUST_VERSION_PATCH
)

var initErr error

func init() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if st := C.mpadjust_global_init(); st != C.MPADJUST_OK {
		// Kept and returned by every constructor: a package's init should not panic.
		initErr = newError(st)
	}
}

// Version is the version of the library actually loaded, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.mpadjust_version_string()) }

// VersionNumber is the loaded library's major*10000 + minor*100 + patch.
func VersionNumber() int { return int(C.mpadjust_version_number()) }

func checkInit() error {
	if initErr != nil {
		return fmt.Errorf("mpadjust: library initialisation failed: %w", initErr)
	}
	return nil
}

// call runs one fallible C call on a locked OS thread and turns a failure into an error,
// reading this thread's last error message (and the service's error, for ErrService) before
// the thread is unlocked.
func call(fn func() C.mpadjust_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	st := fn()
	if st == C.MPADJUST_OK {
		return nil
	}
	return newError(st)
}
