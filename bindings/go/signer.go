package mpadjust

/*
#include <stdlib.h>
#include <mpadjust.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// PayloadMode says how the body enters a SigV4 signature.
type PayloadMode int32

const (
	PayloadHashBody             PayloadMode = C.MPADJUST_PAYLOAD_HASH_BODY               // SHA-256 of the body (default)
	PayloadHashBodySignedHeader PayloadMode = C.MPADJUST_PAYLOAD_HASH_BODY_SIGNED_HEADER // also signs x-amz-content-sha256 (S3)
	PayloadUnsigned             PayloadMode = C.MPADJUST_PAYLOAD_UNSIGNED                // "UNSIGNED-PAYLOAD"
	PayloadPrecomputed          PayloadMode = C.MPADJUST_PAYLOAD_PRECOMPUTED             // SignerOptions.PrecomputedPayloadHash
)

// SignatureHexLen is the length of a SigV4 signature in hex digits.
const SignatureHexLen = C.MPADJUST_SIGNATURE_HEX_LEN

// SignerOptions are a signer's optional knobs; the zero value means the defaults.
type SignerOptions struct {
	PayloadMode            PayloadMode
	PrecomputedPayloadHash string // with PayloadPrecomputed only
	S3NoPathNormalization  bool
	S3NoDoubleEncoding     bool
	OmitSessionToken       bool  // send the token but leave it unsigned
	ExpiresSeconds         int64 // presigning: 1..604800; 0 = 3600
	// Lower-case names of headers never signed: nil = the library's default list; non-nil
	// (even empty) = exactly these.
	UnsignedHeaders []string
}

// Header is one HTTP header.
type Header struct {
	Name, Value string
}

// SignRequest is the request to sign.
type SignRequest struct {
	Method  string   // "GET"
	Target  string   // path plus optional "?query", percent-encoded once
	Headers []Header // the headers the request will carry; must include Host
	Body    []byte
	Time    time.Time // signing time; zero = now
}

// SignedRequest is the result of a signature, copied into Go memory.
type SignedRequest struct {
	// Headers to add, in order (X-Amz-Date, [X-Amz-Security-Token], [x-amz-content-sha256],
	// Authorization); none for a presigned request. May hold the session token: never log.
	Headers []Header
	// Presigned: the complete query string to send (no '?'); "" when header-signed.
	Query            string
	Signature        string // 64 lower-case hex digits
	CanonicalRequest string // session token redacted
	StringToSign     string
}

// Signer signs requests with AWS Signature Version 4 for one region and service. Immutable
// and safe for concurrent use.
type Signer struct {
	mu      sync.Mutex
	ptr     *C.mpadjust_signer
	cleanup runtime.Cleanup
}

// NewSigner makes a signer for region ("us-east-1") and service ("aws-marketplace"); opts may
// be nil. Errors: ErrInvalid (the message names the field).
func NewSigner(region, service string, opts *SignerOptions) (*Signer, error) {
	if err := checkInit(); err != nil {
		return nil, err
	}
	r, s := C.CString(region), C.CString(service)
	defer C.free(unsafe.Pointer(r))
	defer C.free(unsafe.Pointer(s))
	var copts *C.mpadjust_signer_options
	if opts != nil {
		var o C.mpadjust_signer_options
		if err := call(func() C.mpadjust_status {
			return C.mpadjust_signer_options_init(&o, C.size_t(unsafe.Sizeof(o)))
		}); err != nil {
			return nil, err
		}
		o.payload_mode = C.int32_t(opts.PayloadMode)
		if opts.PrecomputedPayloadHash != "" {
			o.precomputed_payload_hash = C.CString(opts.PrecomputedPayloadHash)
			defer C.free(unsafe.Pointer(o.precomputed_payload_hash))
		}
		o.s3_no_path_normalization = cBool(opts.S3NoPathNormalization)
		o.s3_no_double_encoding = cBool(opts.S3NoDoubleEncoding)
		o.omit_session_token = cBool(opts.OmitSessionToken)
		o.expires_seconds = C.int64_t(opts.ExpiresSeconds)
		if opts.UnsignedHeaders != nil {
			// C memory: an array of C strings (C must not see Go pointers inside Go memory).
			n := len(opts.UnsignedHeaders)
			arr := (**C.char)(C.calloc(C.size_t(n+1), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
			names := unsafe.Slice(arr, n+1)
			defer func() {
				for _, p := range names {
					C.free(unsafe.Pointer(p))
				}
				C.free(unsafe.Pointer(arr))
			}()
			for i, h := range opts.UnsignedHeaders {
				names[i] = C.CString(h)
			}
			o.unsigned_headers = arr
			o.unsigned_header_count = C.size_t(n)
		}
		copts = &o
	}
	var out *C.mpadjust_signer
	if err := call(func() C.mpadjust_status { return C.mpadjust_signer_new(&out, r, s, copts) }); err != nil {
		return nil, err
	}
	sg := &Signer{ptr: out}
	sg.cleanup = runtime.AddCleanup(sg, func(p *C.mpadjust_signer) { C.mpadjust_signer_free(p) }, out)
	return sg, nil
}

// Close releases the signer. Idempotent.
func (s *Signer) Close() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return nil
	}
	p := s.ptr
	s.ptr = nil
	s.cleanup.Stop()
	C.mpadjust_signer_free(p)
	return nil
}

// Sign signs req in its Authorization header. Errors: ErrInvalid, ErrCredentials.
func (s *Signer) Sign(creds *Credentials, req SignRequest) (*SignedRequest, error) {
	return s.sign(creds, req, false)
}

// Presign signs req in its query string (a presigned URL valid for ExpiresSeconds).
func (s *Signer) Presign(creds *Credentials, req SignRequest) (*SignedRequest, error) {
	return s.sign(creds, req, true)
}

// Sign is a one-shot signature for SigV4-only users: a signer for region and service, used once.
func Sign(creds *Credentials, region, service string, req SignRequest) (*SignedRequest, error) {
	s, err := NewSigner(region, service, nil)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Sign(creds, req)
}

func (s *Signer) sign(creds *Credentials, req SignRequest, presign bool) (*SignedRequest, error) {
	if s == nil || s.ptr == nil {
		return nil, errClosed("signer")
	}
	if creds == nil || creds.ptr == nil {
		return nil, &Error{Status: StatusInvalid, Message: "creds: required"}
	}
	method, target := C.CString(req.Method), C.CString(req.Target)
	defer C.free(unsafe.Pointer(method))
	defer C.free(unsafe.Pointer(target))
	hdrs, freeHdrs := cHeaders(req.Headers)
	defer freeHdrs()
	var hp *C.mpadjust_header
	if len(hdrs) > 0 {
		hp = &hdrs[0]
	}
	var body unsafe.Pointer
	if len(req.Body) > 0 {
		body = unsafe.Pointer(&req.Body[0])
	}
	var epoch int64
	if !req.Time.IsZero() {
		epoch = req.Time.Unix()
		if epoch <= 0 {
			return nil, &Error{Status: StatusInvalid, Message: "time: before 1970-01-01T00:00:01Z"}
		}
	}
	var out *C.mpadjust_signed_request
	err := call(func() C.mpadjust_status {
		if presign {
			return C.mpadjust_signer_presign(&out, s.ptr, creds.ptr, method, target, hp,
				C.size_t(len(hdrs)), body, C.size_t(len(req.Body)), C.int64_t(epoch))
		}
		return C.mpadjust_signer_sign(&out, s.ptr, creds.ptr, method, target, hp,
			C.size_t(len(hdrs)), body, C.size_t(len(req.Body)), C.int64_t(epoch))
	})
	runtime.KeepAlive(s)
	runtime.KeepAlive(creds)
	runtime.KeepAlive(req.Body)
	if err != nil {
		return nil, err
	}
	defer C.mpadjust_signed_request_free(out)
	res := &SignedRequest{
		Query:            C.GoString(C.mpadjust_signed_request_query(out)),
		Signature:        C.GoString(C.mpadjust_signed_request_signature(out)),
		CanonicalRequest: C.GoString(C.mpadjust_signed_request_canonical_request(out)),
		StringToSign:     C.GoString(C.mpadjust_signed_request_string_to_sign(out)),
	}
	n := int(C.mpadjust_signed_request_header_count(out))
	for i := 0; i < n; i++ {
		res.Headers = append(res.Headers, Header{
			Name:  C.GoString(C.mpadjust_signed_request_header_name(out, C.size_t(i))),
			Value: C.GoString(C.mpadjust_signed_request_header_value(out, C.size_t(i))),
		})
	}
	return res, nil
}

// cHeaders copies headers into a Go array of C structs whose strings are C memory (the array
// holds no Go pointers, so C may read it during the call). free releases the strings.
func cHeaders(hs []Header) ([]C.mpadjust_header, func()) {
	out := make([]C.mpadjust_header, len(hs))
	for i, h := range hs {
		out[i].name = C.CString(h.Name)
		out[i].value = C.CString(h.Value)
	}
	return out, func() {
		for i := range out {
			C.free(unsafe.Pointer(out[i].name))
			C.free(unsafe.Pointer(out[i].value))
		}
	}
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
