package resilience

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // the driver localhcp's store uses, to inspect its file

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
)

// Shape of the crash test: writers, crash rounds, and how many writes each
// round acknowledges before localhcp is killed.
const (
	crashWriters      = 6
	crashRounds       = 3
	crashAcksPerRound = 400
)

// TestCrash_sigkillMidWriteLoad runs localhcp as a separate process on a data
// directory, drives concurrent writes through its API while recording every
// acknowledged one, kills it with SIGKILL in the middle of that load, and
// restarts it on the same directory: every acknowledged write must be
// there, and every record whole. It does this several rounds over the same
// data, so later rounds also recover from earlier crashes.
func TestCrash_sigkillMidWriteLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()

	srv := startCrashServer(t, dir)
	api := connectCrashAPI(t, srv)
	ledgers := make([]*bucketLedger, crashWriters)
	for w := range ledgers {
		ledgers[w] = newBucketLedger(fmt.Sprintf("crash-%d", w))
		if err := ledgers[w].setUp(ctx, api); err != nil {
			t.Fatalf("set up bucket %q: %v", ledgers[w].bucket, err)
		}
	}

	for round := 1; round <= crashRounds; round++ {
		tokenBeforeCrash := api.token
		unacknowledged := writeUntilKilled(t, srv, api, ledgers, round)
		t.Logf("round %d: SIGKILL with %d writes in flight", round, unacknowledged)
		checkDatabaseFile(t, dir)

		srv = startCrashServer(t, dir)
		api = connectCrashAPI(t, srv)
		// The token was itself an acknowledged write.
		if err := api.callWithToken(ctx, tokenBeforeCrash, http.MethodGet, api.packer+"/buckets", nil, nil); err != nil {
			t.Errorf("round %d: the access token issued before the crash is refused after it: %v", round, err)
		}
		for _, l := range ledgers {
			if err := l.verify(ctx, api); err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
		if t.Failed() {
			return
		}
	}
	srv.stop(t)
	checkDatabaseFile(t, dir)
}

// connectCrashAPI authenticates a raw API client as the server's
// contributor.
func connectCrashAPI(t *testing.T, srv *crashServer) *rawAPI {
	t.Helper()
	api := newRawAPI(srv.info.URL, srv.info.Organization, srv.info.Project)
	if err := api.authenticate(context.Background(), srv.info.ClientID, srv.info.ClientSecret); err != nil {
		t.Fatalf("authenticate to the localhcp server process: %v", err)
	}
	return api
}

// writeUntilKilled runs one writer per ledger until crashAcksPerRound more
// writes are acknowledged, then SIGKILLs the server while the writers are
// still sending. It returns how many writers had a request in flight, all of
// which must have failed: a writer that fails before the kill fails the
// test.
func writeUntilKilled(t *testing.T, srv *crashServer, api *rawAPI, ledgers []*bucketLedger, round int) int {
	t.Helper()
	var acks atomic.Int64
	var killed atomic.Bool
	errs := make([]error, len(ledgers))
	failedBeforeKill := make([]bool, len(ledgers))
	var wg sync.WaitGroup
	for w, l := range ledgers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = l.writeLoop(context.Background(), api, round, &acks)
			failedBeforeKill[w] = !killed.Load()
		}()
	}

	deadline := time.Now().Add(2 * time.Minute)
	ticker := time.NewTicker(5 * time.Millisecond)
	for acks.Load() < crashAcksPerRound && time.Now().Before(deadline) {
		<-ticker.C
	}
	ticker.Stop()
	killed.Store(true)
	srv.kill(t)
	wg.Wait()

	if n := acks.Load(); n < crashAcksPerRound {
		t.Fatalf("round %d: only %d writes were acknowledged within 2 minutes", round, n)
	}
	inFlight := 0
	for w, err := range errs {
		var refused *apiError
		switch {
		case failedBeforeKill[w]:
			t.Fatalf("round %d: bucket %q: a write failed before the server was killed: %v", round, ledgers[w].bucket, err)
		case errors.As(err, &refused):
			// An answer, not a broken connection: the live server
			// refused a write.
			t.Fatalf("round %d: bucket %q: %v", round, ledgers[w].bucket, err)
		default:
			inFlight++
		}
	}
	return inFlight
}

// checkDatabaseFile opens localhcp's database file as the next start would
// and checks that SQLite finds it whole: no torn page, no dangling
// reference between versions, builds, channels and their history.
func checkDatabaseFile(t *testing.T, dir string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.FileName)+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&result); err != nil || result != "ok" {
		t.Fatalf("integrity_check of the database after the crash: %q, %v", result, err)
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatal("foreign_key_check of the database after the crash found a dangling reference")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// bucketLedger records the acknowledged writes to one bucket. One writer
// owns a bucket, so its writes are sequential and the ledger needs no lock.
type bucketLedger struct {
	bucket string
	// versions holds every version whose creation was acknowledged.
	versions map[string]*versionLedger
	// stable is the last acknowledged assignment of the channel "stable";
	// stablePending is one sent after it whose answer never came, which
	// the server may or may not have committed.
	stable, stablePending string
	// channels maps each channel whose creation (with a version) was
	// acknowledged to that version's fingerprint.
	channels map[string]string
}

type versionLedger struct {
	buildID    string // CreateBuild acknowledged
	done       bool   // UpdateBuild to BUILD_DONE with the artifact acknowledged
	externalID string
}

func newBucketLedger(bucket string) *bucketLedger {
	return &bucketLedger{bucket: bucket, versions: map[string]*versionLedger{}, channels: map[string]string{}}
}

// setUp creates the bucket and its channel "stable", unassigned.
func (l *bucketLedger) setUp(ctx context.Context, api *rawAPI) error {
	if err := api.call(ctx, http.MethodPut, "/buckets", map[string]any{"name": l.bucket}, nil); err != nil {
		return err
	}
	return api.call(ctx, http.MethodPost, "/buckets/"+l.bucket+"/channels", map[string]any{"name": "stable"}, nil)
}

// writeLoop publishes versions as `packer build` does (create the version,
// a running build, finish it with an artifact), assigns each to "stable",
// and now and then creates a channel on it, recording each acknowledged
// write, until a call fails.
func (l *bucketLedger) writeLoop(ctx context.Context, api *rawAPI, round int, acks *atomic.Int64) error {
	b := "/buckets/" + l.bucket
	for i := 0; ; i++ {
		fp := fmt.Sprintf("r%d-i%d", round, i)
		err := api.call(ctx, http.MethodPost, b+"/versions", map[string]any{"fingerprint": fp, "template_type": "HCL2"}, nil)
		if err != nil {
			return err
		}
		v := &versionLedger{externalID: "ami-" + fp}
		l.versions[fp] = v
		acks.Add(1)

		var created struct {
			Build wireBuild `json:"build"`
		}
		err = api.call(ctx, http.MethodPost, b+"/versions/"+fp+"/builds", map[string]any{
			"component_type": "amazon-ebs.crash", "packer_run_uuid": uuid.NewString(),
			"status": "BUILD_RUNNING", "platform": "aws",
		}, &created)
		if err != nil {
			return err
		}
		v.buildID = created.Build.ID
		acks.Add(1)

		err = api.call(ctx, http.MethodPatch, b+"/versions/"+fp+"/builds/"+v.buildID, map[string]any{
			"status": "BUILD_DONE", "platform": "aws", "labels": map[string]string{"round": fmt.Sprint(round)},
			"artifacts": []map[string]string{{"external_identifier": v.externalID, "region": "us-east-1"}},
		}, nil)
		if err != nil {
			return err
		}
		v.done = true
		acks.Add(1)

		l.stablePending = fp
		err = api.call(ctx, http.MethodPatch, b+"/channels/stable", map[string]any{
			"version_fingerprint": fp, "update_mask": "versionFingerprint",
		}, nil)
		if err != nil {
			return err
		}
		l.stable, l.stablePending = fp, ""
		acks.Add(1)

		if i%4 == 0 {
			name := fmt.Sprintf("c-r%d-i%d", round, i)
			err = api.call(ctx, http.MethodPost, b+"/channels", map[string]any{"name": name, "version_fingerprint": fp}, nil)
			if err != nil {
				return err
			}
			l.channels[name] = fp
			acks.Add(1)
		}
	}
}

// completeName is the name of a complete version.
var completeName = regexp.MustCompile(`^v[1-9][0-9]*$`)

// verify checks, on a restarted server, that every acknowledged write to the
// bucket is there and that every version and channel in it is whole.
func (l *bucketLedger) verify(ctx context.Context, api *rawAPI) error {
	versions, err := api.listVersions(ctx, l.bucket)
	if err != nil {
		return fmt.Errorf("bucket %q after restart: %w", l.bucket, err)
	}
	byFingerprint := map[string]wireVersion{}
	names := map[string]string{}
	for _, v := range versions {
		byFingerprint[v.Fingerprint] = v
		if err := versionIsWhole(v); err != nil {
			return fmt.Errorf("bucket %q: %w", l.bucket, err)
		}
		if v.Name != "v0" {
			if other, dup := names[v.Name]; dup {
				return fmt.Errorf("bucket %q: versions %q and %q are both named %s", l.bucket, other, v.Fingerprint, v.Name)
			}
			names[v.Name] = v.Fingerprint
		}
	}

	for fp, want := range l.versions {
		v, ok := byFingerprint[fp]
		if !ok {
			return fmt.Errorf("bucket %q: acknowledged version %q is missing after the crash", l.bucket, fp)
		}
		if err := want.check(v); err != nil {
			return fmt.Errorf("bucket %q: version %q: %w", l.bucket, fp, err)
		}
	}

	channels, err := api.listChannels(ctx, l.bucket)
	if err != nil {
		return fmt.Errorf("bucket %q after restart: %w", l.bucket, err)
	}
	byName := map[string]wireChannel{}
	for _, ch := range channels {
		byName[ch.Name] = ch
		if ch.Version == nil {
			continue
		}
		if v, ok := byFingerprint[ch.Version.Fingerprint]; !ok || !completeName.MatchString(v.Name) {
			return fmt.Errorf("bucket %q: channel %q points at version %q, which is missing or incomplete", l.bucket, ch.Name, ch.Version.Fingerprint)
		}
	}
	stable, ok := byName["stable"]
	if !ok {
		return fmt.Errorf("bucket %q: channel stable is missing after the crash", l.bucket)
	}
	if got := fingerprintOf(stable.Version); got != l.stable && (l.stablePending == "" || got != l.stablePending) {
		return fmt.Errorf("bucket %q: channel stable points at %q after the crash; the last acknowledged assignment was %q (unanswered: %q)",
			l.bucket, got, l.stable, l.stablePending)
	}
	for name, fp := range l.channels {
		if got := fingerprintOf(byName[name].Version); got != fp {
			return fmt.Errorf("bucket %q: acknowledged channel %q points at %q after the crash, want %q", l.bucket, name, got, fp)
		}
	}

	history, err := api.channelHistory(ctx, l.bucket, "stable")
	if err != nil {
		return fmt.Errorf("bucket %q: history of stable: %w", l.bucket, err)
	}
	if len(history) == 0 || fingerprintOf(history[0].Version) != fingerprintOf(stable.Version) {
		return fmt.Errorf("bucket %q: the newest history entry of stable does not match its version %q", l.bucket, fingerprintOf(stable.Version))
	}
	for _, h := range history {
		if h.Version != nil {
			if _, ok := byFingerprint[h.Version.Fingerprint]; !ok {
				return fmt.Errorf("bucket %q: the history of stable names version %q, which does not exist", l.bucket, h.Version.Fingerprint)
			}
		}
	}
	return nil
}

// check compares a version with what was acknowledged for it.
func (want *versionLedger) check(v wireVersion) error {
	if want.buildID == "" {
		return nil
	}
	var build *wireBuild
	for i := range v.Builds {
		if v.Builds[i].ID == want.buildID {
			build = &v.Builds[i]
		}
	}
	if build == nil {
		return fmt.Errorf("acknowledged build %q is missing", want.buildID)
	}
	if !want.done {
		return nil
	}
	if build.Status != "BUILD_DONE" || len(build.Artifacts) != 1 || build.Artifacts[0].ExternalIdentifier != want.externalID {
		return fmt.Errorf("acknowledged finished build %q reads back as %s with artifacts %+v", build.ID, build.Status, build.Artifacts)
	}
	if v.Status != "VERSION_ACTIVE" || !completeName.MatchString(v.Name) {
		return fmt.Errorf("its only build is done, yet it is %s named %q", v.Status, v.Name)
	}
	return nil
}

// versionIsWhole checks a version's own consistency, whether or not its
// writes were acknowledged: builds belong to it, a complete version has
// only finished builds with artifacts, an incomplete one is named v0.
func versionIsWhole(v wireVersion) error {
	if v.ID == "" || v.Status == "" {
		return fmt.Errorf("version %q has no id or status: %+v", v.Fingerprint, v)
	}
	complete := completeName.MatchString(v.Name)
	if !complete && v.Name != "v0" {
		return fmt.Errorf("version %q is named %q", v.Fingerprint, v.Name)
	}
	for _, b := range v.Builds {
		if b.VersionID != v.ID {
			return fmt.Errorf("build %q of version %q names version %q", b.ID, v.Fingerprint, b.VersionID)
		}
		if complete && (b.Status != "BUILD_DONE" || len(b.Artifacts) == 0) {
			return fmt.Errorf("complete version %q (%s) has build %q in %s with %d artifacts", v.Fingerprint, v.Name, b.ID, b.Status, len(b.Artifacts))
		}
		for _, a := range b.Artifacts {
			if a.ID == "" || a.ExternalIdentifier == "" || a.Region == "" {
				return fmt.Errorf("build %q of version %q has a partial artifact %+v", b.ID, v.Fingerprint, a)
			}
		}
	}
	if complete && len(v.Builds) == 0 {
		return fmt.Errorf("complete version %q (%s) has no build", v.Fingerprint, v.Name)
	}
	return nil
}

func fingerprintOf(v *wireVersion) string {
	if v == nil {
		return ""
	}
	return v.Fingerprint
}
