package client

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
)

const packerBase = "/packer/2023-01-01/organizations/o/projects/p"

var testLoc = Location{OrganizationID: "o", ProjectID: "p"}

func TestListBucketsFollowsPagination(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	f.handle("GET "+packerBase+"/buckets", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("pagination.next_page_token") {
		case "":
			writeJSON(w, 200, map[string]any{
				"buckets":    []any{map[string]any{"name": "a", "version_count": "2"}, map[string]any{"name": "b"}},
				"pagination": map[string]any{"next_page_token": "page2"},
			})
		case "page2":
			writeJSON(w, 200, map[string]any{"buckets": []any{map[string]any{"name": "c"}}, "pagination": map[string]any{}})
		}
	})
	buckets, err := f.client(testLoc).ListBuckets(context.Background(), testLoc)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range buckets {
		names = append(names, b.Name)
	}
	if !reflect.DeepEqual(names, []string{"a", "b", "c"}) || buckets[0].VersionCount != 2 || buckets[2].ProjectID != "p" {
		t.Errorf("buckets = %+v", buckets)
	}
	reqs := f.recorded()
	if len(reqs) != 2 || reqs[0].Query.Get("sorting.order_by") != "name" {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestPaginationStopsOnARepeatedToken(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	f.handle("GET "+packerBase+"/buckets/web/versions", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"versions": []any{}, "pagination": map[string]any{"next_page_token": "same"}})
	})
	_, err := f.client(testLoc).ListVersions(context.Background(), testLoc, "web")
	if CodeOf(err) != codes.Internal || len(f.recorded()) != 2 {
		t.Errorf("err = %v after %d requests, want Internal after 2", err, len(f.recorded()))
	}
}

func TestListVersionsAndHistoryAreNewestFirst(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	f.handle("GET "+packerBase+"/buckets/web/versions", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("pagination.next_page_token") == "" {
			writeJSON(w, 200, map[string]any{
				"versions":   []any{map[string]any{"id": "1", "fingerprint": "old", "created_at": "2024-01-01T00:00:00.000Z"}},
				"pagination": map[string]any{"next_page_token": "n"},
			})
			return
		}
		writeJSON(w, 200, map[string]any{"versions": []any{
			map[string]any{"id": "2", "fingerprint": "new", "created_at": "2025-01-01T00:00:00.000Z"},
		}})
	})
	f.handle("GET "+packerBase+"/buckets/web/channels/stable/history", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"count": 2, "history": []any{
			map[string]any{"assigned_at": "2024-01-01T00:00:00.000Z"},
			map[string]any{"assigned_at": "2025-01-01T00:00:00.000Z", "version": map[string]any{"id": "2", "fingerprint": "new"}},
		}})
	})
	c := f.client(testLoc)
	versions, err := c.ListVersions(context.Background(), testLoc, "web")
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[0].Fingerprint != "new" || versions[1].Fingerprint != "old" {
		t.Errorf("versions = %+v", versions)
	}
	if got := f.recorded()[0].Query["sorting.order_by"]; !reflect.DeepEqual(got, []string{"created_at desc"}) {
		t.Errorf("sorting.order_by = %q", got)
	}
	history, err := c.ChannelHistory(context.Background(), testLoc, "web", "stable")
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].Version == nil || history[1].Version != nil {
		t.Errorf("history = %+v", history)
	}
}

func TestGetVersionReportsAbortedAsNotFound(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	f.handle("GET "+packerBase+"/buckets/web/versions/nope", func(w http.ResponseWriter, _ *http.Request) {
		writeRPCError(w, http.StatusConflict, 10, "version not found")
	})
	_, err := f.client(testLoc).GetVersion(context.Background(), testLoc, "web", "nope")
	var e *Error
	if !errors.As(err, &e) || e.Code != codes.NotFound || e.HTTPStatus != 409 || e.Message != "version not found" || e.Op != "GetVersion" {
		t.Errorf("err = %#v, want NotFound from HTTP 409 with the server's message", err)
	}
}

func TestRevokeAndRestoreBodies(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 678_000_000, time.FixedZone("x", 3600))
	tests := []struct {
		name string
		call func(c *Client) (*Version, error)
		want map[string]any
	}{
		{"immediately", func(c *Client) (*Version, error) {
			return c.RevokeVersion(context.Background(), testLoc, "web", "fp", Revocation{Message: "CVE-1"})
		}, map[string]any{"revoke_in": "0s", "revocation_message": "CVE-1"}},
		{"at a time, in UTC with milliseconds", func(c *Client) (*Version, error) {
			return c.RevokeVersion(context.Background(), testLoc, "web", "fp", Revocation{At: &at, SkipDescendants: true})
		}, map[string]any{"revoke_at": "2030-01-02T02:04:05.678Z", "skip_descendants_revocation": true}},
		{"a zero time means now", func(c *Client) (*Version, error) {
			return c.RevokeVersion(context.Background(), testLoc, "web", "fp", Revocation{At: &time.Time{}})
		}, map[string]any{"revoke_in": "0s"}},
		{"after a delay", func(c *Client) (*Version, error) {
			return c.RevokeVersion(context.Background(), testLoc, "web", "fp", Revocation{In: "30d", DisableRollbackChannels: true})
		}, map[string]any{"revoke_in": "30d", "disable_rollback_channels": true}},
		{"restore", func(c *Client) (*Version, error) {
			return c.RestoreVersion(context.Background(), testLoc, "web", "fp")
		}, map[string]any{"restore": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeHCP(t)
			f.handle("PATCH "+packerBase+"/buckets/web/versions/fp", func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, map[string]any{"operation": map[string]any{"id": "op"},
					"version": map[string]any{"id": "01HV", "fingerprint": "fp", "revoke_at": "2030-01-02T02:04:05.678Z"}})
			})
			v, err := tt.call(f.client(testLoc))
			if err != nil {
				t.Fatal(err)
			}
			if v.Fingerprint != "fp" || v.RevokeAt == nil {
				t.Errorf("version = %+v", v)
			}
			body := f.recorded()[0].Body
			// strfmt always sends revoke_at; its zero value means unset.
			wantAt, ok := tt.want["revoke_at"]
			if !ok {
				wantAt = "0001-01-01T00:00:00.000Z"
			}
			if body["revoke_at"] != wantAt {
				t.Errorf("revoke_at = %v, want %v", body["revoke_at"], wantAt)
			}
			body["revoke_at"], tt.want["revoke_at"] = nil, nil
			if !reflect.DeepEqual(body, tt.want) {
				t.Errorf("body = %v, want %v", body, tt.want)
			}
		})
	}
}

func TestRevokeRejectsBothTimeAndDelay(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	at := time.Now()
	_, err := f.client(testLoc).RevokeVersion(context.Background(), testLoc, "web", "fp", Revocation{At: &at, In: "1h"})
	if CodeOf(err) != codes.InvalidArgument || len(f.recorded()) != 0 {
		t.Errorf("err = %v after %d requests, want InvalidArgument and no request", err, len(f.recorded()))
	}
}

func TestUpdateChannelMask(t *testing.T) {
	t.Parallel()
	yes, no, fp, none := true, false, "fp1", ""
	tests := []struct {
		name   string
		in     ChannelUpdate
		method string
		want   map[string]any
	}{
		{"assign", ChannelUpdate{VersionFingerprint: &fp}, "PATCH",
			map[string]any{"update_mask": "versionFingerprint", "version_fingerprint": "fp1"}},
		{"unassign sends only the mask", ChannelUpdate{VersionFingerprint: &none}, "PATCH",
			map[string]any{"update_mask": "versionFingerprint"}},
		{"un-restrict sends only the mask", ChannelUpdate{Restricted: &no}, "PATCH",
			map[string]any{"update_mask": "restricted"}},
		{"both", ChannelUpdate{VersionFingerprint: &fp, Restricted: &yes}, "PATCH",
			map[string]any{"update_mask": "versionFingerprint,restricted", "version_fingerprint": "fp1", "restricted": true}},
		{"nothing only reads", ChannelUpdate{}, "GET", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeHCP(t)
			answer := func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, map[string]any{"channel": map[string]any{"id": "01HC", "name": "stable"}})
			}
			f.handle("PATCH "+packerBase+"/buckets/web/channels/stable", answer)
			f.handle("GET "+packerBase+"/buckets/web/channels/stable", answer)
			ch, err := f.client(testLoc).UpdateChannel(context.Background(), testLoc, "web", "stable", tt.in)
			if err != nil || ch.Name != "stable" {
				t.Fatalf("UpdateChannel = %+v, %v", ch, err)
			}
			req := f.recorded()[0]
			if req.Method != tt.method || !reflect.DeepEqual(req.Body, tt.want) {
				t.Errorf("sent %s %v, want %s %v", req.Method, req.Body, tt.method, tt.want)
			}
		})
	}
}

func TestCreateCallsSendTheirInput(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	f.handle("PUT "+packerBase+"/buckets", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"bucket": map[string]any{"id": "01HB", "name": "web"}})
	})
	f.handle("PATCH "+packerBase+"/buckets/web", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"bucket": map[string]any{"id": "01HB", "name": "web", "description": "d2"}})
	})
	f.handle("POST "+packerBase+"/buckets/web/channels", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"channel": map[string]any{"id": "01HC", "name": "stable", "restricted": true}})
	})
	c := f.client(testLoc)
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, testLoc, BucketInput{Name: "web", Description: "d", Labels: map[string]string{"team": "x"}}); err != nil {
		t.Fatal(err)
	}
	if b, err := c.UpdateBucket(ctx, testLoc, BucketInput{Name: "web", Description: "d2"}); err != nil || b.Description != "d2" {
		t.Fatalf("UpdateBucket = %+v, %v", b, err)
	}
	if ch, err := c.CreateChannel(ctx, testLoc, "web", ChannelInput{Name: "stable", Restricted: true, VersionFingerprint: "fp"}); err != nil || !ch.Restricted {
		t.Fatalf("CreateChannel = %+v, %v", ch, err)
	}
	reqs := f.recorded()
	want := []map[string]any{
		{"name": "web", "description": "d", "labels": map[string]any{"team": "x"}},
		{"description": "d2", "platforms": nil},
		{"name": "stable", "restricted": true, "version_fingerprint": "fp"},
	}
	for i, w := range want {
		if !reflect.DeepEqual(reqs[i].Body, w) {
			t.Errorf("request %d (%s %s) body = %v, want %v", i, reqs[i].Method, reqs[i].Path, reqs[i].Body, w)
		}
	}
}

func TestMethodsClassifyErrorsAndEmptyAnswers(t *testing.T) {
	t.Parallel()
	f := newFakeHCP(t)
	f.handle("DELETE "+packerBase+"/buckets/gone", func(w http.ResponseWriter, _ *http.Request) {
		writeRPCError(w, 404, 5, "bucket gone not found")
	})
	f.handle("DELETE "+packerBase+"/buckets/web/channels/latest", func(w http.ResponseWriter, _ *http.Request) {
		writeRPCError(w, 400, 9, "the latest channel is managed")
	})
	f.handle("POST "+packerBase+"/buckets/web/channels", func(w http.ResponseWriter, _ *http.Request) {
		writeRPCError(w, 409, 6, "channel exists")
	})
	f.handle("GET "+packerBase+"/buckets/web/channels/empty", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{})
	})
	f.handle("GET "+packerBase+"/buckets/web/channels", func(w http.ResponseWriter, _ *http.Request) {
		writeRPCError(w, 403, 7, "viewer may not list")
	})
	c := f.client(testLoc)
	ctx := context.Background()

	if err := c.DeleteBucket(ctx, testLoc, "gone"); !IsNotFound(err) {
		t.Errorf("DeleteBucket: %v, want NotFound", err)
	}
	if err := c.DeleteChannel(ctx, testLoc, "web", "latest"); !IsFailedPrecondition(err) || MessageOf(err) != "the latest channel is managed" {
		t.Errorf("DeleteChannel: %v, want FailedPrecondition with the server's message", err)
	}
	if _, err := c.CreateChannel(ctx, testLoc, "web", ChannelInput{Name: "stable"}); !IsAlreadyExists(err) {
		t.Errorf("CreateChannel: %v, want AlreadyExists", err)
	}
	if _, err := c.GetChannel(ctx, testLoc, "web", "empty"); CodeOf(err) != codes.Internal {
		t.Errorf("GetChannel of an empty answer: %v, want Internal", err)
	}
	if _, err := c.ListChannels(ctx, testLoc, "web"); !IsPermissionDenied(err) {
		t.Errorf("ListChannels: %v, want PermissionDenied", err)
	}
}
