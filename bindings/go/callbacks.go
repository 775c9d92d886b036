package mpadjust

// The //export trampolines C calls back into. This file's preamble may only declare (cgo
// rule for files with //export); the C adapters with the library's exact signatures live in
// client.go.

/*
#include <stdlib.h>
#include <mpadjust.h>
*/
import "C"

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// callbackState is what a cgo.Handle given to C as userdata refers to: the Go callback and the
// first failure it reported during the current call (an error it returned or a panic).
type callbackState struct {
	mu    sync.Mutex
	cause error
	ctx   context.Context // the context of the call in progress (transport only)

	log       func(LogLevel, string)
	transport http.RoundTripper
	progress  func(done, total, failed int) error
}

func (s *callbackState) fail(err error) {
	s.mu.Lock()
	if s.cause == nil {
		s.cause = err
	}
	s.mu.Unlock()
}

// takeCause returns and clears the recorded failure.
func (s *callbackState) takeCause() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cause
	s.cause = nil
	return c
}

func (s *callbackState) setContext(ctx context.Context) {
	s.mu.Lock()
	s.ctx = ctx
	s.mu.Unlock()
}

func (s *callbackState) context() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx == nil {
		return context.Background()
	}
	return s.ctx
}

func stateOf(userdata unsafe.Pointer) *callbackState {
	return cgo.Handle(uintptr(userdata)).Value().(*callbackState)
}

// callbackAbort is what a trampoline returns to C after a Go failure: non-zero and not one of
// the transport's network codes, so the library aborts with MPADJUST_ECALLBACK.
const callbackAbort = 1000

//export mpadjustGoLog
func mpadjustGoLog(level C.int32_t, line *C.char, userdata unsafe.Pointer) {
	st := stateOf(userdata)
	defer func() {
		if r := recover(); r != nil {
			st.fail(&PanicError{Value: r})
		}
	}()
	st.log(LogLevel(level), C.GoString(line))
}

//export mpadjustGoProgress
func mpadjustGoProgress(done, total, failed C.size_t, userdata unsafe.Pointer) (ret C.int) {
	st := stateOf(userdata)
	defer func() {
		if r := recover(); r != nil {
			st.fail(&PanicError{Value: r})
			ret = callbackAbort
		}
	}()
	if err := st.progress(int(done), int(total), int(failed)); err != nil {
		st.fail(err)
		return callbackAbort
	}
	return 0
}

//export mpadjustGoTransport
func mpadjustGoTransport(resp *C.mpadjust_http_response, req *C.mpadjust_http_request, userdata unsafe.Pointer) (ret C.int) {
	st := stateOf(userdata)
	defer func() {
		if r := recover(); r != nil {
			st.fail(&PanicError{Value: r})
			ret = callbackAbort
		}
	}()
	var body []byte
	if req.body_len > 0 {
		body = C.GoBytes(req.body, C.int(req.body_len))
	}
	hreq, err := http.NewRequestWithContext(st.context(), C.GoString(req.method), C.GoString(req.url), bytes.NewReader(body))
	if err != nil {
		st.fail(err)
		return callbackAbort
	}
	hreq.ContentLength = int64(len(body))
	for _, h := range unsafe.Slice(req.headers, int(req.header_count)) {
		name, value := C.GoString(h.name), C.GoString(h.value)
		switch http.CanonicalHeaderKey(name) {
		case "Host":
			hreq.Host = value
		case "Content-Length":
			// net/http writes it from ContentLength.
		default:
			hreq.Header.Add(name, value)
		}
	}
	hresp, err := st.transport.RoundTrip(hreq)
	if err != nil {
		return transportFailure(err)
	}
	defer hresp.Body.Close()
	if call(func() C.mpadjust_status {
		return C.mpadjust_http_response_set_status(resp, C.int32_t(hresp.StatusCode))
	}) != nil {
		st.fail(errors.New("transport: HTTP status out of range"))
		return callbackAbort
	}
	for name, values := range hresp.Header {
		cn := C.CString(name)
		for _, v := range values {
			cv := C.CString(v)
			err := call(func() C.mpadjust_status { return C.mpadjust_http_response_add_header(resp, cn, cv) })
			C.free(unsafe.Pointer(cv))
			if err != nil {
				C.free(unsafe.Pointer(cn))
				st.fail(err)
				return callbackAbort
			}
		}
		C.free(unsafe.Pointer(cn))
	}
	buf := make([]byte, 32*1024)
	for {
		n, rerr := hresp.Body.Read(buf)
		if n > 0 {
			if err := call(func() C.mpadjust_status {
				return C.mpadjust_http_response_append_body(resp, unsafe.Pointer(&buf[0]), C.size_t(n))
			}); err != nil {
				st.fail(err)
				return callbackAbort
			}
		}
		if rerr == io.EOF {
			return 0
		}
		if rerr != nil {
			return transportFailure(rerr) // a response cut short: it may have been applied
		}
	}
}

// transportFailure maps a Go HTTP failure to the library's network codes: a failed dial never
// sent the request; a timeout is a timeout; anything else may have reached the service.
func transportFailure(err error) C.int {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return C.MPADJUST_TRANSPORT_CONNECT_FAILED
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return C.MPADJUST_TRANSPORT_TIMEOUT
	}
	return C.MPADJUST_TRANSPORT_RECEIVE_FAILED
}
