package httpapi

import (
	"net/http"
	"testing"

	"google.golang.org/grpc/codes"
)

func TestRouterPrefersLiteralsAndFallsThroughByMethod(t *testing.T) {
	t.Parallel()
	var rt router
	named := func(name string) *endpoint { return &endpoint{action: name} }
	rt.add("GET", "/b/{bucket}/channels/{channel}", named("get-channel"))
	rt.add("POST", "/b/{bucket}/channels/assign", named("assign"))
	rt.add("GET", "/x/runtasks/{task}", named("runtask"))
	rt.add("*", "/x/runtasks/config", named("unimplemented"))
	rt.add("*", "/x/blocks/{rest...}", named("blocks-any"))
	rt.add("GET", "/x/blocks/bucket/{bucket}", named("blocks-of-bucket"))

	cases := []struct {
		method, path, want string
		params             map[string]string
		found              bool
	}{
		{"POST", "/b/web/channels/assign", "assign", map[string]string{"bucket": "web"}, true},
		{"GET", "/b/web/channels/assign", "get-channel", map[string]string{"channel": "assign"}, true},
		{"GET", "/b/web/channels/stable", "get-channel", map[string]string{"channel": "stable"}, true},
		{"DELETE", "/b/web/channels/stable", "", nil, true},
		{"GET", "/x/runtasks/config", "unimplemented", nil, true},
		{"GET", "/x/runtasks/validation", "runtask", map[string]string{"task": "validation"}, true},
		{"GET", "/x/blocks/bucket/web", "blocks-of-bucket", map[string]string{"bucket": "web"}, true},
		{"PUT", "/x/blocks/bucket/web", "blocks-any", nil, true},
		{"GET", "/x/blocks", "blocks-any", nil, true},
		{"GET", "/b/a%2Fb/channels/c", "get-channel", map[string]string{"bucket": "a/b"}, true},
		{"GET", "/b//channels/c", "get-channel", map[string]string{"bucket": ""}, true},
		{"GET", "/nowhere", "", nil, false},
		{"GET", "/b/web/channels/stable/extra", "", nil, false},
	}
	for _, tc := range cases {
		e, params, found := rt.match(tc.method, tc.path)
		got := ""
		if e != nil {
			got = e.action
		}
		if got != tc.want || found != tc.found {
			t.Errorf("%s %s → %q found=%v, want %q found=%v", tc.method, tc.path, got, found, tc.want, tc.found)
		}
		for k, v := range tc.params {
			if params[k] != v {
				t.Errorf("%s %s: param %s = %q, want %q", tc.method, tc.path, k, params[k], v)
			}
		}
	}
}

func TestHTTPStatusFollowsGRPCGateway(t *testing.T) {
	t.Parallel()
	want := map[codes.Code]int{
		codes.OK: 200, codes.Canceled: 499, codes.Unknown: 500, codes.InvalidArgument: 400,
		codes.DeadlineExceeded: 504, codes.NotFound: 404, codes.AlreadyExists: 409, codes.PermissionDenied: 403,
		codes.ResourceExhausted: 429, codes.FailedPrecondition: 400, codes.Aborted: 409, codes.OutOfRange: 400,
		codes.Unimplemented: 501, codes.Internal: 500, codes.Unavailable: 503, codes.DataLoss: 500,
		codes.Unauthenticated: http.StatusUnauthorized,
	}
	for c, status := range want {
		if got := HTTPStatus(c); got != status {
			t.Errorf("HTTPStatus(%v) = %d, want %d", c, got, status)
		}
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		role, action string
		ok           bool
	}{
		{RoleViewer, "packer.channels.get", true},
		{RoleViewer, "packer.channels.history.list", true},
		{RoleViewer, "operations.operations.wait", true},
		{RoleViewer, "packer.channels.update", false},
		{RoleViewer, "packer.channels.assign", false},
		{RoleContributor, "packer.buckets.delete", true},
		{RoleAdmin, "packer.registries.delete", true},
		{"owner", "packer.buckets.get", true},
		{"", "packer.buckets.get", false},
		{"unknown", "packer.buckets.get", false},
		{RoleViewer, "resourcemanager.projects.getiampolicy", true},
		{RoleContributor, "resourcemanager.projects.setiampolicy", false},
		{RoleAdmin, "resourcemanager.projects.setiampolicy", true},
		{RoleViewer, "iam.serviceprincipals.list", true},
		{RoleContributor, "iam.serviceprincipals.create", false},
		{RoleContributor, "iam.serviceprincipalkeys.delete", false},
		{RoleAdmin, "iam.serviceprincipalkeys.create", true},
	}
	for _, tc := range cases {
		if got := allowed(tc.role, tc.action); got != tc.ok {
			t.Errorf("allowed(%s, %s) = %v, want %v", tc.role, tc.action, got, tc.ok)
		}
	}
}
