package provider

// The words every resource and data source uses for the same failure, so
// that a user reads one message for one problem wherever it happens.

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// access is what a Terraform operation needs of the provider's credentials,
// so that a refusal names the role that allows the whole operation: reading
// (refresh, import, data sources) needs the viewer role; creating, changing,
// deleting, and planning such a change need the contributor role; reading
// the run task's HMAC key, a secret of the registry, needs the contributor
// role too, whatever the operation.
type access int

const (
	readAccess access = iota
	writeAccess
	secretAccess
	adminAccess
)

func (a access) role() string {
	switch a {
	case writeAccess:
		return "at least the contributor role"
	case secretAccess:
		return "at least the contributor role (a viewer may not read the run task's HMAC key)"
	case adminAccess:
		return "the admin role (only an admin may change IAM policies)"
	default:
		return "at least the viewer role"
	}
}

// apiFailure is the one place an error of the HCP client becomes the summary
// and detail of a diagnostic, for resources and data sources alike. summary
// is the caller's ("Unable to Create Bucket"); failures the user fixes the
// same way wherever they happen (credentials, permissions) have their own.
// action says what the provider tried, naming the objects ("create bucket
// \"web\" in project \"…\""), so the user can tell which call failed.
func apiFailure(summary, action string, need access, err error) (string, string) {
	msg := strings.TrimSuffix(client.MessageOf(err), ".")
	switch code := client.CodeOf(err); {
	case code == codes.PermissionDenied:
		return "Permission Denied", fmt.Sprintf("The credentials may not %s: %s. Use a service principal with %s "+
			"on the project, the organization or (for one bucket's objects) the bucket, or check project_id.", action, msg, need.role())
	case code == codes.Unauthenticated:
		return "Authentication Failed", fmt.Sprintf("HCP did not accept the provider's credentials when trying to %s: %s. "+
			"Check client_id and client_secret (or HCP_CLIENT_ID and HCP_CLIENT_SECRET, or the credential file), "+
			"or, with workload_identity, that the CI job's token is still valid and the workload identity provider and "+
			"its service principal still exist.", action, msg)
	case transient(code) && !client.IsUnreachable(err):
		return summary, fmt.Sprintf("Could not %s: %s. Retry; if it keeps failing, check the HCP API address "+
			"and HCP's status.", action, msg)
	default:
		// An unreachable API's message names the settings to check; other
		// codes carry the registry's own reason.
		return summary, fmt.Sprintf("Could not %s: %s.", action, msg)
	}
}

// transient reports whether a call failing with code may succeed when
// retried unchanged.
func transient(code codes.Code) bool {
	switch code {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Internal, codes.ResourceExhausted, codes.Aborted, codes.Unknown:
		return true
	default:
		return false
	}
}

// reportAPIError adds the diagnostic apiFailure describes.
func reportAPIError(diags *diag.Diagnostics, summary, action string, need access, err error) {
	diags.AddError(apiFailure(summary, action, need, err))
}

// versionNotComplete is the error for a version whose builds have not all
// finished. subject names the version (versionPhrase, or a lookup's
// description with its channel); purpose says why that matters here ("" or
// "; only a complete version can be assigned …"); instead is what else the
// user can do; attribute holds what chose the version.
func versionNotComplete(subject string, v *client.Version, purpose, instead, attribute string) *lookupError {
	return &lookupError{
		Attribute: attribute,
		Summary:   "Version Not Complete",
		Detail: fmt.Sprintf("%s is not complete: its status is %s, so not every build has finished and its artifacts are not final%s. "+
			"Finish it (run packer build again with HCP_PACKER_BUILD_FINGERPRINT=%s), or %s.",
			subject, v.Status, purpose, v.Fingerprint, instead),
	}
}

// versionPhrase names a version the way every diagnostic does:
// `Version v3 (fingerprint "abc") of bucket "web"`.
func versionPhrase(v *client.Version, bucket string) string {
	return fmt.Sprintf("Version %s (fingerprint %q) of bucket %q", v.Name, v.Fingerprint, bucket)
}

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
