// Package iam holds localhcp's identity and access rules as plain
// functions: the resource names of service principals, keys and the
// resources a policy binds to, the basic roles and what each may do.
package iam

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// The basic roles, as HCP names them in policies.
const (
	RoleViewer      = "roles/viewer"
	RoleContributor = "roles/contributor"
	RoleAdmin       = "roles/admin"
	RoleOwner       = "roles/owner"
)

// Ranks of the basic roles: a role may do everything a lower one may.
const (
	RankNone = iota
	RankViewer
	RankContributor
	RankAdmin
	RankOwner
)

var ranks = map[string]int{RoleViewer: RankViewer, RoleContributor: RankContributor, RoleAdmin: RankAdmin, RoleOwner: RankOwner}

// Rank is the rank of a role id, RankNone for a role localhcp does not know.
func Rank(roleID string) int { return ranks[roleID] }

// KnownRole reports whether roleID is one of the basic roles.
func KnownRole(roleID string) bool { return ranks[roleID] != RankNone }

// RoleOfRank is the role id of a rank, "" for RankNone.
func RoleOfRank(rank int) string {
	for id, r := range ranks {
		if r == rank {
			return id
		}
	}
	return ""
}

// ShortRole is a role id without its "roles/" prefix ("viewer"), the
// spelling of localhcp's command line and principals file.
func ShortRole(roleID string) string { return strings.TrimPrefix(roleID, "roles/") }

// RoleID is the role id of a short role name ("viewer" → "roles/viewer").
func RoleID(short string) string {
	if short == "" || strings.HasPrefix(short, "roles/") {
		return short
	}
	return "roles/" + short
}

// MemberServicePrincipal is the member type of a service principal in a
// policy binding.
const MemberServicePrincipal = "SERVICE_PRINCIPAL"

// Resource keys under which policies are kept: the names HCP gives the
// organization, a project and a Packer bucket.
func OrganizationResource(orgID string) string { return "organization/" + orgID }

// ProjectResource is the resource key of a project's policy.
func ProjectResource(projectID string) string { return "project/" + projectID }

// BucketResource is a bucket's resource name, as the Packer API returns it.
func BucketResource(projectID, bucket string) string {
	return "packer/project/" + projectID + "/bucket/" + bucket
}

// ParseBucketResource splits packer/project/<project>/bucket/<name>.
func ParseBucketResource(rn string) (projectID, bucket string, ok bool) {
	p := strings.Split(rn, "/")
	if len(p) != 5 || p[0] != "packer" || p[1] != "project" || p[3] != "bucket" || p[2] == "" || p[4] == "" {
		return "", "", false
	}
	return p[2], p[4], true
}

// Parent is where a service principal lives: a project, or the
// organization when ProjectID is "".
type Parent struct {
	OrganizationID string
	ProjectID      string
}

// String is the parent's resource name: project/<id> or organization/<id>.
func (p Parent) String() string {
	if p.ProjectID != "" {
		return ProjectResource(p.ProjectID)
	}
	return OrganizationResource(p.OrganizationID)
}

// ParseParent reads project/<id> or organization/<id>. The organization of
// a project parent is left for the caller to fill.
func ParseParent(s string) (Parent, bool) {
	kind, id, ok := strings.Cut(s, "/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return Parent{}, false
	}
	switch kind {
	case "project":
		return Parent{ProjectID: id}, true
	case "organization":
		return Parent{OrganizationID: id}, true
	}
	return Parent{}, false
}

// PrincipalName is a service principal's resource name:
// iam/project/<id>/service-principal/<name> or
// iam/organization/<id>/service-principal/<name>.
func PrincipalName(p Parent, name string) string {
	return "iam/" + p.String() + "/service-principal/" + name
}

// KeyName is a key's resource name: its principal's followed by
// /key/<key id>.
func KeyName(principalName, keyID string) string { return principalName + "/key/" + keyID }

// ParsedName is a resource name under /2019-12-10/ that names a service
// principal or one of its keys.
type ParsedName struct {
	Parent Parent
	Name   string // the service principal's name
	KeyID  string // "" unless the name is a key's
}

// ParseName reads a service principal or key resource name.
func ParseName(rn string) (ParsedName, bool) {
	p := strings.Split(rn, "/")
	if (len(p) != 5 && len(p) != 7) || p[0] != "iam" || p[3] != "service-principal" || p[4] == "" {
		return ParsedName{}, false
	}
	parent, ok := ParseParent(p[1] + "/" + p[2])
	if !ok {
		return ParsedName{}, false
	}
	out := ParsedName{Parent: parent, Name: p[4]}
	if len(p) == 7 {
		if p[5] != "key" || p[6] == "" {
			return ParsedName{}, false
		}
		out.KeyID = p[6]
	}
	return out, true
}

var namePart = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// CheckName checks a service principal name the way the official provider
// validates it: 3 to 36 characters, alphanumerics first, then
// alphanumerics, dashes, underscores or dots.
func CheckName(name string) error { return checkNamePart("service principal", name) }

// CheckProviderName checks a workload identity provider name: the rules of
// service principal names, as the official provider validates both.
func CheckProviderName(name string) error { return checkNamePart("workload identity provider", name) }

func checkNamePart(kind, name string) error {
	if len(name) < 3 || len(name) > 36 || !namePart.MatchString(name) {
		return fmt.Errorf("%s name %q is invalid: use 3 to 36 characters, starting with a letter or digit, then letters, digits, dashes, underscores or dots", kind, truncate(name))
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// ProviderName is a workload identity provider's resource name: its
// principal's followed by /workload-identity-provider/<name>.
func ProviderName(principalName, name string) string {
	return principalName + "/workload-identity-provider/" + name
}

// ParseProviderName reads a workload identity provider's resource name,
// iam/project/<id>/service-principal/<sp>/workload-identity-provider/<name>;
// only project principals have providers.
func ParseProviderName(rn string) (principal ParsedName, name string, ok bool) {
	sp, name, found := strings.Cut(rn, "/workload-identity-provider/")
	if !found || name == "" || strings.Contains(name, "/") {
		return ParsedName{}, "", false
	}
	principal, ok = ParseName(sp)
	if !ok || principal.KeyID != "" || principal.Parent.ProjectID == "" {
		return ParsedName{}, "", false
	}
	return principal, name, true
}

// NewPrincipalID is a fresh, opaque principal id: its name with a random
// suffix, readable in author_id fields.
func NewPrincipalID(name string) string { return name + "-" + randomHex(4) }

// NewClientID is a fresh client id. The prefix keeps localhcp's client ids
// from ever matching a real HCP one, whose tokens share hcp-sdk-go's
// on-disk cache.
func NewClientID() string { return "localhcp-" + randomHex(12) }

// NewSecret is a fresh client secret.
func NewSecret() string {
	b := make([]byte, 36)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

const keyIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewKeyID is a fresh key id, ten letters and digits as in HCP's own key
// resource names.
func NewKeyID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = keyIDAlphabet[int(b[i])%len(keyIDAlphabet)]
	}
	return string(b)
}

// HashSecret is what localhcp keeps of a key's secret: neither the
// database nor a log line holds a usable one.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
