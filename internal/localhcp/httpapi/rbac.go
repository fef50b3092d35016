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

// allowed reports whether a role may perform an action. Viewers only read
// (get, list, wait); contributors and admins may do everything localhcp
// serves.
func allowed(role, action string) bool {
	switch role {
	case RoleAdmin, RoleContributor:
		return true
	case RoleViewer:
		return action == "" || isRead(action)
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
	return fmt.Sprintf("principal %q (role %s) may not %s%s: use a principal with the contributor or admin role", p.Name, p.Role, action, where)
}
