package mpadjust

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The simulator's seed (tests/simulator/README.md).
const (
	simAccessKey   = "AKIDSIMULATOR0000001"
	simSecretKey   = "simulator-secret-key-1"
	happyAgreement = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H"
	happyInvoice   = "E2E20260105a108cfae" // USD 1200.00, max 1200.00
	ambiguousBuyer = "210987654321"
	eurAgreement   = "agmt-4WcJ7rPy3MvD8kTn2QsL5hXb"
	eurInvoice     = "E2E20260101b8d4af57" // EUR 89.90
)

// simulator is one Agreement Service simulator process started by the tests.
type simulator struct {
	cmd      *exec.Cmd
	endpoint string
	stderr   bytes.Buffer
}

var sharedSim *simulator
var sharedSimErr error

func sourceDir() string {
	if d := os.Getenv("MPADJUST_SOURCE_DIR"); d != "" {
		return d
	}
	d, _ := filepath.Abs(filepath.Join("..", ".."))
	return d
}

func venvPython() string {
	if p := os.Getenv("MPADJUST_VENV_PYTHON"); p != "" {
		return p
	}
	return filepath.Join(sourceDir(), ".venv", "bin", "python")
}

// startSimulator runs tests/simulator/simulator.py on a free loopback port and reads its first
// stdout line, "listening on http://127.0.0.1:PORT".
func startSimulator(args ...string) (*simulator, error) {
	script := filepath.Join(sourceDir(), "tests", "simulator", "simulator.py")
	s := &simulator{}
	s.cmd = exec.Command(venvPython(), append([]string{script, "--port", "0"}, args...)...)
	s.cmd.Stderr = &s.stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the simulator (%s %s): %w", venvPython(), script, err)
	}
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		l, _ := r.ReadString('\n')
		lines <- l
		_, _ = io.Copy(io.Discard, r)
	}()
	select {
	case l := <-lines:
		const prefix = "listening on "
		if !strings.HasPrefix(l, prefix) {
			s.stop()
			return nil, fmt.Errorf("simulator said %q; stderr:\n%s", l, s.stderr.String())
		}
		s.endpoint = strings.TrimSpace(strings.TrimPrefix(l, prefix))
	case <-time.After(60 * time.Second):
		s.stop()
		return nil, fmt.Errorf("simulator did not start in 60 s; stderr:\n%s", s.stderr.String())
	}
	return s, nil
}

func (s *simulator) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// control calls one of the simulator's /_sim endpoints and decodes its JSON answer into out.
func (s *simulator) control(t *testing.T, method, path string, body any, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.endpoint+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: HTTP %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

func (s *simulator) reset(t *testing.T) { s.control(t, "POST", "/_sim/reset", map[string]any{}, nil) }

func (s *simulator) setFaults(t *testing.T, f map[string]any) {
	s.control(t, "POST", "/_sim/faults", f, nil)
}

type ledgerItem struct {
	ID          string `json:"billingAdjustmentRequestId"`
	ClientToken string `json:"clientToken"`
	Amount      string `json:"adjustmentAmount"`
	Currency    string `json:"currencyCode"`
	InvoiceID   string `json:"originalInvoiceId"`
	Status      string `json:"status"`
}

func (s *simulator) ledger(t *testing.T) []ledgerItem {
	var doc struct {
		Adjustments []ledgerItem `json:"billingAdjustmentRequests"`
	}
	s.control(t, "GET", "/_sim/ledger", nil, &doc)
	return doc.Adjustments
}

// sim is the simulator shared by the package's tests, reset to its seed.
func sim(t *testing.T) *simulator {
	t.Helper()
	if sharedSim == nil {
		t.Fatalf("the simulator is not running: %v", sharedSimErr)
	}
	sharedSim.reset(t)
	return sharedSim
}

// newSimClient is a client of the simulator with the seed's default credentials.
func newSimClient(t *testing.T, s *simulator, mod func(*ClientOptions)) *Client {
	t.Helper()
	cr, err := NewStaticCredentials(simAccessKey, simSecretKey, "")
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close() // the client keeps its own reference
	o := ClientOptions{Region: "us-east-1", Endpoint: s.endpoint, Credentials: cr, Timeout: 20 * time.Second}
	if mod != nil {
		mod(&o)
	}
	c, err := NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestMain(m *testing.M) {
	sharedSim, sharedSimErr = startSimulator("--adjustment-delay", "0.3")
	code := m.Run()
	if sharedSim != nil {
		sharedSim.stop()
	}
	os.Exit(code)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
