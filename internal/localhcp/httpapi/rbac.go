package httpapi

import (
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// Roles, as localhcp's command line and principals file name them; in
// policies they are roles/viewer and so on (package iam).
const (
	RoleViewer      = "viewer"
	RoleContributor = "contributor"
	RoleAdmin       = "admin"
)

// secretReads are reads that answer with a secret, and why. HCP Packer's
// permissions reference gives viewers "view HCP Packer resources" and
// keeps "create and manage registry" to contributors and admins; the run
// task's HMAC key is how HCP Terraform is set up to trust the registry, so
// reading it is managing the registry, not viewing it.
var secretReads = map[string]string{
	"packer.runtasks.get": "it answers with the run task's HMAC key, a secret of the registry",
}

// neededRank is the lowest role rank that may perform an action: viewers
// read (get, list, wait) except secretReads, administrators manage
// identities and policies (actions of the iam service and setiampolicy),
// contributors do everything else.
func neededRank(action string) int {
	switch {
	case action == "" || isRead(action) && secretReads[action] == "":
		return iam.RankViewer
	case strings.HasPrefix(action, "iam.") || strings.HasSuffix(action, ".setiampolicy"):
		return iam.RankAdmin
	default:
		return iam.RankContributor
	}
}

// allowed reports whether a role ("viewer", "contributor", "admin",
// "owner") may perform an action.
func allowed(role, action string) bool {
	return iam.Rank(iam.RoleID(role)) >= neededRank(action)
}

func isRead(action string) bool {
	i := strings.LastIndexByte(action, '.')
	switch action[i+1:] {
	case "get", "list", "wait", "getiampolicy":
		return true
	}
	return false
}

// Authorize answers nil when principal p may perform action in project
// projectID ("" for the organization itself) on bucket ("" when the action
// is on no bucket), and otherwise PermissionDenied naming the principal,
// the action, the bucket and the role it would need. p's effective role
// is the highest it holds on the organization, the project and the
// bucket (CONTRACT.md §2.3).
func (h *Handler) Authorize(p store.Principal, action, projectID, bucket string) error {
	rank := h.auth.ids.Load().rank(p.ID, projectID, bucket)
	if rank >= neededRank(action) {
		return nil
	}
	return registry.Errorf(codes.PermissionDenied, "%s", refusal(p, rank, action, projectID, bucket))
}

// rank is the highest role rank a principal holds on the organization,
// projectID and bucket together.
func (ids *identities) rank(principalID, projectID, bucket string) int {
	r := ids.ranks[ids.orgResource][principalID]
	if projectID != "" {
		r = max(r, ids.ranks[iam.ProjectResource(projectID)][principalID])
		if bucket != "" {
			r = max(r, ids.ranks[iam.BucketResource(projectID, bucket)][principalID])
		}
	}
	return r
}

// bucketsReadable lists the buckets of a project on which a principal
// holds a role of its own, for a principal that may not list the
// project's buckets.
func (ids *identities) bucketsReadable(principalID, projectID string) map[string]bool {
	prefix := iam.BucketResource(projectID, "")
	out := map[string]bool{}
	for res, members := range ids.ranks {
		if name, ok := strings.CutPrefix(res, prefix); ok && members[principalID] >= iam.RankViewer {
			out[name] = true
		}
	}
	return out
}

// denial is the message with which a principal holding only its
// organization role is refused an action.
func denial(p store.Principal, action, projectID string) string {
	return refusal(p, iam.Rank(iam.RoleID(p.Role)), action, projectID, "")
}

func refusal(p store.Principal, rank int, action, projectID, bucket string) string {
	role := "no role"
	if rank != iam.RankNone {
		role = "role " + iam.ShortRole(iam.RoleOfRank(rank))
	}
	where, on := "", "the organization"
	switch {
	case bucket != "":
		where = fmt.Sprintf(" on bucket %q in project %s", bucket, projectID)
		on = fmt.Sprintf("bucket %q, its project or the organization", bucket)
	case projectID != "":
		where = " in project " + projectID
		on = "the project or the organization"
	}
	why := ""
	if reason := secretReads[action]; reason != "" {
		why = " (" + reason + ")"
	}
	return fmt.Sprintf("principal %q (%s) may not %s%s%s: it needs %s or higher on %s",
		p.Name, role, action, where, why, iam.RoleOfRank(neededRank(action)), on)
}
