package provider

// The words every resource and data source uses for the same failure, so
// that a user reads one message for one problem wherever it happens.

import (
	"fmt"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// revocationDetails says when v is or will be revoked and why:
// `2026-03-01T11:00:00Z (message "CVE-1", inherited from version "abc" of bucket "base")`.
// v must carry a revocation.
func revocationDetails(v *client.Version) string {
	var reasons []string
	if v.RevocationMessage != "" {
		reasons = append(reasons, fmt.Sprintf("message %q", v.RevocationMessage))
	}
	if v.RevocationInheritedFrom != nil {
		reasons = append(reasons, fmt.Sprintf("inherited from version %q of bucket %q",
			v.RevocationInheritedFrom.VersionFingerprint, v.RevocationInheritedFrom.BucketName))
	}
	at := v.RevokeAt.UTC().Format(time.RFC3339)
	if len(reasons) == 0 {
		return at
	}
	return at + " (" + strings.Join(reasons, ", ") + ")"
}

// versionNotFound is the error for a fingerprint that names no version of
// bucket. purpose says what the version was wanted for (" to revoke"), and
// attribute is the attribute that holds the fingerprint ("" when the
// fingerprint came from an import id).
func versionNotFound(projectID, bucket, fingerprint, purpose, attribute string) *lookupError {
	check := attribute
	if check == "" {
		check = "the import id"
	}
	return &lookupError{
		Attribute: attribute,
		Summary:   "Version Not Found",
		Detail: fmt.Sprintf("Bucket %q in project %q has no version with fingerprint %q%s. Check %s and the bucket name; "+
			"packer build prints the fingerprint of each version it publishes (\"Tracking build on HCP Packer with fingerprint …\").",
			bucket, projectID, fingerprint, purpose, check),
	}
}
