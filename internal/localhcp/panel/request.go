package panel

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// maxFormBytes bounds a form post: the longest field is a revocation
// message.
const maxFormBytes = 64 << 10

// request is one signed-in request on its way to a page or an action.
type request struct {
	w          http.ResponseWriter
	r          *http.Request
	session    *session
	sessionKey string
	principal  store.Principal
	project    store.Project
	loc        registry.Loc
}

// pageError is a failure shown to the user with its HTTP status.
type pageError struct {
	status  int
	message string
}

func (e *pageError) Error() string { return e.message }

// signedIn admits requests with a live session and, on POST, the
// session's CSRF token; others go to the sign-in page.
func (p *Panel) signedIn(fn func(*request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, key := p.sessions.lookup(r)
		principal, known := store.Principal{}, false
		if sess != nil {
			principal, known = p.principals[sess.principalID]
		}
		if !known {
			p.toLogin(w, r)
			return
		}
		rq := &request{w: w, r: r, session: sess, sessionKey: key, principal: principal}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if r.Method == http.MethodPost && !equalTokens(r.PostFormValue("csrf"), sess.csrf) {
			p.fail(rq, &pageError{http.StatusForbidden, "This form did not come from this panel or belongs to an earlier sign-in: go back, reload the page and submit it again."})
			return
		}
		if err := fn(rq); err != nil {
			p.fail(rq, err)
		}
	}
}

// toLogin sends an anonymous request to the sign-in page, remembering where
// it was going when that was a page.
func (p *Panel) toLogin(w http.ResponseWriter, r *http.Request) {
	target := Prefix + "login"
	if r.Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	} else {
		target += "?expired=1"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// page serves a signed-in page or action of a project whose principal may
// perform action, by the API's own role rule; signedIn has checked the
// CSRF token of a POST.
func (p *Panel) page(action string, fn func(*request) error) http.HandlerFunc {
	return p.signedIn(func(rq *request) error {
		project, ok := p.projects[rq.r.PathValue("project")]
		if !ok {
			return &pageError{http.StatusNotFound, "Project " + strconv.Quote(rq.r.PathValue("project")) + " does not exist in this localhcp: pick one from the project menu."}
		}
		rq.project = project
		rq.loc = registry.Loc{OrganizationID: p.cfg.OrganizationID, ProjectID: project.ID}
		if err := p.cfg.Credentials.Authorize(rq.principal, action, project.ID, rq.r.PathValue("bucket")); err != nil {
			return &pageError{http.StatusForbidden, "Refused: " + err.Error() + "."}
		}
		return fn(rq)
	})
}

// fail renders err as an error page.
func (p *Panel) fail(rq *request, err error) {
	var pe *pageError
	if !errors.As(err, &pe) {
		pe = &pageError{statusOf(err), err.Error()}
	}
	p.render(rq, pe.status, "error", "Error", pe)
}

// statusOf maps a registry error to an HTTP status.
func statusOf(err error) int {
	switch registry.CodeOf(err) {
	case codes.NotFound, codes.Aborted:
		return http.StatusNotFound
	case codes.InvalidArgument:
		return http.StatusBadRequest
	case codes.FailedPrecondition, codes.AlreadyExists:
		return http.StatusConflict
	case codes.PermissionDenied:
		return http.StatusForbidden
	default:
		return http.StatusInternalServerError
	}
}

// view is what every template receives: the layout's fields and the
// page's own Data.
type view struct {
	Title    string
	Who      store.Principal
	CanAct   bool
	CSRF     string
	Flash    string
	Project  store.Project
	Projects []store.Project
	Data     any
	names    map[string]string // principal names by id, for Author
}

// render executes a page template into a buffer first, so a template
// failure never sends half a page.
func (p *Panel) render(rq *request, status int, page, title string, data any) {
	v := view{Title: title, Data: data, Projects: p.cfg.Projects, Project: rq.project}
	if rq.session != nil {
		v.Who = rq.principal
		v.CanAct = rq.project.ID != "" &&
			p.cfg.Credentials.Authorize(rq.principal, "packer.versions.update", rq.project.ID, rq.r.PathValue("bucket")) == nil
		v.CSRF = rq.session.csrf
		v.Flash = p.sessions.takeFlash(rq.session)
	}
	p.write(rq.w, status, page, v)
}

func (p *Panel) write(w http.ResponseWriter, status int, page string, v view) {
	v.names = p.names
	var buf bytes.Buffer
	if err := p.pages[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		http.Error(w, "localhcp could not render the page "+page+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// redirect ends an action: the flash says what happened on the next page.
func (p *Panel) redirect(rq *request, target, flash string) error {
	p.sessions.setFlash(rq.session, flash)
	http.Redirect(rq.w, rq.r, target, http.StatusSeeOther)
	return nil
}

func (p *Panel) notFound(w http.ResponseWriter, r *http.Request) {
	p.write(w, http.StatusNotFound, "error", view{Title: "Not Found", Data: &pageError{http.StatusNotFound, "No panel page at " + r.URL.Path + ": start from the bucket list."}})
}
