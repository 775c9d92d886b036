package mpadjust

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every function of include/mpadjust.h is bound (cgo itself checks each call's types against
// the header), except these, on purpose.
var unboundOnPurpose = map[string]string{
	"mpadjust_global_cleanup":                "a Go package cannot be unloaded: the library stays initialised for the process",
	"mpadjust_signed_request_signature_copy": "the caller-owned-buffer form of mpadjust_signed_request_signature, for C callers",
}

func TestEveryHeaderFunctionIsBound(t *testing.T) {
	header, err := os.ReadFile(filepath.Join(sourceDir(), "include", "mpadjust.h"))
	if err != nil {
		t.Fatal(err)
	}
	decl := regexp.MustCompile(`(?m)^MPADJUST_API\s[^;(]*?\b(mpadjust_[a-z0-9_]+)\s*\(`)
	names := decl.FindAllStringSubmatch(string(header), -1)
	if len(names) < 70 {
		t.Fatalf("only %d declarations found in mpadjust.h", len(names))
	}
	files, _ := filepath.Glob("*.go")
	var src strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	for _, m := range names {
		name := m[1]
		bound := regexp.MustCompile(`\bC\.` + name + `\(`).MatchString(src.String())
		if _, skip := unboundOnPurpose[name]; skip {
			if bound {
				t.Errorf("%s is bound but listed as unbound on purpose", name)
			}
			continue
		}
		if !bound {
			t.Errorf("%s (include/mpadjust.h) has no binding", name)
		}
	}
}
