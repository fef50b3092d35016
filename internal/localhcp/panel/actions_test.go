package panel_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// apiChannel is the slice of a GetChannel answer the tests look at.
type apiChannel struct {
	Channel struct {
		Version *struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"version"`
	} `json:"channel"`
}

// apiVersion is the slice of a GetVersion answer the tests look at.
type apiVersion struct {
	Version struct {
		Status            string `json:"status"`
		RevocationMessage string `json:"revocation_message"`
	} `json:"version"`
}

// assertStable checks through the API which version channel stable of
// bucket base serves.
func assertStable(t *testing.T, s *stack, fingerprint string) {
	t.Helper()
	var got apiChannel
	s.apiGet(t, s.viewer, "/buckets/base/channels/stable", &got)
	have := ""
	if got.Channel.Version != nil {
		have = got.Channel.Version.Fingerprint
	}
	if have != fingerprint {
		t.Errorf("through the API, channel stable serves %q, want %q", have, fingerprint)
	}
}

// assertStatus checks the status of a version of bucket base through the
// API.
func assertStatus(t *testing.T, s *stack, fingerprint, status string) apiVersion {
	t.Helper()
	var got apiVersion
	s.apiGet(t, s.viewer, "/buckets/base/versions/"+fingerprint, &got)
	if got.Version.Status != status {
		t.Errorf("through the API, version %s is %s, want %s", fingerprint, got.Version.Status, status)
	}
	return got
}

func TestAssignIsConfirmedAndVisibleInTheAPI(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.publish(t, "base", fp(1), "aws")
	s.publish(t, "base", fp(2), "aws")
	s.stable(t, fp(1))
	assertStable(t, s, fp(1)) // the API has cached its answer now
	b := s.signedIn(t, s.contributor)

	assign := s.projectPath("buckets/base/channels/stable/assign")
	confirm := b.get(assign + "?version=" + fp(2))
	confirm.mustHave(t, http.StatusOK, "Assign v2 to channel stable?", "serves v1", `name="version" value="`+fp(2)+`"`)
	assertStable(t, s, fp(1))

	done := b.post(assign, url.Values{"version": {fp(2)}})
	done.mustHave(t, http.StatusOK, "Channel stable now serves v2.", `Serves: <a href="/panel/projects/`+projectID+`/buckets/base/versions/`+fp(2)+`">v2</a>`)
	assertStable(t, s, fp(2))

	b.post(assign, url.Values{}).mustHave(t, http.StatusBadRequest, "names no version")
	assertStable(t, s, fp(2))
	b.post(s.projectPath("buckets/base/channels/latest/assign"), url.Values{"version": {fp(1)}}).mustHave(t, http.StatusConflict, "managed by HCP Packer")
}

func TestRevokeNowRollsTheChannelBack(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.publish(t, "base", fp(1), "aws")
	s.publish(t, "base", fp(2), "aws")
	s.stable(t, fp(1))
	b := s.signedIn(t, s.contributor)
	b.post(s.projectPath("buckets/base/channels/stable/assign"), url.Values{"version": {fp(2)}})
	assertStable(t, s, fp(2))

	revoke := s.projectPath("buckets/base/versions/" + fp(2) + "/revoke")
	b.get(revoke).mustHave(t, http.StatusOK, "Revoke v2 of base?", `<span class="channel">stable</span>`, "roll back")
	done := b.post(revoke, url.Values{"when": {"now"}, "message": {"CVE-2026-0001 in openssl"}})
	done.mustHave(t, http.StatusOK, "Revoked v2.", `<span class="badge bad">revoked</span>`, "CVE-2026-0001 in openssl", "by ci-contributor")
	got := assertStatus(t, s, fp(2), "VERSION_REVOKED")
	if got.Version.RevocationMessage != "CVE-2026-0001 in openssl" {
		t.Errorf("through the API the revocation message is %q", got.Version.RevocationMessage)
	}
	assertStable(t, s, fp(1))
	b.get(s.projectPath("buckets/base/channels/stable")).mustHave(t, http.StatusOK, `Serves: <a href="/panel/projects/`+projectID+`/buckets/base/versions/`+fp(1)+`">v1</a>`)

	restore := s.projectPath("buckets/base/versions/" + fp(2) + "/restore")
	b.get(restore).mustHave(t, http.StatusOK, "Restore v2 of base?")
	b.post(restore, url.Values{}).mustHave(t, http.StatusOK, "Restored v2.", `v2 <span class="badge ok">active</span>`)
	assertStatus(t, s, fp(2), "VERSION_ACTIVE")
}

func TestScheduleARevocationWithAMessage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.publish(t, "base", fp(1), "aws")
	b := s.signedIn(t, s.contributor)
	revoke := s.projectPath("buckets/base/versions/" + fp(1) + "/revoke")

	pg := b.post(revoke, url.Values{"when": {"in"}, "in": {"2h"}, "message": {"end of support"}})
	pg.mustHave(t, http.StatusOK, "Scheduled the revocation of v1 for 2026-03-01 11:00:00 UTC.", "revocation scheduled", "end of support")
	assertStatus(t, s, fp(1), "VERSION_REVOCATION_SCHEDULED")

	b.post(s.projectPath("buckets/base/versions/"+fp(1)+"/restore"), url.Values{})
	pg = b.post(revoke, url.Values{"when": {"at"}, "at": {"2026-03-02T08:30"}, "message": {"planned"}})
	pg.mustHave(t, http.StatusOK, "Scheduled the revocation of v1 for 2026-03-02 08:30:00 UTC.")

	s.clock.Advance(24 * time.Hour)
	b.signIn(s.contributor) // a day outlives the session
	b.get(s.projectPath("buckets/base/versions/"+fp(1))).mustHave(t, http.StatusOK, `<span class="badge bad">revoked</span>`, "planned")
	assertStatus(t, s, fp(1), "VERSION_REVOKED")
}

func TestRevokeRefusesBadInputAndSaysWhy(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.publish(t, "base", fp(1), "aws")
	b := s.signedIn(t, s.contributor)
	revoke := s.projectPath("buckets/base/versions/" + fp(1) + "/revoke")
	b.post(revoke, url.Values{"when": {"in"}, "in": {"forever"}}).mustHave(t, http.StatusBadRequest, "revoke_in &#34;forever&#34; is invalid", `value="forever"`)
	b.post(revoke, url.Values{"when": {"at"}, "at": {"tomorrow"}}).mustHave(t, http.StatusBadRequest, "is not a date and time")
	b.post(revoke, url.Values{}).mustHave(t, http.StatusBadRequest, "Choose when the revocation takes effect")
	assertStatus(t, s, fp(1), "VERSION_ACTIVE")

	b.post(revoke, url.Values{"when": {"now"}})
	b.post(revoke, url.Values{"when": {"now"}}).mustHave(t, http.StatusConflict, "is revoked: restore it")
	b.post(s.projectPath("buckets/base/channels/latest/assign"), url.Values{"version": {fp(1)}}).mustHave(t, http.StatusConflict, "managed")
}

func TestViewerMaySeeButNotAct(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.publish(t, "base", fp(1), "aws")
	s.publish(t, "base", fp(2), "aws")
	s.stable(t, fp(1))
	b := s.signedIn(t, s.viewer)
	b.get(s.projectPath("buckets/base/versions/"+fp(1))).mustHave(t, http.StatusOK, "Your role (viewer) can look but not act")

	refusal := `Refused: principal &#34;ci-viewer&#34; (role viewer) may not packer.versions.update on bucket &#34;base&#34; in project ` +
		projectID + `: it needs roles/contributor or higher`
	revoke := s.projectPath("buckets/base/versions/" + fp(1) + "/revoke")
	b.get(revoke).mustHave(t, http.StatusForbidden, refusal)
	b.post(revoke, url.Values{"when": {"now"}}).mustHave(t, http.StatusForbidden, refusal)
	b.post(s.projectPath("buckets/base/versions/"+fp(1)+"/restore"), url.Values{}).mustHave(t, http.StatusForbidden, refusal)
	assign := s.projectPath("buckets/base/channels/stable/assign")
	b.post(assign, url.Values{"version": {fp(2)}}).mustHave(t, http.StatusForbidden, "may not packer.channels.update")
	assertStatus(t, s, fp(1), "VERSION_ACTIVE")
	assertStable(t, s, fp(1))
}

func TestEveryPostNeedsTheSessionCSRFToken(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.publish(t, "base", fp(1), "aws")
	other := s.signedIn(t, s.contributor)
	b := s.signedIn(t, s.contributor)
	revoke := s.projectPath("buckets/base/versions/" + fp(1) + "/revoke")
	for name, token := range map[string]string{"none": "", "forged": "forged", "another session's": other.csrf} {
		pg := b.post(revoke, url.Values{"csrf": {token}, "when": {"now"}})
		if pg.status != http.StatusForbidden || !strings.Contains(pg.body, "did not come from this panel") {
			t.Errorf("a POST with %s CSRF token answered %d:\n%s", name, pg.status, pg.body)
		}
	}
	b.post("/panel/logout", url.Values{"csrf": {"forged"}}).mustHave(t, http.StatusForbidden, "did not come from this panel")
	assertStatus(t, s, fp(1), "VERSION_ACTIVE")
}

// The panel follows IAM bindings as the API does: a viewer of the
// organization who contributes to bucket "base" alone acts there and is
// refused on another bucket.
func TestBucketBindingsDecideWhatThePanelAllows(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.publish(t, "base", fp(1), "aws")
	s.publish(t, "other", fp(2), "aws")
	b := s.signedIn(t, s.baseOwner)
	b.post(s.projectPath("buckets/base/versions/"+fp(1)+"/revoke"), url.Values{"when": {"now"}}).mustHave(t, http.StatusOK, "Revoked v1")
	assertStatus(t, s, fp(1), "VERSION_REVOKED")
	b.post(s.projectPath("buckets/other/versions/"+fp(2)+"/revoke"), url.Values{"when": {"now"}}).
		mustHave(t, http.StatusForbidden, `may not packer.versions.update on bucket &#34;other&#34;`)
	var other apiVersion
	s.apiGet(t, s.viewer, "/buckets/other/versions/"+fp(2), &other)
	if other.Version.Status != "VERSION_ACTIVE" {
		t.Errorf("through the API, version %s of bucket other is %s after a refused revocation, want VERSION_ACTIVE", fp(2), other.Version.Status)
	}
}
