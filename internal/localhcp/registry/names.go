package registry

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	// Packer's own rule for bucket names (hcl2template hcp_packer_registry);
	// the server enforces it so nothing Packer cannot address gets in.
	bucketNamePattern = regexp.MustCompile(`^[a-zA-Z0-9-]{3,36}$`)
	// The slug rule the official provider applies to channel names.
	channelNamePattern = regexp.MustCompile(`^[\da-zA-Z][-a-zA-Z\d]{1,34}[\da-zA-Z]$`)
	// The fingerprint rule of CreateVersionBody's documentation.
	fingerprintPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,38}[A-Za-z0-9])?$`)
)

// MaxDescriptionLength is the longest bucket description Packer accepts.
const MaxDescriptionLength = 255

// ValidateBucketName refuses a name Packer could not use.
func ValidateBucketName(name string) error {
	if !bucketNamePattern.MatchString(name) {
		return invalid("bucket_name %s is invalid: use 3 to 36 ASCII letters, digits and hyphens", quoteShort(name))
	}
	return nil
}

// ValidateChannelName refuses a name that is not a 3-36 character slug.
func ValidateChannelName(name string) error {
	if !channelNamePattern.MatchString(name) {
		return invalid("channel name %s is invalid: use 3 to 36 ASCII letters, digits and hyphens, starting and ending with a letter or digit", quoteShort(name))
	}
	return nil
}

// ValidateFingerprint refuses a fingerprint outside the documented rule.
func ValidateFingerprint(fp string) error {
	if !fingerprintPattern.MatchString(fp) {
		return invalid("fingerprint %s is invalid: use 1 to 40 ASCII letters, digits, '.', '_' or '-', starting and ending with a letter or digit", quoteShort(fp))
	}
	return nil
}

// ValidateDescription refuses a bucket description longer than Packer allows.
func ValidateDescription(d string) error {
	if n := len([]rune(d)); n > MaxDescriptionLength {
		return invalid("description is %d characters long; the limit is %d", n, MaxDescriptionLength)
	}
	return nil
}

// MaxLabelsBytes bounds the keys and values of one bucket's or one build's
// labels together, so every answer that carries them stays small.
const MaxLabelsBytes = 64 << 10

// ValidateLabels refuses empty label keys, over-long keys or values, which
// no client can address, and labels larger than MaxLabelsBytes in all.
func ValidateLabels(field string, labels map[string]string) error {
	total := 0
	for k, v := range labels {
		if strings.TrimSpace(k) == "" {
			return invalid("%s has an empty key; every label needs a name", field)
		}
		if len(k) > 255 || len(v) > 1024 {
			return invalid("%s key %s is too long: keys may have 255 bytes and values 1024", field, quoteShort(k))
		}
		total += len(k) + len(v)
	}
	if total > MaxLabelsBytes {
		return invalid("%s hold %d bytes of keys and values; the limit is %d bytes (64 KiB) for a bucket's or a build's labels: keep fewer or shorter labels", field, total, MaxLabelsBytes)
	}
	return nil
}

// MaxRevokeIn is the furthest a revoke_in may schedule a revocation: 100
// years of 365 days.
const MaxRevokeIn = 36500 * 24 * time.Hour

// maxRevokeInText is MaxRevokeIn in revoke_in's own notation.
const maxRevokeInText = "36500d"

// ParseRevokeIn parses UpdateVersion's revoke_in: a sequence of decimal
// numbers with units d, h, m or s ("30d", "2h45m", "0s").
func ParseRevokeIn(s string) (time.Duration, error) {
	bad := invalid("revoke_in %s is invalid: use a duration such as \"30d\", \"2h45m\" or \"0s\" (units d, h, m, s)", quoteShort(s))
	tooFar := invalid("revoke_in %s is too far in the future: the limit is %s (100 years); schedule the revocation sooner", quoteShort(s), maxRevokeInText)
	if s == "" {
		return 0, bad
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) || i > 9 {
			return 0, bad
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return 0, bad
		}
		var unit time.Duration
		switch rest[i] {
		case 'd':
			unit = 24 * time.Hour
		case 'h':
			unit = time.Hour
		case 'm':
			unit = time.Minute
		case 's':
			unit = time.Second
		default:
			return 0, bad
		}
		// Each term is checked against the bound before it is multiplied
		// and added, so neither the product nor the sum can wrap around.
		if time.Duration(n) > MaxRevokeIn/unit {
			return 0, tooFar
		}
		if total += time.Duration(n) * unit; total > MaxRevokeIn {
			return 0, tooFar
		}
		rest = rest[i+1:]
	}
	return total, nil
}

// quoteShort quotes a user-supplied value for a message, cutting it so an
// over-long input cannot bloat the answer.
func quoteShort(s string) string {
	const limit = 64
	if len(s) > limit {
		return fmt.Sprintf("%q (%d bytes)", s[:limit]+"…", len(s))
	}
	return fmt.Sprintf("%q", s)
}
