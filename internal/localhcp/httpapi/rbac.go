package httpapi

import (
	"fmt"
	"strings"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// Roles, as HCP names them.
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

// allowed reports whether a role may perform an action. Viewers only read
// (get, list, wait), and not secretReads; contributors and admins may do
// everything localhcp serves.
func allowed(role, action string) bool {
	switch role {
	case RoleAdmin, RoleContributor:
		return true
	case RoleViewer:
		return action == "" || isRead(action) && secretReads[action] == ""
	default:
		return false
	}
}

func isRead(action string) bool {
	i := strings.LastIndexByte(action, '.')
	switch action[i+1:] {
	case "get", "list", "wait":
		return true
	}
	return false
}

func denial(p store.Principal, action, projectID string) string {
	where := ""
	if projectID != "" {
		where = " in project " + projectID
	}
	why := ""
	if reason := secretReads[action]; reason != "" {
		why = " (" + reason + ")"
	}
	return fmt.Sprintf("principal %q (role %s) may not %s%s%s: use a principal with the contributor or admin role", p.Name, p.Role, action, where, why)
}
