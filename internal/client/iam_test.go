package client

import (
	"context"
	"strings"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

func (f *recordingAPI) GetBucketIAMPolicy(context.Context, Location, string) (*IAMPolicy, error) {
	return &IAMPolicy{Etag: "e"}, nil
}

func (f *recordingAPI) SetBucketIAMPolicy(_ context.Context, _ Location, _ string, p IAMPolicy) (*IAMPolicy, error) {
	return &p, nil
}

func (f *recordingAPI) PrincipalMemberTypes(context.Context, Location, []string) (map[string]string, error) {
	return map[string]string{}, nil
}

// interferingAPI changes the bucket's policy behind the caller's back
// before each of its first `times` writes, as a second writer would.
type interferingAPI struct {
	API
	times  int
	writes int
}

func (a *interferingAPI) SetBucketIAMPolicy(ctx context.Context, loc Location, bucket string, p IAMPolicy) (*IAMPolicy, error) {
	a.writes++
	if a.writes <= a.times {
		current, err := a.GetBucketIAMPolicy(ctx, loc, bucket)
		if err != nil {
			return nil, err
		}
		if _, err := a.API.SetBucketIAMPolicy(ctx, loc, bucket, *current); err != nil {
			return nil, err
		}
	}
	return a.API.SetBucketIAMPolicy(ctx, loc, bucket, p)
}

func adminClientWithBucket(t *testing.T) (*Client, *localhcp.Server) {
	t.Helper()
	srv := startLocalHCP(t, localhcp.Options{Principals: []localhcp.Principal{
		{Name: "admin", Role: "admin"}, {Name: "viewer", Role: "viewer"},
	}})
	useEnv(t, srv.Env("admin"))
	c, _, err := New(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBucket(context.Background(), c.Location(), BucketInput{Name: "web"}); err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func addMember(role, id string) func(IAMPolicy) (IAMPolicy, bool) {
	return func(p IAMPolicy) (IAMPolicy, bool) {
		return p.WithMember(role, IAMMember{ID: id, Type: MemberTypeServicePrincipal})
	}
}

func TestLocalHCPBucketIAMPolicy(t *testing.T) {
	c, srv := adminClientWithBucket(t)
	ctx, loc := context.Background(), c.Location()
	viewer := srv.Principal("viewer").ID

	before, err := c.GetBucketIAMPolicy(ctx, loc, "web")
	if err != nil || before.Etag == "" || len(before.Bindings) != 0 {
		t.Fatalf("GetBucketIAMPolicy of a new bucket = %+v, %v; want no bindings and an etag", before, err)
	}
	set, err := c.SetBucketIAMPolicy(ctx, loc, "web", IAMPolicy{Etag: before.Etag,
		Bindings: []IAMBinding{{Role: "roles/viewer", Members: []IAMMember{{ID: viewer}}}}})
	if err != nil || !set.HasMember("roles/viewer", viewer) || set.Etag == before.Etag {
		t.Fatalf("SetBucketIAMPolicy = %+v, %v; want the binding and a new etag", set, err)
	}
	if got := set.Bindings[0].Members[0].Type; got != MemberTypeServicePrincipal {
		t.Errorf("member type = %q, want %s", got, MemberTypeServicePrincipal)
	}
	_, err = c.SetBucketIAMPolicy(ctx, loc, "web", IAMPolicy{Etag: before.Etag})
	if !IsAborted(err) {
		t.Fatalf("SetBucketIAMPolicy with a stale etag: %v, want Aborted", err)
	}
	if _, err := c.GetBucketIAMPolicy(ctx, loc, "missing"); !IsNotFound(err) {
		t.Fatalf("GetBucketIAMPolicy of a missing bucket: %v, want NotFound", err)
	}
}

func TestLocalHCPModifyBucketIAMPolicyRetriesStaleEtags(t *testing.T) {
	c, srv := adminClientWithBucket(t)
	ctx, loc := context.Background(), c.Location()
	viewer := srv.Principal("viewer").ID

	racing := &interferingAPI{API: c, times: iamPolicyAttempts - 1}
	got, err := ModifyBucketIAMPolicy(ctx, racing, loc, "web", addMember("roles/viewer", viewer))
	if err != nil || !got.HasMember("roles/viewer", viewer) {
		t.Fatalf("ModifyBucketIAMPolicy racing %d writers = %+v, %v; want the binding", racing.times, got, err)
	}
	if racing.writes != iamPolicyAttempts {
		t.Errorf("ModifyBucketIAMPolicy wrote %d times, want %d", racing.writes, iamPolicyAttempts)
	}

	// Nothing to change: no write at all.
	again := &interferingAPI{API: c}
	if _, err := ModifyBucketIAMPolicy(ctx, again, loc, "web", addMember("roles/viewer", viewer)); err != nil || again.writes != 0 {
		t.Fatalf("ModifyBucketIAMPolicy of a binding present: %v after %d writes, want none", err, again.writes)
	}

	removed, err := ModifyBucketIAMPolicy(ctx, c, loc, "web", func(p IAMPolicy) (IAMPolicy, bool) {
		return p.WithoutMember("roles/viewer", viewer)
	})
	if err != nil || len(removed.Bindings) != 0 {
		t.Fatalf("ModifyBucketIAMPolicy removing the only member = %+v, %v; want no bindings", removed, err)
	}

	endless := &interferingAPI{API: c, times: iamPolicyAttempts}
	_, err = ModifyBucketIAMPolicy(ctx, endless, loc, "web", addMember("roles/viewer", viewer))
	if !IsAborted(err) || !strings.Contains(err.Error(), `bucket "web" kept changing`) {
		t.Fatalf("ModifyBucketIAMPolicy losing every race: %v, want Aborted naming the bucket", err)
	}
	if endless.writes != iamPolicyAttempts {
		t.Errorf("ModifyBucketIAMPolicy wrote %d times, want it to stop after %d", endless.writes, iamPolicyAttempts)
	}
}

func TestIAMPolicyMembers(t *testing.T) {
	p := IAMPolicy{Bindings: []IAMBinding{{Role: "roles/viewer", Members: []IAMMember{{ID: "a"}, {ID: "b"}}}}}
	added, changed := p.WithMember("roles/viewer", IAMMember{ID: "c"})
	if !changed || !added.HasMember("roles/viewer", "c") || len(p.Bindings[0].Members) != 2 {
		t.Fatalf("WithMember = %+v, %v; want c added and the original untouched", added, changed)
	}
	if _, changed := p.WithMember("roles/viewer", IAMMember{ID: "a"}); changed {
		t.Error("WithMember of a present member reports a change")
	}
	other, _ := p.WithMember("roles/admin", IAMMember{ID: "a"})
	if len(other.Bindings) != 2 || !other.HasMember("roles/admin", "a") {
		t.Errorf("WithMember of a new role = %+v", other)
	}
	less, changed := p.WithoutMember("roles/viewer", "a")
	if !changed || less.HasMember("roles/viewer", "a") || !less.HasMember("roles/viewer", "b") {
		t.Errorf("WithoutMember = %+v, %v", less, changed)
	}
	if _, changed := p.WithoutMember("roles/admin", "a"); changed {
		t.Error("WithoutMember of an absent binding reports a change")
	}
}

func TestLocalHCPPrincipalMemberTypes(t *testing.T) {
	c, srv := adminClientWithBucket(t)
	ctx, loc := context.Background(), c.Location()
	viewer := srv.Principal("viewer").ID
	found, err := c.PrincipalMemberTypes(ctx, loc, []string{viewer})
	if err != nil || found[viewer] != MemberTypeServicePrincipal {
		t.Fatalf("PrincipalMemberTypes(%s) = %v, %v; want SERVICE_PRINCIPAL", viewer, found, err)
	}
	if _, err := c.PrincipalMemberTypes(ctx, loc, []string{viewer, "nobody-00000000"}); !IsNotFound(err) ||
		!strings.Contains(err.Error(), "nobody-00000000") {
		t.Fatalf("PrincipalMemberTypes of an unknown id: %v, want NotFound naming it", err)
	}
}
