package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// slugPattern is HCP's rule for bucket and channel names: 3–36 letters,
// digits and hyphens, starting and ending with a letter or digit. The
// official provider applies it to the same names in its data sources.
var slugPattern = regexp.MustCompile(`^[\da-zA-Z][-a-zA-Z\d]{1,34}[\da-zA-Z]$`)

// fingerprintPattern is HCP's rule for version fingerprints: 1–40 ASCII
// letters, digits, '-', '.' and '_', starting and ending with a letter or digit.
var fingerprintPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,38}[A-Za-z0-9])?$`)

// uuidPattern matches the UUIDs HCP uses for organizations and projects,
// which it writes in lower case and looks up as written: an upper-case
// spelling passed a case-blind check and then was "not found". It is
// refused rather than lowered, so that the id in the configuration, in an
// import id and in state is always the one HCP answers with, and a plan
// never shows a change from one spelling to the other.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// uuidRule is what uuidPattern asks for, in the words of an error.
const uuidRule = "a UUID in lower case, as HCP writes it"

// nameValidators check a bucket or channel name.
func nameValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(slugPattern,
		"must be 3 to 36 characters long, use only letters, digits and hyphens, and start and end with a letter or digit")}
}

// fingerprintValidators check a version fingerprint.
func fingerprintValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(fingerprintPattern,
		"must be 1 to 40 characters long, use only letters, digits, '-', '.' and '_', and start and end with a letter or digit")}
}

// projectIDValidators check an HCP project id.
func projectIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(uuidPattern, "must be an HCP project id ("+uuidRule+")")}
}

// organizationIDValidators check an HCP organization id.
func organizationIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(uuidPattern, "must be an HCP organization id ("+uuidRule+")")}
}

// requestTimeoutValidator checks the provider's request_timeout: a Go
// duration, positive and at most client.MaxRequestTimeout.
type requestTimeoutValidator struct{}

func (requestTimeoutValidator) Description(_ context.Context) string {
	return "must be a positive duration of at most 1h, such as 30s or 2m"
}

func (v requestTimeoutValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v requestTimeoutValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 || d > client.MaxRequestTimeout {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Request Timeout",
			fmt.Sprintf("request_timeout %q %s.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}

// notManagedChannel refuses the managed `latest` channel, which the registry
// moves by itself and nobody may assign. It names the bucket_name next to
// the attribute when that is known.
func notManagedChannel() validator.String { return notManagedChannelValidator{} }

type notManagedChannelValidator struct{}

func (notManagedChannelValidator) Description(context.Context) string {
	return "must not be " + client.LatestChannel + ", the channel HCP Packer manages"
}

func (v notManagedChannelValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (notManagedChannelValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var bucket types.String
	// The bucket only makes the message more precise: a missing or unknown
	// one is left out of it rather than reported.
	_ = req.Config.GetAttribute(ctx, req.Path.ParentPath().AtName("bucket_name"), &bucket)
	checkNotManagedChannel(req.Path, req.ConfigValue.ValueString(), bucket.ValueString(), &resp.Diagnostics)
}

// checkNotManagedChannel is notManagedChannel's rule, for callers without a
// configuration (import).
func checkNotManagedChannel(at path.Path, channel, bucket string, diags *diag.Diagnostics) {
	if channel != client.LatestChannel {
		return
	}
	of := ""
	if bucket != "" {
		of = fmt.Sprintf(" of bucket %q", bucket)
	}
	diags.AddAttributeError(at, "Managed Channel Cannot Be Assigned",
		fmt.Sprintf("Channel %q%s is managed by HCP Packer, which always points it at the newest complete, "+
			"unrevoked version; it cannot be assigned by Terraform. Assign a channel of your own instead.",
			client.LatestChannel, of))
}
