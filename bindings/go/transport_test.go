package mpadjust

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingTransport sends with net/http and records what it sent.
type recordingTransport struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   []string
	next     http.RoundTripper
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(strings.NewReader(string(b)))
	r.mu.Lock()
	r.requests = append(r.requests, req)
	r.bodies = append(r.bodies, string(b))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func TestCustomTransportAndLog(t *testing.T) {
	s := sim(t)
	rt := &recordingTransport{next: &http.Transport{}}
	var mu sync.Mutex
	var lines []string
	c := newSimClient(t, s, func(o *ClientOptions) {
		o.Transport = rt
		o.LogLevel = LogDebug
		o.Log = func(level LogLevel, line string) {
			mu.Lock()
			lines = append(lines, level.String()+" "+line)
			mu.Unlock()
		}
	})
	ctx := testContext(t)
	look, err := c.FindAgreements(ctx, AgreementQuery{AgreementID: happyAgreement})
	if err != nil {
		t.Fatal(err)
	}
	if len(look.Agreements) != 1 {
		t.Fatalf("%+v", look)
	}
	// The whole refund through the Go transport.
	plan := resolvedPlan(t, c, "go-transport", "12.34")
	journal := t.TempDir() + "/j.jsonl"
	res, err := plan.Submit(ctx, c, journal, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if err := res.Wait(ctx, c, journal, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if e := res.Entries()[0]; e.Status != "COMPLETED" || e.Amount != "12.34" {
		t.Fatalf("%+v", e)
	}

	rt.mu.Lock()
	defer rt.mu.Unlock()
	targets := map[string]bool{}
	for i, req := range rt.requests {
		if req.Method != "POST" || req.URL.String() != s.endpoint+"/" || req.Host == "" {
			t.Fatalf("request %d: %s %s host %q", i, req.Method, req.URL, req.Host)
		}
		if !strings.HasPrefix(req.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="+simAccessKey+"/") ||
			req.Header.Get("X-Amz-Date") == "" || req.ContentLength != int64(len(rt.bodies[i])) {
			t.Fatalf("request %d headers %v", i, req.Header)
		}
		if req.Context() == nil || req.Context().Err() != nil {
			t.Fatalf("request %d context", i)
		}
		targets[strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "AWSMPCommerceService_v20200301.")] = true
	}
	for _, op := range []string{"DescribeAgreement", "ListAgreementInvoiceLineItems",
		"BatchCreateBillingAdjustmentRequest", "GetBillingAdjustmentRequest"} {
		if !targets[op] {
			t.Errorf("no %s request went through the Go transport (saw %v)", op, targets)
		}
	}
	// The simulator saw exactly the requests the transport sent.
	var log struct {
		Count int `json:"count"`
	}
	s.control(t, "GET", "/_sim/requests", nil, &log)
	if log.Count != len(rt.requests) {
		t.Fatalf("simulator saw %d requests, the transport sent %d", log.Count, len(rt.requests))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) == 0 {
		t.Fatal("no log lines")
	}
	var sigs []string
	for _, req := range rt.requests {
		_, sig, _ := strings.Cut(req.Header.Get("Authorization"), "Signature=")
		sigs = append(sigs, sig)
	}
	for _, l := range lines {
		if strings.Contains(l, simSecretKey) {
			t.Fatalf("log line leaks the secret key: %s", l)
		}
		for _, sig := range sigs {
			if len(sig) == 64 && strings.Contains(l, sig) {
				t.Fatalf("log line leaks a signature: %s", l)
			}
		}
	}
}

type panickingTransport struct{}

func (panickingTransport) RoundTrip(*http.Request) (*http.Response, error) { panic("transport bug") }

type errorTransport struct{ err error }

func (e errorTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, e.err }

func TestTransportFailures(t *testing.T) {
	s := sim(t)
	ctx := testContext(t)

	// A panic in the transport aborts the call with ErrCallback and is not retried.
	c := newSimClient(t, s, func(o *ClientOptions) { o.Transport = panickingTransport{} })
	_, err := c.FindAgreements(ctx, AgreementQuery{AgreementID: happyAgreement})
	var pe *PanicError
	if !errors.Is(err, ErrCallback) || !errors.As(err, &pe) || pe.Value != "transport bug" {
		t.Fatalf("panicking transport: %v", err)
	}

	// A dial failure is a transport error (not sent; retried up to MaxAttempts).
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	c2 := newSimClient(t, s, func(o *ClientOptions) {
		o.Transport = errorTransport{dialErr}
		o.MaxAttempts = 2
	})
	_, err = c2.FindAgreements(ctx, AgreementQuery{AgreementID: happyAgreement})
	if !errors.Is(err, ErrTransport) && !errors.Is(err, ErrTimeout) {
		t.Fatalf("dial failure: %v", err)
	}
	if errors.Is(err, ErrCallback) {
		t.Fatalf("a network failure reported as a callback failure: %v", err)
	}

	// A real connection refused with the built-in transport.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cr, _ := NewStaticCredentials(simAccessKey, simSecretKey, "")
	defer cr.Close()
	c3, err := NewClient(ClientOptions{Endpoint: "http://" + addr, Credentials: cr, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if _, err := c3.FindAgreements(ctx, AgreementQuery{AgreementID: happyAgreement}); !errors.Is(err, ErrTransport) {
		t.Fatalf("connection refused: %v", err)
	}
}

// Handles that are never closed are freed by their cleanups; closed ones are not freed twice.
func TestCleanupAndClose(t *testing.T) {
	s := sim(t)
	for i := 0; i < 50; i++ {
		cr, err := NewStaticCredentials(simAccessKey, simSecretKey, "")
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewClient(ClientOptions{Endpoint: s.endpoint, Credentials: cr,
			Log: func(LogLevel, string) {}, Transport: http.DefaultTransport})
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewPlan("")
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 { // half closed explicitly (twice), half left to the cleanups
			c.Close()
			c.Close()
			p.Close()
			cr.Close()
		}
	}
	runtime.GC()
	runtime.GC()
	c := newSimClient(t, s, nil)
	c.Close()
	if _, err := c.FindAgreements(testContext(t), AgreementQuery{AgreementID: happyAgreement}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("closed client: %v", err)
	}
	if c.Endpoint() != "" {
		t.Fatal("closed client has an endpoint")
	}
	closedCreds, _ := NewStaticCredentials(simAccessKey, simSecretKey, "")
	closedCreds.Close()
	if _, err := NewClient(ClientOptions{Endpoint: s.endpoint, Credentials: closedCreds}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("closed credentials: %v", err)
	}
	var nilClient *Client
	if err := nilClient.Close(); err != nil {
		t.Fatal(err)
	}
}

func newHTTPTransport() *http.Transport { return &http.Transport{MaxIdleConnsPerHost: 16} }

// A context cancelled after the library's last look at it (here: from the log line of the
// final HTTP 200) leaves a pending cancel in the library; the binding must not let it abort
// the next call.
func TestLateCancelDoesNotAbortTheNextCall(t *testing.T) {
	s := sim(t)
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	c := newSimClient(t, s, func(o *ClientOptions) {
		o.LogLevel = LogDebug
		o.Log = func(_ LogLevel, line string) {
			if strings.Contains(line, "DescribeAgreement attempt 1: HTTP 200") {
				once.Do(func() {
					cancel()
					time.Sleep(100 * time.Millisecond) // the binding's cancel goroutine reaches the library
				})
			}
		}
	})
	_, err := c.FindAgreements(ctx, AgreementQuery{AgreementID: happyAgreement})
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("first call: %v", err)
	}
	t.Logf("first call (cancelled after its last check): %v", err)
	for i := 0; i < 2; i++ {
		if _, err := c.FindAgreements(testContext(t), AgreementQuery{AgreementID: happyAgreement}); err != nil {
			t.Fatalf("call %d after a late cancel: %v", i+2, err)
		}
	}
}
