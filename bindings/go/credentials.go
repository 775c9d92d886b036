package mpadjust

/*
#include <stdlib.h>
#include <mpadjust.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// Credentials is a source of AWS credentials (fixed keys, a profile or the default chain).
// Immutable and safe for concurrent use; share one between clients and signers. Secrets are
// copied into library memory that is wiped when freed, and there is no way to read them back.
type Credentials struct {
	mu      sync.Mutex // serialises Close with itself
	ptr     *C.mpadjust_credentials
	cleanup runtime.Cleanup
}

func newCredentials(ptr *C.mpadjust_credentials) *Credentials {
	c := &Credentials{ptr: ptr}
	c.cleanup = runtime.AddCleanup(c, func(p *C.mpadjust_credentials) { C.mpadjust_credentials_free(p) }, ptr)
	return c
}

// NewStaticCredentials returns fixed keys; sessionToken is "" for long-term keys.
// Errors: ErrInvalid (an empty key).
func NewStaticCredentials(accessKeyID, secretAccessKey, sessionToken string) (*Credentials, error) {
	if err := checkInit(); err != nil {
		return nil, err
	}
	id, secret := C.CString(accessKeyID), C.CString(secretAccessKey)
	defer C.free(unsafe.Pointer(id))
	defer freeSecret(secret, len(secretAccessKey))
	var token *C.char
	if sessionToken != "" {
		token = C.CString(sessionToken)
		defer freeSecret(token, len(sessionToken))
	}
	var out *C.mpadjust_credentials
	if err := call(func() C.mpadjust_status {
		return C.mpadjust_credentials_new_static(&out, id, secret, token)
	}); err != nil {
		return nil, err
	}
	return newCredentials(out), nil
}

// NewDefaultCredentials returns the AWS SDKs' default chain (environment, then the shared
// config and credentials files of profile, or $AWS_PROFILE / "default" when profile is "").
// Nothing is read until credentials are needed; a missing source then fails with
// ErrCredentials.
func NewDefaultCredentials(profile string) (*Credentials, error) {
	if err := checkInit(); err != nil {
		return nil, err
	}
	var p *C.char
	if profile != "" {
		p = C.CString(profile)
		defer C.free(unsafe.Pointer(p))
	}
	var out *C.mpadjust_credentials
	if err := call(func() C.mpadjust_status { return C.mpadjust_credentials_new_default(&out, p) }); err != nil {
		return nil, err
	}
	return newCredentials(out), nil
}

// NewProfileCredentials returns only the named profile of the shared files.
func NewProfileCredentials(profile string) (*Credentials, error) {
	if err := checkInit(); err != nil {
		return nil, err
	}
	p := C.CString(profile)
	defer C.free(unsafe.Pointer(p))
	var out *C.mpadjust_credentials
	if err := call(func() C.mpadjust_status { return C.mpadjust_credentials_new_profile(&out, p) }); err != nil {
		return nil, err
	}
	return newCredentials(out), nil
}

// AccessKeyID is the access key id the credentials resolve to now (loading or refreshing
// them if needed). Errors: ErrCredentials.
func (c *Credentials) AccessKeyID() (string, error) {
	if c == nil || c.ptr == nil {
		return "", errClosed("credentials")
	}
	var buf C.mpadjust_buf
	defer C.mpadjust_buf_dispose(&buf)
	if err := call(func() C.mpadjust_status { return C.mpadjust_credentials_access_key_id(&buf, c.ptr) }); err != nil {
		return "", err
	}
	s := bufString(&buf)
	runtime.KeepAlive(c)
	return s, nil
}

// Close releases the credentials (wiping the secrets). Idempotent. Clients and signers made
// with them keep their own reference, so closing them early is safe.
func (c *Credentials) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil
	}
	p := c.ptr
	c.ptr = nil
	c.cleanup.Stop()
	C.mpadjust_credentials_free(p)
	return nil
}

// raw is the C handle, or nil (closed or nil credentials, meaning "the default chain").
func (c *Credentials) raw() *C.mpadjust_credentials {
	if c == nil {
		return nil
	}
	return c.ptr
}

// freeSecret wipes a C copy of a secret before freeing it.
func freeSecret(p *C.char, n int) {
	if p == nil {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(p)), n)
	for i := range b {
		b[i] = 0
	}
	runtime.KeepAlive(b)
	C.free(unsafe.Pointer(p))
}

// bufString copies an owned mpadjust_buf into Go memory (the caller disposes of the buffer).
func bufString(b *C.mpadjust_buf) string {
	if b.ptr == nil {
		return ""
	}
	return C.GoStringN(b.ptr, C.int(b.size))
}

// bufBytes is bufString as a byte slice.
func bufBytes(b *C.mpadjust_buf) []byte {
	if b.ptr == nil {
		return nil
	}
	return C.GoBytes(unsafe.Pointer(b.ptr), C.int(b.size))
}
