package provider

import (
	"context"
	"fmt"
	"regexp"

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

// uuidPattern matches the UUIDs HCP uses for organizations and projects.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

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
	return []validator.String{stringvalidator.RegexMatches(uuidPattern, "must be an HCP project id (a UUID)")}
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
