package publish

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
)

func TestParseEnv(t *testing.T) {
	t.Parallel()
	creds := []string{"HCP_CLIENT_ID=id", "HCP_CLIENT_SECRET=secret"}
	e, err := parseEnv(append(creds, "HCP_AUTH_URL=https://127.0.0.1:9/ignored/path", "HCP_AUTH_TLS=insecure",
		"HCP_API_ADDRESS=127.0.0.1:9", "HCP_API_TLS=disabled", "HCP_ORGANIZATION_ID=o", "HCP_PROJECT_ID=p"))
	if err != nil {
		t.Fatal(err)
	}
	if e.authURL != "https://127.0.0.1:9" || !e.authTLS.InsecureSkipVerify || e.apiAddress != "127.0.0.1:9" || e.apiTLS != nil ||
		e.organizationID != "o" || e.projectID != "p" {
		t.Fatalf("parsed %+v", e)
	}
	e, err = parseEnv(append(creds, "HCP_API_HOST=HTTPS://api.example:443", "HCP_AUTH_TLS=disabled"))
	if err != nil {
		t.Fatal(err)
	}
	if e.apiAddress != "api.example:443" || e.authTLS == nil || e.authTLS.InsecureSkipVerify || e.authURL != defaultAuthURL {
		t.Fatalf("parsed %+v", e)
	}
	for _, bad := range [][]string{
		{"HCP_CLIENT_ID=id"},
		append(creds, "HCP_AUTH_URL=http://127.0.0.1:9"),
		append(creds, "HCP_API_TLS=false"),
	} {
		if _, err := parseEnv(bad); err == nil {
			t.Errorf("parseEnv(%q) succeeded", bad)
		}
	}
}

func TestErrorCodeReadsTheBodyCodeAsPackerDoes(t *testing.T) {
	t.Parallel()
	cases := map[string]codes.Code{
		`[GET /x][409] PackerService_GetVersion default {"code":10,"details":[],"message":"m"}`: codes.Aborted,
		`[GET /x][404] default {"Code":5}`: codes.NotFound,
		`connection refused`:               codes.Unknown,
	}
	for msg, want := range cases {
		if got := codeOf(errors.New(msg)); got != want {
			t.Errorf("codeOf(%q) = %s, want %s", msg, got, want)
		}
	}
	if codeOf(nil) != codes.OK {
		t.Error("codeOf(nil) != OK")
	}
}

func TestWithDefaultsGivesNullBuilderValuesAndDistinctComponents(t *testing.T) {
	t.Parallel()
	got := withDefaults([]Build{{}, {Platform: "aws"}, {ComponentType: "amazon-ebs.x"}})
	if got[0].ComponentType != "null.example" || got[0].Platform != "null" || got[0].Region != "null" || got[0].ExternalIdentifier != "Null" {
		t.Fatalf("defaults = %+v", got[0])
	}
	if got[1].ComponentType != "null.example2" || got[1].Platform != "aws" || got[2].ComponentType != "amazon-ebs.x" {
		t.Fatalf("builds = %+v", got)
	}
}

func TestPublishValidatesOptions(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]Options{
		"no bucket":           {Builds: []Build{{}}},
		"no builds":           {Bucket: "b"},
		"channel w/o version": {Bucket: "b", Builds: []Build{{}}, ParentChannelID: "c"},
		"duplicate component": {Bucket: "b", Builds: []Build{{ComponentType: "a.b"}, {ComponentType: "a.b"}}},
	} {
		if _, err := Publish(t.Context(), []string{}, o); err == nil || strings.Contains(err.Error(), "HCP_CLIENT_ID") {
			t.Errorf("%s: err = %v, want an option error before any network call", name, err)
		}
	}
}
