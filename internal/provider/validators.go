package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

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

// requestTimeoutValidator checks the provider's request_timeout: a Go
// duration, positive and at most client.MaxRequestTimeout.
type requestTimeoutValidator struct{}

func (requestTimeoutValidator) Description(_ context.Context) string {
	return fmt.Sprintf("must be a positive duration of at most %s, such as 30s or 2m", client.MaxRequestTimeout)
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
