package httpapi

import (
	"net/url"
	"strings"
)

// segment kinds, ranked so that a literal beats a wildcard and a wildcard
// beats a trailing catch-all when several templates match one path.
const (
	segRest = iota + 1
	segWild
	segLiteral
)

type segment struct {
	kind int
	text string // literal text or wildcard name
}

// route is one path template with its handlers by method ("*" = any).
type route struct {
	template string
	segs     []segment
	methods  map[string]*endpoint
}

// router matches request paths against templates such as
// "/packer/2023-01-01/organizations/{org}/projects/{project}/buckets/{bucket}".
// Unlike http.ServeMux it never redirects (an empty segment, as an
// unconfigured SDK sends, reaches the handler) and it lets a method fall
// through from a literal template to a wildcard one, so GET
// ".../channels/assign" reads the channel named "assign". http.ServeMux
// cannot stand in: it redirects every path with an empty segment before any
// pattern is tried.
type router struct {
	routes []*route
}

func (rt *router) add(method, template string, e *endpoint) {
	for _, r := range rt.routes {
		if r.template == template {
			r.methods[method] = e
			return
		}
	}
	r := &route{template: template, methods: map[string]*endpoint{method: e}}
	for _, part := range strings.Split(strings.Trim(template, "/"), "/") {
		switch {
		case strings.HasPrefix(part, "{") && strings.HasSuffix(part, "...}"):
			r.segs = append(r.segs, segment{kind: segRest, text: part[1 : len(part)-4]})
		case strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}"):
			r.segs = append(r.segs, segment{kind: segWild, text: part[1 : len(part)-1]})
		default:
			r.segs = append(r.segs, segment{kind: segLiteral, text: part})
		}
	}
	rt.routes = append(rt.routes, r)
}

// match finds the endpoint for method and escapedPath. found reports
// whether any template matched the path at all (so a miss is a wrong method
// rather than an unknown route).
func (rt *router) match(method, escapedPath string) (e *endpoint, params map[string]string, found bool) {
	parts := strings.Split(strings.Trim(escapedPath, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	var best *route
	var bestParams map[string]string
	for _, r := range rt.routes {
		ps, ok := r.matches(parts)
		if !ok {
			continue
		}
		found = true
		ep := r.methods[method]
		if ep == nil {
			ep = r.methods["*"]
		}
		if ep == nil {
			continue
		}
		if best == nil || moreSpecific(r, best) {
			best, bestParams, e = r, ps, ep
		}
	}
	return e, bestParams, found
}

func (r *route) matches(parts []string) (map[string]string, bool) {
	// Every request is tried against every route, so the literal segments
	// are checked before any parameter map is made.
	if !r.fits(parts) {
		return nil, false
	}
	params := make(map[string]string, len(r.segs))
	for i, s := range r.segs {
		switch s.kind {
		case segRest:
			params[s.text] = strings.Join(parts[i:], "/")
			return params, true
		case segWild:
			params[s.text] = parts[i]
		}
	}
	return params, true
}

// fits reports whether parts has the route's shape: its literal segments
// and its length (any length from a trailing catch-all on).
func (r *route) fits(parts []string) bool {
	for i, s := range r.segs {
		if s.kind == segRest {
			return true
		}
		if i >= len(parts) || s.kind == segLiteral && parts[i] != s.text {
			return false
		}
	}
	return len(parts) == len(r.segs)
}

func moreSpecific(a, b *route) bool {
	for i := 0; i < len(a.segs) || i < len(b.segs); i++ {
		ka, kb := kindAt(a, i), kindAt(b, i)
		if ka != kb {
			return ka > kb
		}
	}
	return false
}

func kindAt(r *route, i int) int {
	if i < len(r.segs) {
		return r.segs[i].kind
	}
	if len(r.segs) > 0 && r.segs[len(r.segs)-1].kind == segRest {
		return segRest
	}
	return 0
}
