package registry

import (
	"testing"
	"time"
)

func TestVersionStatus(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Second), now.Add(time.Second)
	builds := func(statuses ...string) []Build {
		out := make([]Build, len(statuses))
		for i, s := range statuses {
			out[i] = Build{Status: s}
		}
		return out
	}
	cases := []struct {
		name   string
		v      Version
		builds []Build
		want   string
	}{
		{"revoked", Version{Number: 1, RevokeAt: &past}, builds(BuildDone), VersionRevoked},
		{"revoked exactly now", Version{Number: 1, RevokeAt: &now}, builds(BuildDone), VersionRevoked},
		{"scheduled", Version{Number: 1, RevokeAt: &future}, builds(BuildDone), VersionRevocationScheduled},
		{"active", Version{Number: 2}, builds(BuildDone), VersionActive},
		{"incomplete with revoke_at", Version{RevokeAt: &past}, builds(BuildDone, BuildUnset), VersionIncomplete},
		{"running", Version{}, builds(BuildDone, BuildRunning, BuildFailed), VersionRunning},
		{"failed", Version{}, builds(BuildFailed, BuildCancelled), VersionFailed},
		{"cancelled", Version{}, builds(BuildCancelled, BuildUnset), VersionCancelled},
		{"incomplete", Version{}, builds(BuildDone, BuildUnset), VersionIncomplete},
		{"no builds", Version{}, nil, VersionRunning},
		{"all unset", Version{}, builds(BuildUnset, BuildUnset), VersionRunning},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := VersionStatus(&tc.v, tc.builds, now); got != tc.want {
				t.Fatalf("status = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestAllBuildsDone(t *testing.T) {
	t.Parallel()
	if allBuildsDone(nil) {
		t.Error("a version without builds counts as done")
	}
	if allBuildsDone([]Build{{Status: BuildDone}, {Status: BuildRunning}}) {
		t.Error("a running build counts as done")
	}
	if !allBuildsDone([]Build{{Status: BuildDone}, {Status: BuildDone}}) {
		t.Error("all done builds do not count as done")
	}
}
