package registry

import "time"

// VersionStatus derives a version's status at now from its completion, its
// revocation and its builds. It is computed on every read, never stored, so
// a scheduled revocation flips the status on its own.
func VersionStatus(v *Version, builds []Build, now time.Time) string {
	if v.Complete() {
		switch {
		case v.RevokeAt != nil && !v.RevokeAt.After(now):
			return VersionRevoked
		case v.RevokeAt != nil:
			return VersionRevocationScheduled
		default:
			return VersionActive
		}
	}
	var running, failed, cancelled, done, unset bool
	for _, b := range builds {
		switch b.Status {
		case BuildRunning:
			running = true
		case BuildFailed:
			failed = true
		case BuildCancelled:
			cancelled = true
		case BuildDone:
			done = true
		default:
			unset = true
		}
	}
	switch {
	case running:
		return VersionRunning
	case failed:
		return VersionFailed
	case cancelled:
		return VersionCancelled
	case done && unset:
		return VersionIncomplete
	default:
		return VersionRunning
	}
}

// allBuildsDone reports whether a version with these builds may complete:
// at least one build, every one DONE.
func allBuildsDone(builds []Build) bool {
	if len(builds) == 0 {
		return false
	}
	for _, b := range builds {
		if b.Status != BuildDone {
			return false
		}
	}
	return true
}

// assignable refuses a version a channel may not point at.
func assignable(v *Version, bucketName string, now time.Time) error {
	if !v.Complete() {
		return precondition("version %s of bucket %q is incomplete: a channel can only point at a version whose builds are all done", v.Fingerprint, bucketName)
	}
	if v.RevokedAt(now) {
		return precondition("version %s (%s) of bucket %q is revoked: restore it or choose another version", v.Fingerprint, v.Name(), bucketName)
	}
	return nil
}
