package localhcp_test

import (
	"maps"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func TestRequestCountsByEndpoint(t *testing.T) {
	t.Parallel()
	srv := startServer(t, localhcp.Options{})
	if n := srv.RequestCount(); n != 0 {
		t.Fatalf("a fresh server counts %d requests, want 0", n)
	}

	r := newRawClient(t, srv, "contributor") // one token request
	r.do("PUT", r.packerPath("/buckets"), []byte(`{"name":"web"}`))
	for range 3 {
		r.do("GET", r.packerPath("/buckets/web/channels/latest"), nil)
	}
	r.do("GET", r.packerPath("/buckets/web/channels/nope"), nil) // a 404 is still a served request
	r.do("GET", r.packerPath("/no/such/route"), nil)
	r.do("GET", "/resource-manager/2019-12-10/projects/"+srv.ProjectID(), nil)

	want := map[string]int64{
		"oauth2.token":                 1,
		"packer.buckets.create":        1,
		"packer.channels.get":          4,
		"resourcemanager.projects.get": 1,
		"other":                        1,
	}
	if got := srv.RequestCounts(); !maps.Equal(got, want) {
		t.Fatalf("RequestCounts() = %v, want %v", got, want)
	}
	if n := srv.RequestCount(); n != 8 {
		t.Fatalf("RequestCount() = %d, want 8", n)
	}

	srv.SetFaults(localhcp.Faults{Rate: 1})
	st, _, _ := r.do("GET", r.packerPath("/buckets"), nil)
	if st != 429 && st != 503 {
		t.Fatalf("fully faulted call answered %d", st)
	}
	srv.SetFaults(localhcp.Faults{})
	if got := srv.RequestCounts(); got["fault.injected"] != 1 || got["packer.buckets.list"] != 0 {
		t.Fatalf("a faulted request counted as %v, want one fault.injected and no packer.buckets.list", got)
	}
}
