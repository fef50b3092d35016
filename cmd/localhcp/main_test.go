package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/httpclient"
	"github.com/hashicorp/hcp-sdk-go/profile"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// userHome is HOME as the tests found it: `go build` needs it for its
// caches.
var userHome string

// TestMain gives hcp-sdk-go a private HOME for its token cache.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "localhcp-cli-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	userHome = os.Getenv("HOME")
	os.Setenv("HOME", home)
	code := m.Run()
	os.RemoveAll(home)
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe to write from the serving goroutine;
// written signals each write so a test can wait for output without sleeping.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{written: make(chan struct{}, 1)} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case b.written <- struct{}{}:
	default:
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func noEnv(string) string { return "" }

// runningServe is a `localhcp serve` running in the test's process.
type runningServe struct {
	dir            string
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan int
}

// startServe runs `localhcp serve` on a fresh data directory with extra
// flags and waits until it listens; it stops with the test.
func startServe(t *testing.T, extra ...string) *runningServe {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &runningServe{dir: t.TempDir(), stdout: newSyncBuffer(), stderr: newSyncBuffer(), cancel: cancel, done: make(chan int, 1)}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", s.dir}, extra...)
	go func() { s.done <- run(ctx, args, noEnv, s.stdout, s.stderr) }()
	t.Cleanup(func() { s.stop(t) })
	deadline := time.After(10 * time.Second)
	for !strings.Contains(s.stdout.String(), "configure a client with") {
		select {
		case <-s.stdout.written:
		case code := <-s.done:
			s.done <- code
			t.Fatalf("serve exited with %d: %s", code, s.stderr.String())
		case <-deadline:
			t.Fatalf("serve did not start within 10s: %s", s.stderr.String())
		}
	}
	return s
}

// stop cancels serve and checks that it ends cleanly.
func (s *runningServe) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, s.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Error("serve did not stop within 10s of cancellation")
	}
}

// env runs `localhcp env` against the server and returns its exports.
func (s *runningServe) env(t *testing.T, extra ...string) map[string]string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), append([]string{"env", "--data", s.dir}, extra...), noEnv, &out, &errOut); code != 0 {
		t.Fatalf("env exited %d: %s", code, errOut.String())
	}
	return parseExports(t, out.String())
}

func TestServeEnvPublishFlow(t *testing.T) {
	ctx := context.Background()
	srv := startServe(t, "--quiet")
	if out := srv.stdout.String(); !strings.Contains(out, "client id localhcp-") || strings.Contains(out, "secret") {
		t.Fatalf("serve output should list client ids and no secrets:\n%s", out)
	}
	dir := srv.dir

	vars := srv.env(t)
	for _, k := range []string{"HCP_AUTH_URL", "HCP_AUTH_TLS", "HCP_API_ADDRESS", "HCP_API_TLS", "HCP_CLIENT_ID", "HCP_CLIENT_SECRET", "HCP_ORGANIZATION_ID", "HCP_PROJECT_ID"} {
		if vars[k] == "" {
			t.Fatalf("env does not export %s: %v", k, vars)
		}
	}
	getenv := func(k string) string { return vars[k] }

	var pubOut, pubErr bytes.Buffer
	code := run(ctx, []string{"publish", "--bucket", "cli-bucket", "--platform", "aws", "--region", "us-east-1",
		"--external-id", "ami-0cli", "--label", "os=ubuntu", "--channel", "stable", "--create-channels"}, getenv, &pubOut, &pubErr)
	if code != 0 {
		t.Fatalf("publish exited %d: %s", code, pubErr.String())
	}
	if !strings.Contains(pubOut.String(), "version=v1\n") || !strings.Contains(pubOut.String(), "fingerprint=") {
		t.Fatalf("publish output:\n%s", pubOut.String())
	}

	// A plain hcp-sdk-go program configured from those variables reads the channel.
	v := channelVersion(t, vars, "cli-bucket", "stable")
	if v == nil || v.Name != "v1" || v.Builds[0].Artifacts[0].ExternalIdentifier != "ami-0cli" || v.Builds[0].Labels["os"] != "ubuntu" {
		t.Fatalf("channel version = %+v", v)
	}

	srv.stop(t)
	if _, err := os.Stat(filepath.Join(dir, localhcp.StateFileName)); !os.IsNotExist(err) {
		t.Fatal("serve left its state file behind")
	}
}

// channelVersion reads the version a channel serves with a plain
// hcp-sdk-go client configured from the exports of `localhcp env`.
func channelVersion(t *testing.T, vars map[string]string, bucket, channel string) *models.HashicorpCloudPacker20230101Version {
	t.Helper()
	insecure := &tls.Config{InsecureSkipVerify: true}
	cfg, err := config.NewHCPConfig(
		config.WithClientCredentials(vars["HCP_CLIENT_ID"], vars["HCP_CLIENT_SECRET"]),
		config.WithAuth(vars["HCP_AUTH_URL"], insecure),
		config.WithAPI(vars["HCP_API_ADDRESS"], insecure),
		config.WithProfile(&profile.UserProfile{OrganizationID: vars["HCP_ORGANIZATION_ID"], ProjectID: vars["HCP_PROJECT_ID"]}),
	)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := httpclient.New(httpclient.Config{HCPConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	get := packer_service.NewPackerServiceGetChannelParams()
	get.LocationOrganizationID, get.LocationProjectID = vars["HCP_ORGANIZATION_ID"], vars["HCP_PROJECT_ID"]
	get.BucketName, get.ChannelName = bucket, channel
	ch, err := packer_service.New(rt, nil).PackerServiceGetChannel(get, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ch.Payload.Channel.Version
}

// parseExports reads `export K='v'` lines as a shell would.
func parseExports(t *testing.T, out string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "export ") {
			continue
		}
		k, quoted, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok || len(quoted) < 2 || quoted[0] != '\'' || quoted[len(quoted)-1] != '\'' {
			t.Fatalf("export line %q is not K='v'", line)
		}
		vars[k] = strings.ReplaceAll(quoted[1:len(quoted)-1], `'\''`, "'")
	}
	return vars
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":        "'plain'",
		"it's":         `'it'\''s'`,
		"$HOME `x` \\": "'$HOME `x` \\'",
		"":             "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestDataDirPrecedence(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		flag string
		vars map[string]string
		want string
	}{
		{"/flag", map[string]string{"LOCALHCP_DATA": "/env"}, "/flag"},
		{"", map[string]string{"LOCALHCP_DATA": "/env", "XDG_STATE_HOME": "/xdg"}, "/env"},
		{"", map[string]string{"XDG_STATE_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/localhcp"},
		{"", map[string]string{"HOME": "/home/u"}, "/home/u/.local/state/localhcp"},
	}
	for _, tc := range cases {
		if got, err := dataDir(tc.flag, env(tc.vars)); err != nil || got != tc.want {
			t.Errorf("dataDir(%q, %v) = %q, %v; want %q", tc.flag, tc.vars, got, err, tc.want)
		}
	}
	if _, err := dataDir("", env(nil)); err == nil {
		t.Error("dataDir with nothing set succeeded")
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, args := range [][]string{nil, {"frobnicate"}, {"publish"}, {"publish", "--bucket", "b", "--label", "novalue"}, {"serve", "--fault-rate", "2", "--data", t.TempDir()}, {"env", "extra"}} {
		var out, errOut bytes.Buffer
		if code := run(ctx, args, noEnv, &out, &errOut); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"env", "--data", t.TempDir()}, noEnv, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "localhcp serve") {
		t.Errorf("env without a server = %d %q", code, errOut.String())
	}
}

var built struct {
	once sync.Once
	dir  string
	err  error
}

// localhcpBinary builds cmd/localhcp once per test binary and returns the
// directory holding it; TestMain removes it.
func localhcpBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "localhcp-bin-"); built.err != nil {
			return
		}
		build := exec.Command("go", "build", "-o", filepath.Join(built.dir, "localhcp"), ".")
		// The user's HOME, where Go keeps its build and module caches by
		// default: the tests' private HOME would rebuild everything.
		build.Env = append(os.Environ(), "HOME="+userHome)
		out, err := build.CombinedOutput()
		if err != nil {
			built.err = errors.New("go build ./cmd/localhcp: " + err.Error() + "\n" + string(out))
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.dir
}

func TestEnvPrintsAPanelLoginLinkThatSignsIn(t *testing.T) {
	srv := startServe(t, "--quiet")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"env", "--data", srv.dir, "--role", "viewer", "--panel-link"}, noEnv, &out, &errOut); code != 0 {
		t.Fatalf("env --panel-link exited %d: %s", code, errOut.String())
	}
	link := strings.TrimSpace(out.String())
	if !strings.HasPrefix(link, "https://127.0.0.1:") || !strings.Contains(link, "/panel/login/link?token=") {
		t.Fatalf("env --panel-link printed %q, not a login link", link)
	}
	// The link signs in once: the first GET lands signed in on the panel, a second is refused.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // localhcp's self-signed certificate
	for i, want := range []int{http.StatusOK, http.StatusUnauthorized} {
		resp, err := client.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("opening the link (attempt %d) answered %d, want %d", i+1, resp.StatusCode, want)
		}
		if i == 0 && !strings.Contains(string(body), "Sign out") {
			t.Fatalf("the link did not sign the browser in:\n%s", body)
		}
	}
}
