package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
)

const (
	orgA     = "11111111-1111-4111-8111-111111111111"
	orgB     = "22222222-2222-4222-8222-222222222222"
	projOld  = "aaaaaaaa-0000-4000-8000-000000000001"
	projNew  = "aaaaaaaa-0000-4000-8000-000000000002"
	projB    = "bbbbbbbb-0000-4000-8000-000000000001"
	projGone = "cccccccc-0000-4000-8000-000000000001"
)

// seedTwoOrgs gives the fake two organizations: orgA with two projects,
// orgB with one.
func seedTwoOrgs(f *fakeHCP) {
	f.orgs = []fakeOrg{{ID: orgA}, {ID: orgB}}
	f.projects = []fakeProject{
		{ID: projNew, Name: "newer", OrgID: orgA, CreatedAt: "2024-05-01T10:00:00.000Z"},
		{ID: projOld, Name: "older", OrgID: orgA, CreatedAt: "2023-01-01T10:00:00.000Z"},
		{ID: projB, Name: "other", OrgID: orgB, CreatedAt: "2022-01-01T10:00:00.000Z"},
	}
}

func TestNewResolvesTheDefaultLocation(t *testing.T) {
	tests := []struct {
		name         string
		orgs         []fakeOrg
		cfg          Config
		env          map[string]string
		want         Location
		wantWarnings int
	}{
		{
			name: "project given: its parent is the organization",
			cfg:  Config{ProjectID: projB},
			want: Location{OrganizationID: orgB, ProjectID: projB},
		},
		{
			name: "project from HCP_PROJECT_ID",
			env:  map[string]string{"HCP_PROJECT_ID": projNew},
			want: Location{OrganizationID: orgA, ProjectID: projNew},
		},
		{
			name: "explicit project wins over HCP_PROJECT_ID",
			cfg:  Config{ProjectID: projOld},
			env:  map[string]string{"HCP_PROJECT_ID": projB},
			want: Location{OrganizationID: orgA, ProjectID: projOld},
		},
		{
			name: "project and its own organization",
			cfg:  Config{ProjectID: projNew, OrganizationID: orgA},
			want: Location{OrganizationID: orgA, ProjectID: projNew},
		},
		{
			name:         "single organization, several projects: the oldest, with a warning",
			orgs:         []fakeOrg{{ID: orgA}},
			want:         Location{OrganizationID: orgA, ProjectID: projOld},
			wantWarnings: 1,
		},
		{
			name: "organization given without a project skips the organization listing",
			cfg:  Config{OrganizationID: orgB},
			want: Location{OrganizationID: orgB, ProjectID: projB},
		},
		{
			name: "empty HCP_PROJECT_ID counts as unset",
			cfg:  Config{ProjectID: projB},
			env:  map[string]string{"HCP_PROJECT_ID": "", "HCP_ORGANIZATION_ID": orgB},
			want: Location{OrganizationID: orgB, ProjectID: projB},
		},
		{
			name: "empty HCP_ORGANIZATION_ID counts as unset",
			cfg:  Config{ProjectID: projB},
			env:  map[string]string{"HCP_PROJECT_ID": projB, "HCP_ORGANIZATION_ID": ""},
			want: Location{OrganizationID: orgB, ProjectID: projB},
		},
		{
			name: "both empty count as unset",
			orgs: []fakeOrg{{ID: orgB}},
			env:  map[string]string{"HCP_PROJECT_ID": "", "HCP_ORGANIZATION_ID": ""},
			want: Location{OrganizationID: orgB, ProjectID: projB},
		},
		{
			name: "an empty HCP_CLIENT_ID beside configured credentials",
			cfg:  Config{ProjectID: projB},
			env:  map[string]string{"HCP_CLIENT_ID": "", "HCP_CLIENT_SECRET": "unused"},
			want: Location{OrganizationID: orgB, ProjectID: projB},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeHCP(t)
			seedTwoOrgs(f)
			if tt.orgs != nil {
				f.orgs = tt.orgs
			}
			f.setEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			tt.cfg.ClientID, tt.cfg.ClientSecret = f.clientID, f.clientSecret

			c, warnings, err := New(context.Background(), tt.cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := c.Location(); got != tt.want {
				t.Errorf("Location() = %+v, want %+v", got, tt.want)
			}
			if len(warnings) != tt.wantWarnings {
				t.Errorf("warnings = %q, want %d", warnings, tt.wantWarnings)
			}
			for _, w := range warnings {
				if !strings.Contains(w, projOld) || !strings.Contains(w, "oldest") {
					t.Errorf("warning %q does not name the chosen oldest project", w)
				}
			}
		})
	}
}

func TestNewFailsWithOneClearSentence(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		orgs      []fakeOrg
		badSecret bool
		wantCode  codes.Code
		wantText  []string
	}{
		{
			name:      "credentials rejected",
			badSecret: true,
			cfg:       Config{ProjectID: projOld},
			wantCode:  codes.Unauthenticated,
			wantText:  []string{"HCP rejected the credentials", "invalid_client"},
		},
		{
			name:     "several organizations",
			wantCode: codes.InvalidArgument,
			wantText: []string{"2 HCP organizations", orgA, orgB, "set project_id"},
		},
		{
			name:     "no organization",
			orgs:     []fakeOrg{},
			wantCode: codes.NotFound,
			wantText: []string{"do not have access to any HCP organization"},
		},
		{
			name:     "project not found",
			cfg:      Config{ProjectID: projGone},
			wantCode: codes.NotFound,
			wantText: []string{"could not read HCP project", projGone, "project not found"},
		},
		{
			name:     "organization that is not the project's parent",
			cfg:      Config{ProjectID: projB, OrganizationID: orgA},
			wantCode: codes.InvalidArgument,
			wantText: []string{"organization_id", orgA, "belongs to", orgB},
		},
		{
			name:     "organization without readable projects",
			cfg:      Config{OrganizationID: "99999999-9999-4999-8999-999999999999"},
			wantCode: codes.NotFound,
			wantText: []string{"cannot read any project"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeHCP(t)
			seedTwoOrgs(f)
			if tt.orgs != nil {
				f.orgs = tt.orgs
			}
			f.setEnv(t)
			tt.cfg.ClientID, tt.cfg.ClientSecret = f.clientID, f.clientSecret
			if tt.badSecret {
				tt.cfg.ClientSecret = "wrong-" + f.clientSecret
			}

			_, _, err := New(context.Background(), tt.cfg)
			if err == nil {
				t.Fatal("New succeeded, want an error")
			}
			// The provider shows MessageOf(err) to the user.
			msg := MessageOf(err)
			if CodeOf(err) != tt.wantCode {
				t.Errorf("CodeOf(%v) = %s, want %s", err, CodeOf(err), tt.wantCode)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
			if strings.Contains(msg, f.clientSecret) {
				t.Errorf("error %q contains the client secret", msg)
			}
			if strings.Count(msg, "\n") > 0 {
				t.Errorf("error %q spans several lines", msg)
			}
		})
	}
}

func TestNewReportsAPermissionDeniedProject(t *testing.T) {
	f := newFakeHCP(t)
	seedTwoOrgs(f)
	f.forbidden[projB] = true
	f.setEnv(t)

	_, _, err := New(context.Background(), Config{ClientID: f.clientID, ClientSecret: f.clientSecret, ProjectID: projB})
	if !IsPermissionDenied(err) {
		t.Fatalf("IsPermissionDenied(%v) = false, want true", err)
	}
	if msg := MessageOf(err); !strings.Contains(msg, "could not read HCP project") || !strings.Contains(msg, "may not read project") {
		t.Errorf("error %q lost the server's message", err)
	}
}

func TestNewWithoutCredentials(t *testing.T) {
	f := newFakeHCP(t)
	f.setEnv(t)

	_, _, err := New(context.Background(), Config{ProjectID: projOld})
	if err == nil || !strings.Contains(MessageOf(err), "no HCP credentials found") {
		t.Fatalf("New without credentials: %v, want the no-credentials error", err)
	}
	if len(f.recorded()) != 0 {
		t.Errorf("New sent %d API requests without credentials", len(f.recorded()))
	}
}

func TestNewUsesCredentialsFromTheEnvironmentAndFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fakeHCP) Config
	}{
		{
			name: "HCP_CLIENT_ID and HCP_CLIENT_SECRET",
			setup: func(t *testing.T, f *fakeHCP) Config {
				t.Setenv("HCP_CLIENT_ID", f.clientID)
				t.Setenv("HCP_CLIENT_SECRET", f.clientSecret)
				return Config{}
			},
		},
		{
			name: "credential_file wins over HCP_CLIENT_* in the environment",
			setup: func(t *testing.T, f *fakeHCP) Config {
				t.Setenv("HCP_CLIENT_ID", "someone-else")
				t.Setenv("HCP_CLIENT_SECRET", "their-secret")
				return Config{CredentialFile: writeCredentialFile(t, f.clientID, f.clientSecret)}
			},
		},
		{
			name: "HCP_CRED_FILE",
			setup: func(t *testing.T, f *fakeHCP) Config {
				t.Setenv("HCP_CRED_FILE", writeCredentialFile(t, f.clientID, f.clientSecret))
				return Config{}
			},
		},
		{
			name: "explicit client_id with HCP_CLIENT_SECRET",
			setup: func(t *testing.T, f *fakeHCP) Config {
				t.Setenv("HCP_CLIENT_SECRET", f.clientSecret)
				return Config{ClientID: f.clientID}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeHCP(t)
			seedTwoOrgs(f)
			f.setEnv(t)
			cfg := tt.setup(t, f)
			cfg.ProjectID = projOld
			c, _, err := New(context.Background(), cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if c.Location().ProjectID != projOld {
				t.Errorf("Location() = %+v", c.Location())
			}
		})
	}
}

func writeCredentialFile(t *testing.T, id, secret string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cred_file.json")
	data, err := json.Marshal(map[string]any{
		"scheme": "service_principal_creds",
		"oauth":  map[string]any{"client_id": id, "client_secret": secret},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestResolveLocationCachesOtherProjects(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	seedTwoOrgs(f)
	def := Location{OrganizationID: orgA, ProjectID: projOld}
	c := f.client(def)
	ctx := context.Background()

	for _, tt := range []struct {
		project string
		want    Location
	}{
		{"", def},
		{projOld, def},
		{projB, Location{OrganizationID: orgB, ProjectID: projB}},
		{projB, Location{OrganizationID: orgB, ProjectID: projB}},
	} {
		got, err := c.ResolveLocation(ctx, tt.project)
		if err != nil {
			t.Fatalf("ResolveLocation(%q): %v", tt.project, err)
		}
		if got != tt.want {
			t.Errorf("ResolveLocation(%q) = %+v, want %+v", tt.project, got, tt.want)
		}
	}
	if n := len(f.recorded()); n != 1 {
		t.Errorf("ResolveLocation made %d requests, want 1 (the default needs none, a repeat is cached)", n)
	}

	_, err := c.ResolveLocation(ctx, projGone)
	if !IsNotFound(err) {
		t.Errorf("ResolveLocation(missing project) = %v, want NotFound", err)
	}
}

// TestNewRefusesAnAPIAddressWithAScheme checks that a URL in
// HCP_API_ADDRESS is refused before any request, with the shape expected.
func TestNewRefusesAnAPIAddressWithAScheme(t *testing.T) {
	f := newFakeHCP(t)
	seedTwoOrgs(f)
	f.setEnv(t)
	t.Setenv("HCP_API_ADDRESS", "https://"+f.address())

	_, _, err := New(context.Background(), Config{ClientID: f.clientID, ClientSecret: f.clientSecret, ProjectID: projB})
	if CodeOf(err) != codes.InvalidArgument {
		t.Fatalf("New = %v, want InvalidArgument", err)
	}
	if msg := MessageOf(err); !strings.Contains(msg, "HCP_API_ADDRESS") || !strings.Contains(msg, "host:port") {
		t.Errorf("error %q does not say HCP_API_ADDRESS takes host:port", msg)
	}
	if got := f.recorded(); len(got) != 0 {
		t.Errorf("New sent %d API requests before refusing the address", len(got))
	}
}

// TestNewNamesTheUnreachableAPIAddress checks that an API that cannot be
// reached is reported with its address and the variables that set it, not
// as a problem of the project the first call was for. The API address
// points at a plain HTTP server while HCP_API_TLS asks for TLS.
func TestNewNamesTheUnreachableAPIAddress(t *testing.T) {
	f := newFakeHCP(t)
	seedTwoOrgs(f)
	f.setEnv(t)
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	addr := strings.TrimPrefix(plain.URL, "http://")
	t.Setenv("HCP_API_ADDRESS", addr)

	_, _, err := New(context.Background(), Config{ClientID: f.clientID, ClientSecret: f.clientSecret, ProjectID: projB})
	if CodeOf(err) != codes.Unavailable {
		t.Fatalf("New = %v, want Unavailable", err)
	}
	msg := MessageOf(err)
	for _, want := range []string{addr, "HCP_API_ADDRESS", "HCP_API_TLS"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %s", msg, want)
		}
	}
	if strings.Contains(msg, "could not read HCP project") || strings.Contains(msg, "project_id") {
		t.Errorf("error %q blames the project", msg)
	}
}
