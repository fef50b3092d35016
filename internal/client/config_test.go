package client

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestChooseCredentials(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	goodFile := writeCredentialFile(t, "file-id", "file-secret")
	workloadFile := writeWorkloadCredentialFile(t, wipB, map[string]any{"path": filepath.Join(dir, "oidc-token")})
	blockFile := WorkloadIdentity{ResourceName: wipA, TokenFile: filepath.Join(dir, "token")}
	blockToken := WorkloadIdentity{ResourceName: wipA, Token: "inline-token"}
	badFile := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badFile, []byte(`{"scheme":"service_principal_creds","oauth":{"client_id":"x","client_secret":"leaky-secret"`), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		cfg        Config
		env        map[string]string
		wantID     string
		wantSecret string
		// wantWorkload is the workload identity provider of workload
		// identity credentials.
		wantWorkload string
		wantErr      string
	}{
		{name: "explicit pair", cfg: Config{ClientID: "id", ClientSecret: "s"}, wantID: "id", wantSecret: "s"},
		{name: "explicit pair wins over the environment", cfg: Config{ClientID: "id", ClientSecret: "s"},
			env: map[string]string{envClientID: "eid", envClientSecret: "es"}, wantID: "id", wantSecret: "s"},
		{name: "explicit id, secret from the environment", cfg: Config{ClientID: "id"},
			env: map[string]string{envClientSecret: "es"}, wantID: "id", wantSecret: "es"},
		{name: "explicit id without any secret", cfg: Config{ClientID: "id"}, wantErr: "client_id is set without client_secret"},
		{name: "explicit secret without any id", cfg: Config{ClientSecret: "s"}, wantErr: "client_secret is set without client_id"},
		{name: "environment pair", env: map[string]string{envClientID: "eid", envClientSecret: "es"}, wantID: "eid", wantSecret: "es"},
		{name: "environment id alone", env: map[string]string{envClientID: "eid"}, wantErr: "HCP_CLIENT_ID is set without HCP_CLIENT_SECRET"},
		{name: "environment secret alone", env: map[string]string{envClientSecret: "es"}, wantErr: "HCP_CLIENT_SECRET is set without HCP_CLIENT_ID"},
		{name: "credential_file over the environment pair", cfg: Config{CredentialFile: goodFile},
			env: map[string]string{envClientID: "eid", envClientSecret: "es"}, wantID: "file-id", wantSecret: "file-secret"},
		{name: "HCP_CRED_FILE", env: map[string]string{envCredentialFile: goodFile}, wantID: "file-id", wantSecret: "file-secret"},
		{name: "workload_identity block over the environment pair", cfg: Config{WorkloadIdentity: &blockFile},
			env: map[string]string{envClientID: "eid", envClientSecret: "es", envCredentialFile: goodFile}, wantWorkload: wipA},
		{name: "workload_identity block with an inline token", cfg: Config{WorkloadIdentity: &blockToken}, wantWorkload: wipA},
		{name: "credential_file over the workload_identity block", cfg: Config{CredentialFile: workloadFile, WorkloadIdentity: &blockFile},
			wantWorkload: wipB},
		{name: "client credentials over the workload_identity block", cfg: Config{ClientID: "id", ClientSecret: "s", WorkloadIdentity: &blockFile},
			wantID: "id", wantSecret: "s"},
		{name: "HCP_CRED_FILE of scheme workload", env: map[string]string{envCredentialFile: workloadFile}, wantWorkload: wipB},
		{name: "workload_identity with both tokens", cfg: Config{WorkloadIdentity: &WorkloadIdentity{ResourceName: wipA, TokenFile: "/t", Token: "x"}},
			wantErr: "sets both token_file and token"},
		{name: "workload_identity without a token", cfg: Config{WorkloadIdentity: &WorkloadIdentity{ResourceName: wipA}},
			wantErr: "sets neither token_file nor token"},
		{name: "missing credential file", cfg: Config{CredentialFile: filepath.Join(dir, "nope.json")}, wantErr: "the file does not exist"},
		{name: "broken credential file, content never echoed", cfg: Config{CredentialFile: badFile}, wantErr: "not a valid credential file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := func(name string) (string, bool) { v, ok := tt.env[name]; return v, ok }
			got, err := chooseCredentials(tt.cfg, env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "leaky-secret") {
					t.Errorf("err %q quotes the credential file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var gotWorkload string
			if got.workload != nil {
				gotWorkload = got.workload.config.ProviderResourceName
			}
			if got.clientID != tt.wantID || got.clientSecret != tt.wantSecret || gotWorkload != tt.wantWorkload {
				t.Errorf("got id %q secret %q workload identity provider %q", got.clientID, got.clientSecret, gotWorkload)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-0123456789abcdef"
	if got := redact("a "+secret+" b "+secret, secret, ""); got != "a *** b ***" {
		t.Errorf("redact = %q", got)
	}
	// A secret too short to be one HCP issues is not masked as a word.
	if got := redact("wrong client secret", "wrong"); got != "wrong client secret" {
		t.Errorf("redact of a short secret = %q", got)
	}
}

func TestCheckAPIAddress(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"api.cloud.hashicorp.com:443", "127.0.0.1:8443", "localhost", "[::1]:8443"} {
		if err := checkAPIAddress(ok); err != nil {
			t.Errorf("checkAPIAddress(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"https://127.0.0.1:8443", "http://localhost", "127.0.0.1:8443/", "localhost:http", "localhost:0", ":8443", ""} {
		err := checkAPIAddress(bad)
		if err == nil || !strings.Contains(err.Error(), "HCP_API_ADDRESS") || !strings.Contains(err.Error(), "host:port") {
			t.Errorf("checkAPIAddress(%q) = %v, want an error naming HCP_API_ADDRESS and host:port", bad, err)
		}
	}
}
