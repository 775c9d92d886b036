package mpadjust

/*
#include <stdlib.h>
#include <mpadjust.h>

// Adapters with the library's exact callback signatures around the //export trampolines of
// callbacks.go (whose generated prototypes drop const).
extern void mpadjustGoLog(int32_t level, char *line, void *userdata);
extern int mpadjustGoTransport(mpadjust_http_response *response, mpadjust_http_request *request, void *userdata);

static void mpadjust_go_log(int32_t level, const char *line, void *userdata) {
	mpadjustGoLog(level, (char *)line, userdata);
}
static int mpadjust_go_transport(mpadjust_http_response *response, const mpadjust_http_request *request,
                                 void *userdata) {
	return mpadjustGoTransport(response, (mpadjust_http_request *)request, userdata);
}
static mpadjust_log_fn mpadjust_go_log_fn(void) { return mpadjust_go_log; }
static mpadjust_transport_fn mpadjust_go_transport_fn(void) { return mpadjust_go_transport; }
// A cgo.Handle travels through C as an opaque userdata pointer (never dereferenced).
static void *mpadjust_go_userdata(uintptr_t handle) { return (void *)handle; }
*/
import "C"

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"runtime/cgo"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// LogLevel is the level of a log line (mpadjust_log_level).
type LogLevel int32

const (
	LogError LogLevel = C.MPADJUST_LOG_ERROR
	LogWarn  LogLevel = C.MPADJUST_LOG_WARN
	LogInfo  LogLevel = C.MPADJUST_LOG_INFO
	LogDebug LogLevel = C.MPADJUST_LOG_DEBUG
)

func (l LogLevel) String() string {
	switch l {
	case LogError:
		return "ERROR"
	case LogWarn:
		return "WARN"
	case LogInfo:
		return "INFO"
	case LogDebug:
		return "DEBUG"
	}
	return "LogLevel(" + strconv.Itoa(int(l)) + ")"
}

// ClientOptions configure a Client; the zero value means the defaults (region, endpoint,
// credentials from the environment and the shared AWS files, the built-in libcurl transport).
type ClientOptions struct {
	Region      string       // "" = AWS_REGION / AWS_DEFAULT_REGION / the profile's / "us-east-1"
	Credentials *Credentials // nil = the default chain (of Profile); the client keeps its own reference
	Endpoint    string       // "" = AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT / AWS_ENDPOINT_URL / the region's
	Profile     string       // "" = AWS_PROFILE / "default"
	CABundle    string       // "" = AWS_CA_BUNDLE / the system store

	ConnectTimeout time.Duration // 0 = 10 s
	Timeout        time.Duration // per attempt; 0 = 60 s
	MaxAttempts    int           // including the first; 0 = AWS_MAX_ATTEMPTS / profile / 3

	// Log receives every line at or above LogLevel. Lines never contain secrets. It is called
	// on the goroutine making the call (or a library worker thread during a concurrent
	// submit) and must not call into the same Client. A panic in it is recovered.
	Log      func(level LogLevel, line string)
	LogLevel LogLevel

	// Transport, when set, sends the library's requests with Go's HTTP stack instead of
	// libcurl (e.g. http.DefaultTransport, or one with a proxy or custom TLS). Requests carry
	// the context of the call. A dial failure counts as "not sent", a timeout as a timeout,
	// any other failure as "may have been applied" (the refund is then in doubt and re-sent
	// with the same client token). It must be safe for concurrent use when submitting with
	// Concurrency > 1.
	Transport http.RoundTripper

	// AllowInsecureHTTP permits plain http:// to hosts other than loopback.
	AllowInsecureHTTP bool
}

// Client is a client of the AWS Marketplace Agreement Service. Its methods serialise on an
// internal lock, so a Client may be shared, but calls run one at a time; use one Client per
// goroutine for parallel work. Every network method takes a context: cancelling it aborts the
// call (mpadjust_client_cancel) with an error matching both ErrCancelled and ctx.Err().
type Client struct {
	mu      sync.Mutex
	ptr     *C.mpadjust_client
	cleanup runtime.Cleanup
	cbs     *callbackState // log and transport callbacks, or nil
	handle  cgo.Handle     // of cbs (0 when nil)
	// staleCancel: a cancel may have reached the library after the call it aimed at had
	// finished; the library then aborts the next call before sending anything.
	staleCancel bool
}

type clientResources struct {
	ptr    *C.mpadjust_client
	handle cgo.Handle
}

func freeClientResources(r clientResources) {
	C.mpadjust_client_free(r.ptr)
	if r.handle != 0 {
		r.handle.Delete()
	}
}

// NewClient makes a client. Nothing is sent until the first operation.
// Errors: ErrInvalid (bad option, region or endpoint; the message names it).
func NewClient(opts ClientOptions) (*Client, error) {
	if err := checkInit(); err != nil {
		return nil, err
	}
	if opts.Credentials != nil && opts.Credentials.raw() == nil {
		return nil, errClosed("ClientOptions.Credentials") // not silently the default chain
	}
	var o C.mpadjust_client_options
	if err := call(func() C.mpadjust_status {
		return C.mpadjust_client_options_init(&o, C.size_t(unsafe.Sizeof(o)))
	}); err != nil {
		return nil, err
	}
	cstr := func(s string) *C.char {
		if s == "" {
			return nil
		}
		p := C.CString(s)
		return p
	}
	var region *C.char
	for _, p := range []struct {
		dst **C.char
		s   string
	}{{&region, opts.Region}, {&o.endpoint, opts.Endpoint}, {&o.profile, opts.Profile}, {&o.ca_bundle, opts.CABundle}} {
		*p.dst = cstr(p.s)
		if *p.dst != nil {
			defer C.free(unsafe.Pointer(*p.dst))
		}
	}
	ms := func(d time.Duration, field string) (C.uint32_t, error) {
		if d < 0 || d.Milliseconds() > 0xFFFFFFFF {
			return 0, &Error{Status: StatusInvalid, Message: field + ": out of range"}
		}
		if d > 0 && d < time.Millisecond {
			d = time.Millisecond
		}
		return C.uint32_t(d.Milliseconds()), nil
	}
	var err error
	if o.connect_timeout_ms, err = ms(opts.ConnectTimeout, "ConnectTimeout"); err != nil {
		return nil, err
	}
	if o.timeout_ms, err = ms(opts.Timeout, "Timeout"); err != nil {
		return nil, err
	}
	if opts.MaxAttempts < 0 || opts.MaxAttempts > 1<<30 {
		return nil, &Error{Status: StatusInvalid, Message: "MaxAttempts: out of range"}
	}
	o.max_attempts = C.int32_t(opts.MaxAttempts)
	o.allow_insecure_http = C.int32_t(cBool(opts.AllowInsecureHTTP))

	c := &Client{}
	if opts.Log != nil || opts.Transport != nil {
		c.cbs = &callbackState{log: opts.Log, transport: opts.Transport}
		c.handle = cgo.NewHandle(c.cbs)
		ud := C.mpadjust_go_userdata(C.uintptr_t(c.handle))
		if opts.Log != nil {
			o.log = C.mpadjust_go_log_fn()
			o.log_userdata = ud
			o.log_level = C.int32_t(opts.LogLevel)
		}
		if opts.Transport != nil {
			o.transport = C.mpadjust_go_transport_fn()
			o.transport_userdata = ud
		}
	}
	var out *C.mpadjust_client
	err = call(func() C.mpadjust_status { return C.mpadjust_client_new(&out, region, opts.Credentials.raw(), &o) })
	runtime.KeepAlive(opts.Credentials)
	if err != nil {
		if c.handle != 0 {
			c.handle.Delete()
		}
		return nil, err
	}
	c.ptr = out
	c.cleanup = runtime.AddCleanup(c, freeClientResources, clientResources{ptr: out, handle: c.handle})
	return c, nil
}

// Close releases the client. Idempotent; waits for a call in progress on another goroutine.
func (c *Client) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil
	}
	r := clientResources{ptr: c.ptr, handle: c.handle}
	c.ptr, c.handle = nil, 0
	c.cleanup.Stop()
	freeClientResources(r)
	return nil
}

// Endpoint is the URL the client sends to.
func (c *Client) Endpoint() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return ""
	}
	return C.GoString(C.mpadjust_client_endpoint(c.ptr))
}

// do runs one network call of the library on the client under ctx: the client's lock is held,
// the call runs on a locked OS thread, and a goroutine cancels it (mpadjust_client_cancel)
// when ctx is done. cbs, when non-nil, is a per-call callback state (progress) whose failure
// is attached to the error.
func (c *Client) do(ctx context.Context, cbs *callbackState, fn func(p *C.mpadjust_client) C.mpadjust_status) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if c == nil {
		return errClosed("client")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return errClosed("client")
	}
	if err := ctx.Err(); err != nil {
		return errors.Join(&Error{Status: StatusCancelled, Message: "context done before the call"}, err)
	}
	p := c.ptr
	if c.cbs != nil {
		c.cbs.setContext(ctx)
		defer c.cbs.setContext(nil)
	}
	for attempt := 0; ; attempt++ {
		var fired atomic.Bool
		cancelled := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			defer close(cancelled)
			fired.Store(true)
			C.mpadjust_client_cancel(p)
		})
		err := call(func() C.mpadjust_status { return fn(p) })
		if !stop() && ctx.Err() != nil {
			<-cancelled // never leave a cancel running past this call (or Close)
		}
		if err == nil {
			if fired.Load() {
				c.staleCancel = true
			}
			return c.withCallbackCause(err, cbs)
		}
		if errors.Is(err, ErrCancelled) {
			if fired.Load() {
				return errors.Join(err, ctx.Err())
			}
			if c.staleCancel && attempt == 0 {
				// A cancel meant for an earlier call, consumed now before anything was sent.
				c.staleCancel = false
				continue
			}
		} else if fired.Load() {
			c.staleCancel = true
		}
		return c.withCallbackCause(err, cbs)
	}
}

// withCallbackCause attaches what a Go callback reported during the call to err.
func (c *Client) withCallbackCause(err error, extra *callbackState) error {
	var cause error
	if extra != nil {
		cause = extra.takeCause()
	}
	if c.cbs != nil {
		if cc := c.cbs.takeCause(); cause == nil {
			cause = cc
		}
	}
	if err == nil {
		return nil // e.g. a recovered log panic: the call itself succeeded
	}
	return withCause(err, cause)
}
