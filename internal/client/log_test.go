package client

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of loggers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestLogsMaskSecretsAndTokens drives calls through the whole client while
// the server echoes the token and the secret in an error answer, which
// the transport logs, and checks neither reaches the log.
func TestLogsMaskSecretsAndTokens(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	var calls int
	var mu sync.Mutex
	f.handle("GET /packer/2023-01-01/organizations/o/projects/p/buckets/web", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 {
			writeRPCError(w, http.StatusServiceUnavailable, 14,
				"overloaded; you sent "+r.Header.Get("Authorization")+" for client secret "+f.clientSecret)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"bucket": map[string]any{"id": "01HB", "name": "web"}})
	})
	var out syncBuffer
	ctx := tflogtest.RootLogger(context.Background(), &out)

	c := f.client(Location{OrganizationID: "o", ProjectID: "p"})
	if _, err := c.GetBucket(ctx, c.Location(), "web"); err != nil {
		t.Fatalf("GetBucket: %v", err)
	}

	logs := out.String()
	entries, err := tflogtest.MultilineJSONDecode(strings.NewReader(logs))
	if err != nil {
		t.Fatalf("decoding the log: %v", err)
	}
	if len(entries) < 3 {
		t.Fatalf("got %d log entries, want requests, answers and a retry:\n%s", len(entries), logs)
	}
	for _, secret := range []string{f.clientSecret, f.token} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs, "***") {
		t.Errorf("the echoed secrets were not masked but dropped; the log:\n%s", logs)
	}

	var sawRetry, sawStatus bool
	for _, e := range entries {
		if e["@module"] != "provider."+httpSubsystem {
			t.Errorf("entry outside the %s subsystem: %v", httpSubsystem, e)
		}
		if e["@message"] == "Retrying HCP API request" {
			sawRetry = true
		}
		if e["http_status"] == float64(200) && e["http_method"] == "GET" && e["attempt"] == float64(2) {
			sawStatus = true
		}
	}
	if !sawRetry || !sawStatus {
		t.Errorf("missing the retry or the final answer with its method, status and attempt:\n%s", logs)
	}
}

// TestLogMasksValuesNotWords checks that a secret short enough to be an
// ordinary word (a placeholder like "wrong") does not blank that word out
// of the log, while a real secret is still masked.
func TestLogMasksValuesNotWords(t *testing.T) {
	t.Parallel()
	const realSecret = "a-long-generated-secret-0123456789"
	var out syncBuffer
	ctx := httpLogContext(tflogtest.RootLogger(context.Background(), &out), "wrong", realSecret)
	tflog.SubsystemDebug(ctx, httpSubsystem, "HCP API request failed", map[string]any{
		"http_error_body": "wrong client secret; you sent " + realSecret,
	})
	logs := out.String()
	if !strings.Contains(logs, "wrong client secret") {
		t.Errorf("the log garbles the word that spells the short secret:\n%s", logs)
	}
	if strings.Contains(logs, realSecret) || !strings.Contains(logs, "you sent ***") {
		t.Errorf("the log does not mask the real secret:\n%s", logs)
	}
}

// TestRuntimeNeverDumpsRequests checks that go-openapi's debug dump, which
// prints whole requests with their Authorization header to the standard
// logger, stays off even when DEBUG is set. go-openapi reads DEBUG when
// its package initialises, so the test runs itself again in a process
// started with DEBUG=1.
func TestRuntimeNeverDumpsRequests(t *testing.T) {
	if os.Getenv("HCPPACKER_DUMP_CHILD") == "1" {
		dumpChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRuntimeNeverDumpsRequests$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "HCPPACKER_DUMP_CHILD=1", "DEBUG=1", "SWAGGER_DEBUG=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child test failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "child request done") {
		t.Fatalf("the child did not make its request:\n%s", out)
	}
	// A dump starts with the request line; the token itself is attached
	// below the runtime, but a dump would still expose paths and bodies.
	for _, leak := range []string{"PUT /packer/2023-01-01", "Authorization", "fake-access-token"} {
		if strings.Contains(string(out), leak) {
			t.Errorf("the output with DEBUG=1 contains %q:\n%s", leak, out)
		}
	}
}

func dumpChild(t *testing.T) {
	f := newFakeHCP(t)
	f.handle("PUT /packer/2023-01-01/organizations/o/projects/p/buckets", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"bucket": map[string]any{"id": "01HB", "name": "web"}})
	})
	c := f.client(Location{OrganizationID: "o", ProjectID: "p"})
	if _, err := c.CreateBucket(context.Background(), c.Location(), BucketInput{Name: "web"}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	t.Log("child request done")
}
