package mpadjust

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sharedDir is $MPADJUST_SHARED_DIR (ctest sets it), else ../../../shared beside the repo.
func sharedDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("MPADJUST_SHARED_DIR"); d != "" {
		if _, err := os.Stat(d); err != nil {
			t.Fatalf("MPADJUST_SHARED_DIR=%s is absent: %v", d, err)
		}
		return d
	}
	d, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared"))
	if _, err := os.Stat(filepath.Join(d, "sigv4-test-suite")); err != nil {
		t.Skipf("the shared folder is absent (set MPADJUST_SHARED_DIR; looked in %s)", d)
	}
	return d
}

type suiteCase struct {
	ctx struct {
		Credentials struct {
			AccessKeyID     string `json:"access_key_id"`
			SecretAccessKey string `json:"secret_access_key"`
			Token           string `json:"token"`
		} `json:"credentials"`
		Expiration int64  `json:"expiration_in_seconds"`
		Region     string `json:"region"`
		Service    string `json:"service"`
		SignBody   bool   `json:"sign_body"`
		Timestamp  string `json:"timestamp"`
	}
	req      SignRequest
	expected map[string]string
}

// loadCase reads one case of the official SigV4 test suite (request.txt, context.json and the
// expected stage files).
func loadCase(t *testing.T, name string) *suiteCase {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "sigv4-test-suite", "v4", name)
	c := &suiteCase{expected: map[string]string{}}
	raw, err := os.ReadFile(filepath.Join(dir, "context.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &c.ctx); err != nil {
		t.Fatal(err)
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", c.ctx.Timestamp)
	if err != nil {
		t.Fatal(err)
	}
	req, err := os.ReadFile(filepath.Join(dir, "request.txt"))
	if err != nil {
		t.Fatal(err)
	}
	head, body, found := strings.Cut(string(req), "\n\n")
	if !found {
		head = strings.TrimSuffix(head, "\n")
	}
	lines := strings.Split(head, "\n")
	method, rest, _ := strings.Cut(lines[0], " ")
	c.req = SignRequest{Method: method, Target: rest[:strings.LastIndex(rest, " ")], Time: ts, Body: []byte(body)}
	for _, l := range lines[1:] {
		n, v, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("%s: unsupported header line %q", name, l)
		}
		c.req.Headers = append(c.req.Headers, Header{n, v})
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".txt") && e.Name() != "request.txt" {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			c.expected[strings.TrimSuffix(e.Name(), ".txt")] = string(b)
		}
	}
	return c
}

func (c *suiteCase) creds(t *testing.T) *Credentials {
	t.Helper()
	cr, err := NewStaticCredentials(c.ctx.Credentials.AccessKeyID, c.ctx.Credentials.SecretAccessKey, c.ctx.Credentials.Token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cr.Close() })
	return cr
}

func headerValue(hs []Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

func TestSignGetVanilla(t *testing.T) {
	c := loadCase(t, "get-vanilla")
	r, err := Sign(c.creds(t), c.ctx.Region, c.ctx.Service, c.req)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(c.expected["header-signature"]); r.Signature != want {
		t.Errorf("signature %s, suite says %s", r.Signature, want)
	}
	if r.CanonicalRequest != c.expected["header-canonical-request"] {
		t.Errorf("canonical request:\n%s\nwant:\n%s", r.CanonicalRequest, c.expected["header-canonical-request"])
	}
	if r.StringToSign != c.expected["header-string-to-sign"] {
		t.Errorf("string to sign:\n%s\nwant:\n%s", r.StringToSign, c.expected["header-string-to-sign"])
	}
	auth := headerValue(r.Headers, "Authorization")
	if !strings.Contains(c.expected["header-signed-request"], "Authorization:"+auth+"\n") {
		t.Errorf("Authorization %q is not the suite's signed request's", auth)
	}
	if got := headerValue(r.Headers, "X-Amz-Date"); got != "20150830T123600Z" {
		t.Errorf("X-Amz-Date %q", got)
	}
	if r.Query != "" {
		t.Errorf("header-signed request has a query %q", r.Query)
	}
}

func TestPresignGetVanilla(t *testing.T) {
	c := loadCase(t, "get-vanilla")
	s, err := NewSigner(c.ctx.Region, c.ctx.Service, &SignerOptions{ExpiresSeconds: c.ctx.Expiration})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Presign(c.creds(t), c.req)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(c.expected["query-signature"]); r.Signature != want {
		t.Errorf("signature %s, suite says %s", r.Signature, want)
	}
	if r.CanonicalRequest != c.expected["query-canonical-request"] {
		t.Errorf("canonical request:\n%s\nwant:\n%s", r.CanonicalRequest, c.expected["query-canonical-request"])
	}
	if len(r.Headers) != 0 || !strings.Contains(r.Query, "X-Amz-Signature="+r.Signature) {
		t.Errorf("presigned: headers %v, query %q", r.Headers, r.Query)
	}
}

// Every stage of several suite cases, through one shared signer per options.
func TestSignSuiteCases(t *testing.T) {
	for _, name := range []string{"get-vanilla-query", "get-vanilla-query-order-key-case",
		"get-vanilla-query-unreserved", "get-unreserved", "get-utf8", "get-vanilla-utf8-query",
		"get-slashes-normalized", "post-vanilla", "post-vanilla-query", "post-header-key-sort",
		"post-header-value-case", "post-x-www-form-urlencoded", "get-vanilla-with-session-token"} {
		t.Run(name, func(t *testing.T) {
			c := loadCase(t, name)
			var opts *SignerOptions
			if c.ctx.SignBody {
				opts = &SignerOptions{PayloadMode: PayloadHashBodySignedHeader}
			}
			s, err := NewSigner(c.ctx.Region, c.ctx.Service, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r, err := s.Sign(c.creds(t), c.req)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimSpace(c.expected["header-signature"]); r.Signature != want {
				t.Errorf("signature %s, suite says %s", r.Signature, want)
			}
			wantCR := c.expected["header-canonical-request"]
			if tok := c.ctx.Credentials.Token; tok != "" {
				wantCR = strings.ReplaceAll(wantCR, tok, "<redacted>")
				if headerValue(r.Headers, "X-Amz-Security-Token") != tok {
					t.Errorf("no X-Amz-Security-Token header")
				}
			}
			if r.CanonicalRequest != wantCR {
				t.Errorf("canonical request:\n%s\nwant:\n%s", r.CanonicalRequest, wantCR)
			}
			if r.StringToSign != c.expected["header-string-to-sign"] {
				t.Errorf("string to sign:\n%s\nwant:\n%s", r.StringToSign, c.expected["header-string-to-sign"])
			}
		})
	}
}

func TestSignErrors(t *testing.T) {
	cr, err := NewStaticCredentials("AKIDEXAMPLE", "secret", "")
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	_, err = NewSigner("", "service", nil)
	var me *Error
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &me) || me.Status != StatusInvalid || me.Message == "" {
		t.Fatalf("empty region: %v", err)
	}
	if errors.Is(err, ErrCredentials) {
		t.Fatalf("EINVALID matched ErrCredentials")
	}
	_, err = NewStaticCredentials("", "x", "")
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty key id: %v", err)
	}
	// The missing Host header is the library's to refuse, with a message.
	_, err = Sign(cr, "us-east-1", "service", SignRequest{Method: "GET", Target: "/"})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("no host: %v", err)
	}
	if _, err := NewSigner("us-east-1", "s", &SignerOptions{ExpiresSeconds: 604801}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("expires 604801: %v", err)
	}
	// A profile that does not exist: made lazily, fails when needed, with ErrCredentials.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	pc, err := NewProfileCredentials("no-such-profile")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.AccessKeyID(); !errors.Is(err, ErrCredentials) {
		t.Fatalf("missing profile: %v", err)
	}
	if _, err := Sign(pc, "us-east-1", "service", SignRequest{Method: "GET", Target: "/",
		Headers: []Header{{"Host", "example.amazonaws.com"}}}); !errors.Is(err, ErrCredentials) {
		t.Fatalf("sign with missing profile: %v", err)
	}
}

func TestCredentialsLifetime(t *testing.T) {
	cr, err := NewStaticCredentials("AKIDLIFETIME", "secret", "token")
	if err != nil {
		t.Fatal(err)
	}
	id, err := cr.AccessKeyID()
	if err != nil || id != "AKIDLIFETIME" {
		t.Fatalf("AccessKeyID = %q, %v", id, err)
	}
	if err := cr.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cr.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	if _, err := cr.AccessKeyID(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestVersionAndStatus(t *testing.T) {
	if VersionNumber()/10000 != VersionMajor {
		t.Fatalf("loaded library %s (%d), compiled against major %d", Version(), VersionNumber(), VersionMajor)
	}
	if Version() == "" || StatusInvalid.String() == "" || StatusInvalid.String() == Status(-999).String() {
		t.Fatalf("version %q, status text %q", Version(), StatusInvalid.String())
	}
	e := &Error{Status: StatusNotFound, Message: "x"}
	if !errors.Is(e, ErrNotFound) || errors.Is(e, ErrAmbiguous) || errors.Is(ErrNotFound, e) {
		t.Fatal("Error.Is must match sentinels by status only")
	}
}
