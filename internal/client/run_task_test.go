package client

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// The coalescer's test double passes the run task through; nothing it
// records depends on it.
func (f *recordingAPI) GetRunTask(context.Context, Location) (*RunTask, error) {
	return &RunTask{APIURL: "https://example.test/runtasks/validation", HMACKey: "key"}, nil
}

func (f *recordingAPI) RegenerateRunTaskKey(context.Context, Location) (string, error) {
	return "new-key", nil
}

var hmacKeyPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

func TestLocalHCPRunTask(t *testing.T) {
	srv := startLocalHCP(t, localhcp.Options{})
	ctx := context.Background()

	useEnv(t, srv.Env("contributor"))
	c, _, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	loc := c.Location()
	first, err := c.GetRunTask(ctx, loc)
	if err != nil {
		t.Fatalf("GetRunTask: %v", err)
	}
	wantURL := "/packer/2023-01-01/organizations/" + loc.OrganizationID + "/projects/" + loc.ProjectID + "/runtasks/validation"
	if !strings.HasSuffix(first.APIURL, wantURL) || !hmacKeyPattern.MatchString(first.HMACKey) {
		t.Fatalf("GetRunTask = %q with a key of %d characters; want an api_url ending in %s and a 64-digit hex key",
			first.APIURL, len(first.HMACKey), wantURL)
	}

	regenerated, err := c.RegenerateRunTaskKey(ctx, loc)
	if err != nil {
		t.Fatalf("RegenerateRunTaskKey: %v", err)
	}
	if regenerated == first.HMACKey || !hmacKeyPattern.MatchString(regenerated) {
		t.Fatal("RegenerateRunTaskKey did not answer a new 64-digit hex key")
	}
	after, err := c.GetRunTask(ctx, loc)
	if err != nil {
		t.Fatalf("GetRunTask after the regeneration: %v", err)
	}
	if after.HMACKey != regenerated || after.APIURL != first.APIURL {
		t.Error("GetRunTask after the regeneration does not return the new key and the same api_url")
	}

	useEnv(t, srv.Env("viewer"))
	viewer, _, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := viewer.GetRunTask(ctx, loc); !IsPermissionDenied(err) || MessageOf(err) == "" {
		t.Errorf("GetRunTask as viewer = %v, want PermissionDenied with the server's message", err)
	}
	if _, err := viewer.RegenerateRunTaskKey(ctx, loc); !IsPermissionDenied(err) {
		t.Errorf("RegenerateRunTaskKey as viewer = %v, want PermissionDenied", err)
	}
}
