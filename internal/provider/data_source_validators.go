package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// ulidPattern matches a ULID in Crockford base32, either case: the form of
// every HCP Packer object id (versions, builds, artifacts, channels).
var ulidPattern = regexp.MustCompile(`^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$`)

// versionIDValidators check a version id (formerly an iteration id). Catching
// a fingerprint or a name like "v3" here saves a failing API round trip.
func versionIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(ulidPattern,
		`must be a version id: a 26-character ULID such as "01HZX3Q6W8V4JZ6Q1E2R3T4Y5V", not a fingerprint or a name like "v3"`)}
}
