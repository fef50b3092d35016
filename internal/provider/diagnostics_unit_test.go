package provider

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// The same failure reads the same for every resource and data source, and a
// refusal names the role the operation needs: a read the viewer role, a
// change the contributor role.
func TestAPIFailure(t *testing.T) {
	t.Parallel()
	failure := func(code codes.Code, msg string) error {
		return &client.Error{Op: "GetBucket", Code: code, HTTPStatus: 400, Message: msg}
	}
	denied := failure(codes.PermissionDenied, "principal lacks packer.buckets.get")
	cases := []struct {
		name        string
		need        access
		err         error
		wantSummary string
		want        []string
		wantNot     []string
	}{
		{"read refused", readAccess, denied, "Permission Denied",
			[]string{`may not read bucket "web": principal lacks packer.buckets.get.`, "at least the viewer role", "project_id"},
			[]string{"contributor"}},
		{"write refused", writeAccess, denied, "Permission Denied",
			[]string{`may not read bucket "web": principal lacks packer.buckets.get.`, "at least the contributor role"},
			[]string{"viewer"}},
		{"secret refused", secretAccess, denied, "Permission Denied",
			[]string{"at least the contributor role (a viewer may not read the run task's HMAC key)"},
			[]string{"viewer role"}},
		{"credentials refused", readAccess, failure(codes.Unauthenticated, "token expired"), "Authentication Failed",
			[]string{`when trying to read bucket "web": token expired.`, "HCP_CLIENT_ID"}, nil},
		{"service unavailable", readAccess, failure(codes.Unavailable, "try again later."), "Unable to Read Bucket",
			[]string{`Could not read bucket "web": try again later. Retry`}, nil},
		{"refused in the current state", writeAccess, failure(codes.FailedPrecondition, "bucket is locked"), "Unable to Read Bucket",
			[]string{`Could not read bucket "web": bucket is locked.`}, []string{"Retry"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			summary, detail := apiFailure("Unable to Read Bucket", `read bucket "web"`, tc.need, tc.err)
			if summary != tc.wantSummary {
				t.Errorf("summary = %q, want %q", summary, tc.wantSummary)
			}
			for _, s := range tc.want {
				if !strings.Contains(detail, s) {
					t.Errorf("detail %q does not contain %q", detail, s)
				}
			}
			for _, s := range tc.wantNot {
				if strings.Contains(detail, s) {
					t.Errorf("detail %q contains %q", detail, s)
				}
			}
		})
	}
}

func TestRevocationDetails(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 17, 4, 5, 123e6, time.FixedZone("CEST", 2*3600))
	cases := []struct {
		name string
		v    client.Version
		want string
	}{
		{"no reason", client.Version{RevokeAt: &at}, "2030-01-02T15:04:05Z"},
		{"message", client.Version{RevokeAt: &at, RevocationMessage: "CVE-1"}, `2030-01-02T15:04:05Z (message "CVE-1")`},
		{"inherited", client.Version{RevokeAt: &at, RevocationMessage: "CVE-1",
			RevocationInheritedFrom: &client.RevokedAncestor{BucketName: "base", VersionFingerprint: "fp-base"}},
			`2030-01-02T15:04:05Z (message "CVE-1", inherited from version "fp-base" of bucket "base")`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := revocationDetails(&tc.v); got != tc.want {
				t.Errorf("revocationDetails = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestVersionNotFoundPointsAtWhatToFix(t *testing.T) {
	t.Parallel()
	onAttribute := versionNotFound("p1", "web", "fp-x", " to revoke", "version_fingerprint")
	if onAttribute.Attribute != "version_fingerprint" || onAttribute.Summary != "Version Not Found" ||
		!strings.Contains(onAttribute.Detail, `Bucket "web" in project "p1" has no version with fingerprint "fp-x" to revoke. Check version_fingerprint`) {
		t.Errorf("on attribute: %+v", onAttribute)
	}
	fromImport := versionNotFound("p1", "web", "fp-x", " to import", "")
	if fromImport.Attribute != "" || !strings.Contains(fromImport.Detail, "Check the import id") {
		t.Errorf("from an import id: %+v", fromImport)
	}
}
