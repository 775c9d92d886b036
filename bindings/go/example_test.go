package mpadjust

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func goCommand(t *testing.T) string {
	t.Helper()
	if g := os.Getenv("MPADJUST_GO"); g != "" {
		return g
	}
	if g, err := exec.LookPath("go"); err == nil {
		return g
	}
	return "/usr/local/go/bin/go"
}

// examples/go/refund, built and run against the simulator: a preview, then the refund.
func TestExampleRefund(t *testing.T) {
	s := sim(t)
	bin := filepath.Join(t.TempDir(), "refund")
	build := exec.Command(goCommand(t), "build", "-o", bin, "./refund")
	build.Dir = filepath.Join(sourceDir(), "examples", "go")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	env := append(os.Environ(), "AWS_ACCESS_KEY_ID="+simAccessKey, "AWS_SECRET_ACCESS_KEY="+simSecretKey,
		"AWS_SESSION_TOKEN=", "AWS_REGION=us-east-1", "AWS_ENDPOINT_URL="+s.endpoint, "AWS_PROFILE=",
		"AWS_CONFIG_FILE="+filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(t.TempDir(), "none"))
	args := []string{"-agreement", eurAgreement, "-invoice", eurInvoice, "-amount", "19.90", "-currency", "EUR",
		"-reason", "TEST_ENVIRONMENT_CHARGES", "-description", "Staging environment billed as production in January",
		"-journal", journal, "-wait", "30s"}
	before := len(s.ledger(t))

	preview := exec.Command(bin, args...)
	preview.Env = env
	out, err := preview.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "preview only") || !strings.Contains(string(out), "19.90") {
		t.Fatalf("preview: %v\n%s", err, out)
	}
	if len(s.ledger(t)) != before {
		t.Fatal("the preview sent a refund")
	}

	run := exec.Command(bin, append(args, "-yes")...)
	run.Env = env
	out, err = run.CombinedOutput()
	if err != nil {
		t.Fatalf("refund: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`refund (ba-\S+) EUR 19\.90: COMPLETED`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no completed refund in the output:\n%s", out)
	}
	found := false
	for _, l := range s.ledger(t) {
		found = found || (l.ID == m[1] && l.Amount == "19.90" && l.InvoiceID == eurInvoice)
	}
	if !found {
		t.Fatalf("%s is not in the simulator's ledger", m[1])
	}

	// Too much: the plan's problem is reported and nothing is sent (exit status 3).
	over := exec.Command(bin, append(append([]string{}, args...), "-amount", "500.00", "-yes")...)
	over.Env = env
	out, err = over.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 || !strings.Contains(string(out), "amount") {
		t.Fatalf("over-refund: %v\n%s", err, out)
	}
}
