package localhcp_test

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// rawClient sends hand-made requests with a valid bearer token: the
// serialization rules and malformed input cannot be observed through the
// SDK's typed models.
type rawClient struct {
	t     *testing.T
	srv   *localhcp.Server
	http  *http.Client
	token string
}

func newRawClient(t *testing.T, srv *localhcp.Server, role string) *rawClient {
	t.Helper()
	cc := tokenConfig(srv, srv.Principal(role), oauth2.AuthStyleInHeader)
	tok, err := cc.Token(insecureContext())
	if err != nil {
		t.Fatal(err)
	}
	return &rawClient{t: t, srv: srv, token: tok.AccessToken,
		http: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}}
}

func (r *rawClient) packerPath(rest string) string {
	return "/packer/2023-01-01/organizations/" + r.srv.OrganizationID() + "/projects/" + r.srv.ProjectID() + rest
}

// do sends a request and returns the status and the decoded JSON body,
// failing unless the answer is JSON.
func (r *rawClient) do(method, path string, body []byte) (int, map[string]any, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.srv.URL()+path, bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.http.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		r.t.Fatalf("%s %s: Content-Type %q, want application/json (body %s)", method, path, ct, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		r.t.Fatalf("%s %s: body is not a JSON object: %s", method, path, raw)
	}
	return resp.StatusCode, out, string(raw)
}

func (r *rawClient) wantError(method, path string, body []byte, httpStatus int, code float64, mention string) {
	r.t.Helper()
	st, out, raw := r.do(method, path, body)
	if st != httpStatus || out["code"] != code {
		r.t.Fatalf("%s %s: HTTP %d %s, want HTTP %d code %v", method, path, st, raw, httpStatus, code)
	}
	if _, ok := out["details"].([]any); !ok {
		r.t.Fatalf("%s %s: details is not a list: %s", method, path, raw)
	}
	if msg, _ := out["message"].(string); !strings.Contains(msg, mention) {
		r.t.Fatalf("%s %s: message %q does not mention %q", method, path, msg, mention)
	}
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	r := newRawClient(t, srv, "contributor")
	cases := []struct {
		name, method, path string
		http               int
		code               float64
	}{
		{"unknown route", "GET", "/nothing/here", 404, 5},
		{"unknown packer route", "GET", r.packerPath("/gadgets"), 404, 5},
		{"wrong method", "POST", r.packerPath("/buckets"), 501, 12},
		{"wrong method on a bucket", "PUT", r.packerPath("/buckets/x"), 501, 12},
		{"enforced block CRUD", "GET", r.packerPath("/enforced_blocks"), 501, 12},
		{"run task config", "GET", r.packerPath("/runtasks/config"), 501, 12},
		{"packages", "GET", r.packerPath("/buckets/b/packages/vulnerability-summary"), 501, 12},
		{"external artifact search", "POST", r.packerPath("/_search/external_artifact"), 501, 12},
		{"old API", "GET", "/packer/2021-04-30/organizations/o/projects/p/buckets", 501, 12},
		{"other resource-manager call", "GET", "/resource-manager/2019-12-10/organizations/x/roles", 501, 12},
		{"policy of another organization", "GET", "/resource-manager/2019-12-10/organizations/x/iam-policy", 404, 5},
		{"unknown organization", "GET", "/packer/2023-01-01/organizations/nope/projects/" + srv.ProjectID() + "/buckets", 404, 5},
		{"empty project", "GET", "/packer/2023-01-01/organizations/" + srv.OrganizationID() + "/projects//buckets", 404, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r.t = t
			r.wantError(tc.method, tc.path, nil, tc.http, tc.code, "")
		})
	}
}

func TestMalformedBodiesGetCode3NamingTheField(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	r := newRawClient(t, srv, "contributor")
	pub(t, srv, publish.Options{Bucket: "bodies"})
	cases := []struct {
		name, method, path, body, mention string
	}{
		{"not JSON", "PUT", "/buckets", `{"name":`, "JSON"},
		{"array", "PUT", "/buckets", `["name"]`, "JSON object"},
		{"wrong type", "PUT", "/buckets", `{"name":5}`, `"name"`},
		{"labels not strings", "PUT", "/buckets", `{"name":"lbl","labels":{"a":1}}`, `labels`},
		{"trailing data", "PUT", "/buckets", `{"name":"x"} {}`, "after"},
		{"unknown status", "POST", "/buckets/bodies/versions/v/builds", `{"component_type":"a.b","status":"BUILD_SOMEDAY"}`, "status"},
		{"unknown template type", "POST", "/buckets/bodies/versions", `{"fingerprint":"f1","template_type":"YAML"}`, "template_type"},
		{"bad revoke_at", "PATCH", "/buckets/bodies/versions/x", `{"revoke_at":"tomorrow"}`, "revoke_at"},
		{"bad revoke_in", "PATCH", "/buckets/bodies/versions/x", `{"revoke_in":"soon"}`, "revoke_in"},
		{"bad update mask", "PATCH", "/buckets/bodies/channels/latest", `{"update_mask":"everything"}`, "update_mask"},
		{"bad metadata", "PATCH", "/buckets/bodies/versions/x/builds/y", `{"metadata":"text"}`, "metadata"},
		{"over-long name", "PUT", "/buckets", `{"name":"` + strings.Repeat("n", 5000) + `"}`, "bucket_name"},
		{"bad page size", "GET", "/buckets?pagination.page_size=-1", ``, "page_size"},
		{"bad sort", "GET", "/buckets?sorting.order_by=name+sideways", ``, "direction"},
		{"too many sort terms", "GET", "/buckets?sorting.order_by=" + strings.Repeat("name,", 9), ``, "more than 8 terms"},
		{"too many sort parameters", "GET", "/buckets/bodies/versions?" + strings.Repeat("sorting.order_by=name&", 9), ``, "more than 8 terms"},
		{"over-long sort", "GET", "/buckets?sorting.order_by=name" + strings.Repeat("+", 300), ``, "the limit is 256"},
		{"bad ancestry type", "GET", "/buckets/bodies/ancestry?type=COUSINS", ``, "type"},
		{"bad rollback flag", "DELETE", "/buckets/bodies/versions/x?rollback_channels=maybe", ``, "rollback_channels"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r.t = t
			r.wantError(tc.method, r.packerPath(tc.path), []byte(tc.body), 400, 3, tc.mention)
		})
	}
	r.t = t
	big := []byte(`{"name":"` + strings.Repeat("x", 9<<20) + `"}`)
	r.wantError("PUT", r.packerPath("/buckets"), big, 400, 3, "larger than")
}

var msTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func TestSerializationRules(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	r := newRawClient(t, srv, "contributor")
	st, out, raw := r.do("PUT", r.packerPath("/buckets"), []byte(`{"name":"wire"}`))
	if st != 200 {
		t.Fatalf("create: %d %s", st, raw)
	}
	b := out["bucket"].(map[string]any)
	if b["version_count"] != "0" {
		t.Errorf("version_count = %#v, want the string \"0\"", b["version_count"])
	}
	if p, ok := b["platforms"].([]any); !ok || len(p) != 0 {
		t.Errorf("platforms = %#v, want []", b["platforms"])
	}
	if _, ok := b["latest_version"]; ok {
		t.Errorf("latest_version present on an empty bucket: %s", raw)
	}
	if !msTimestamp.MatchString(b["created_at"].(string)) {
		t.Errorf("created_at %q is not RFC 3339 UTC with milliseconds", b["created_at"])
	}

	_, out, raw = r.do("GET", r.packerPath("/buckets/wire/channels/latest"), nil)
	if _, ok := out["channel"].(map[string]any)["version"]; ok {
		t.Errorf("unassigned channel has a version key: %s", raw)
	}
	_, out, _ = r.do("GET", r.packerPath("/buckets/wire/channels"), nil)
	if _, ok := out["pagination"]; ok {
		t.Error("ListChannels answers with pagination; it has none")
	}

	_, out, raw = r.do("POST", r.packerPath("/buckets/wire/versions"), []byte(`{"fingerprint":"f1"}`))
	v := out["version"].(map[string]any)
	for _, key := range []string{"revoke_at", "revocation_type", "revocation_inherited_from"} {
		if _, ok := v[key]; ok {
			t.Errorf("unrevoked version has %s: %s", key, raw)
		}
	}
	if v["status"] != "VERSION_RUNNING" || v["name"] != "v0" || v["template_type"] != "TEMPLATE_TYPE_UNSET" {
		t.Errorf("new version = %s", raw)
	}
	if bs, ok := v["builds"].([]any); !ok || len(bs) != 0 {
		t.Errorf("builds = %#v, want []", v["builds"])
	}
	_, out, raw = r.do("POST", r.packerPath("/buckets/wire/versions/f1/builds"), []byte(`{"component_type":"null.example","artifacts":null}`))
	build := out["build"].(map[string]any)
	if build["status"] != "BUILD_UNSET" || build["version_id"] != v["id"] {
		t.Errorf("new build = %s", raw)
	}
	if as, ok := build["artifacts"].([]any); !ok || len(as) != 0 {
		t.Errorf("artifacts = %#v, want []", build["artifacts"])
	}
	// A zero revoke_at means unset, even beside a real field.
	_, out, raw = r.do("PATCH", r.packerPath("/buckets/wire/versions/f1"), []byte(`{"complete":true,"revoke_at":"0001-01-01T00:00:00.000Z"}`))
	if out["code"] != float64(9) {
		t.Errorf("complete with year-1 revoke_at on an unfinished version: %s (want code 9: not complete, not a revocation)", raw)
	}
	st, out, raw = r.do("DELETE", r.packerPath("/buckets/wire"), nil)
	if st != 200 || len(out) != 0 {
		t.Errorf("delete answered %d %s, want 200 {}", st, raw)
	}
	_, out, _ = r.do("GET", r.packerPath("/enforced_blocks/bucket/wire"), nil)
	if out["code"] != float64(5) {
		t.Errorf("enforced blocks of a deleted bucket: %v", out)
	}
}

func newRequest(r *rawClient, method, path string) (*http.Request, error) {
	req, err := http.NewRequest(method, r.srv.URL()+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	return req, nil
}
