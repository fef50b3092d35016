package panel

import (
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

// parsePages parses each page template with the shared layout. The
// templates are embedded and fixed, so a parse error is a build bug that
// every test catches.
func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"projectURL": projectURL,
		"bucketURL":  bucketURL,
		"versionURL": versionURL,
		"channelURL": channelURL,
		"time":       formatTime,
		"badge":      badgeOf,
	}
	funcs["revocation"] = func(v view, ver *registry.VersionView) revocationArgs {
		return revocationArgs{view: v, ProjectID: v.Project.ID, V: ver}
	}
	funcs["relations"] = func(v view, rels []registry.Relation, parents bool) relationsArgs {
		return relationsArgs{ProjectID: v.Project.ID, Relations: rels, Parents: parents}
	}
	pages := map[string]*template.Template{}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" {
			continue
		}
		pages[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", name))
	}
	return pages
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// badge is how a version status shows.
type badge struct {
	Class, Label string
}

func badgeOf(status string) badge {
	switch status {
	case registry.VersionActive:
		return badge{"ok", "active"}
	case registry.VersionRevocationScheduled:
		return badge{"warn", "revocation scheduled"}
	case registry.VersionRevoked:
		return badge{"bad", "revoked"}
	case registry.VersionFailed, registry.VersionCancelled:
		return badge{"bad", strings.ToLower(strings.TrimPrefix(status, "VERSION_"))}
	default:
		return badge{"muted", strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(status, "VERSION_"), "_", " "))}
	}
}

// revocationArgs is what the "revocation" template shows: a version's
// revocation, with the names and project its links need.
type revocationArgs struct {
	view
	ProjectID string
	V         *registry.VersionView
}

// relationsArgs is what the "relations" template shows: ancestry edges
// seen from the child (Parents) or from the parent.
type relationsArgs struct {
	ProjectID string
	Relations []registry.Relation
	Parents   bool
}

// Author names the principal with id, or shows the id of one that is gone.
func (v view) Author(id string) string {
	if p, ok := v.names[id]; ok {
		return p
	}
	return id
}
