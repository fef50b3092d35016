package localhcp_test

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-openapi/strfmt"
	"github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
)

// The model-based test drives localhcp through hcp-sdk-go with random
// sequences of registry operations and applies each one, in step, to a small
// reference model of the registry rules of CONTRACT.md §9, written from the
// contract rather than from the code. After every step the registry must
// answer as the model predicts (the same error code, or success) and hold
// what the model holds; invariants that need no model are checked too.
//
// The default run is short enough for `make test`; -model.runs and
// -model.steps make it longer, and -model.seed replays a failure:
//
//	go test ./internal/localhcp -run TestModel -model.seed=7 -model.steps=200
var (
	modelSeed  = flag.Uint64("model.seed", 0, "first seed of the model-based test (0: derived from the time)")
	modelRuns  = flag.Int("model.runs", 3, "sequences the model-based test runs, with consecutive seeds")
	modelSteps = flag.Int("model.steps", 150, "operations in each sequence of the model-based test")
)

func TestModel(t *testing.T) {
	t.Parallel()
	first := *modelSeed
	if first == 0 {
		first = uint64(time.Now().UnixNano())
	}
	for i := range *modelRuns {
		seed := first + uint64(i)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			runModel(t, seed, *modelSteps)
		})
	}
}

// gRPC codes the registry answers with (CONTRACT.md §4.2).
const (
	codeOK                 int32 = 0
	codeNotFound           int32 = 5
	codeAlreadyExists      int32 = 6
	codeFailedPrecondition int32 = 9
)

var (
	modelBuckets    = []string{"mod-a", "mod-b", "mod-c"}
	modelChannels   = []string{"stable", "dev"}
	modelComponents = []string{"amazon-ebs.a", "amazon-ebs.b"}
)

// mRev is a revocation: a version's own, or the one in force on it, which
// names the version it came from.
type mRev struct {
	at     time.Time
	msg    string
	passOn bool // not skip_descendants_revocation
	seq    int  // the order it was requested in
	from   string
}

type mBuild struct {
	id, component, parent string
	done                  bool
}

type mVersion struct {
	id, fp, bucket string
	number         int // 0 while incomplete
	builds         []*mBuild
	own            *mRev
	restoredSeq    int   // the sequence number of the last restore
	inForce        *mRev // derived by settle
}

type mChannel struct {
	fp      string
	history []string // newest first; "" is an unassignment
}

type mBucket struct {
	next     int
	versions []*mVersion // in creation order
	channels map[string]*mChannel
}

// model is the reference registry.
type model struct {
	now     time.Time
	seq     int
	buckets map[string]*mBucket
	// seen counts the rules the sequence exercised, so a run shows what
	// it covered.
	seen map[string]int
}

func (m *model) version(id string) *mVersion {
	for _, b := range m.buckets {
		for _, v := range b.versions {
			if v.id == id {
				return v
			}
		}
	}
	return nil
}

func (b *mBucket) version(fp string) *mVersion {
	for _, v := range b.versions {
		if v.fp == fp {
			return v
		}
	}
	return nil
}

func (m *model) allVersions() []*mVersion {
	var out []*mVersion
	for _, name := range modelBuckets {
		if b := m.buckets[name]; b != nil {
			out = append(out, b.versions...)
		}
	}
	return out
}

// ancestors are the existing versions v descends from, through the parents
// its builds name, transitively (§9.9).
func (m *model) ancestors(v *mVersion) map[string]*mVersion {
	out := map[string]*mVersion{}
	queue := []*mVersion{v}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, b := range cur.builds {
			p := m.version(b.parent)
			if p == nil || out[p.id] != nil || p == v {
				continue
			}
			out[p.id] = p
			queue = append(queue, p)
		}
	}
	return out
}

// derive is the revocation in force on v (§9.9): the earliest of its own,
// those its ancestors pass on (requested after v's last restore), and one it
// inherited from a version that is no longer its ancestor (deleted), which
// stays until v is restored. Its own wins a tie. tied reports an ancestor
// tie, where the registry may name either.
func (m *model) derive(v *mVersion) (best *mRev, tied bool) {
	if v.number == 0 {
		return nil, false
	}
	if v.own != nil {
		own := *v.own
		own.from = ""
		best = &own
	}
	consider := func(r mRev, from string) {
		r.from = from
		switch {
		case best == nil || r.at.Before(best.at):
			best, tied = &r, false
		case r.at.Equal(best.at) && best.from != "":
			tied = true
		}
	}
	anc := m.ancestors(v)
	if f := v.inForce; f != nil && f.from != "" && anc[f.from] == nil {
		m.seen["kept from a deleted ancestor"]++
		consider(*f, f.from)
	}
	for _, a := range anc {
		if a.own != nil && a.own.passOn && a.own.seq > v.restoredSeq {
			consider(*a.own, a.id)
		}
	}
	return best, tied
}

func (m *model) revoked(v *mVersion) bool {
	return v.inForce != nil && !v.inForce.at.After(m.now)
}

// settle derives every revocation in force and rolls back every user channel
// whose version is revoked by now (§9.10); `latest` is derived on demand.
func (m *model) settle() {
	for _, v := range m.allVersions() {
		v.inForce, _ = m.derive(v)
	}
	for _, name := range modelBuckets {
		b := m.buckets[name]
		if b == nil {
			continue
		}
		for _, chName := range modelChannels {
			ch := b.channels[chName]
			if ch == nil || ch.fp == "" {
				continue
			}
			if v := b.version(ch.fp); v != nil && m.revoked(v) {
				m.seen["rollback on revocation"]++
				m.rollBack(b, ch, v.fp)
			}
		}
	}
}

// rollBack moves ch to the newest version in its history that exists, is
// complete, is not revoked and is not excluded, or unassigns it.
func (m *model) rollBack(b *mBucket, ch *mChannel, exclude string) {
	target := ""
	for _, fp := range ch.history {
		if v := b.version(fp); fp != exclude && v != nil && v.number > 0 && !m.revoked(v) {
			target = fp
			break
		}
	}
	m.assign(ch, target)
}

func (m *model) assign(ch *mChannel, fp string) {
	if ch.fp == fp {
		return
	}
	ch.fp = fp
	ch.history = append([]string{fp}, ch.history...)
}

// assignable is the code §9.6 answers for assigning fp in b.
func (m *model) assignable(b *mBucket, fp string) int32 {
	if fp == "" {
		return codeOK
	}
	v := b.version(fp)
	switch {
	case v == nil:
		return codeNotFound
	case v.number == 0, m.revoked(v):
		return codeFailedPrecondition
	}
	return codeOK
}

// latest is the complete, not revoked version with the highest number (§9.5).
func (m *model) latest(b *mBucket) string {
	best, fp := 0, ""
	for _, v := range b.versions {
		if v.number > best && !m.revoked(v) {
			best, fp = v.number, v.fp
		}
	}
	return fp
}

func (m *model) complete(b *mBucket, v *mVersion) {
	b.next++
	v.number = b.next
}

func allDone(builds []*mBuild) bool {
	if len(builds) == 0 {
		return false
	}
	for _, b := range builds {
		if !b.done {
			return false
		}
	}
	return true
}

func (m *model) deleteVersion(b *mBucket, v *mVersion) {
	b.versions = slices.DeleteFunc(b.versions, func(x *mVersion) bool { return x == v })
	for _, ch := range b.channels {
		ch.history = slices.DeleteFunc(ch.history, func(fp string) bool { return fp == v.fp })
	}
}

// modelRun is one random sequence against one server.
type modelRun struct {
	t     *testing.T
	rng   *rand.Rand
	seed  uint64
	steps int
	srv   *localhcp.Server
	clk   *clock
	c     *sdk
	m     *model
	trace []string
	fps   int
}

func runModel(t *testing.T, seed uint64, steps int) {
	clk := newClock(epoch)
	srv := startServer(t, localhcp.Options{Now: clk.Now, TokenTTL: 24 * 365 * time.Hour})
	r := &modelRun{
		t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed: seed, steps: steps,
		srv: srv, clk: clk, c: clientsFor(t, srv, "contributor"),
		m: &model{now: epoch, buckets: map[string]*mBucket{}, seen: map[string]int{}},
	}
	ops := []struct {
		weight int
		do     func()
	}{
		{2, r.createBucket}, {1, r.deleteBucket}, {8, r.publish}, {2, r.createVersion}, {3, r.createBuild}, {3, r.finishBuild},
		{1, r.completeVersion}, {3, r.createChannel}, {6, r.assignChannel}, {5, r.revoke}, {3, r.restore},
		{2, r.deleteVersion}, {2, r.deleteBuild}, {1, r.deleteChannel}, {4, r.stepClock},
	}
	total := 0
	for _, op := range ops {
		total += op.weight
	}
	for step := range steps {
		// The registry orders revocation and restore requests by its
		// millisecond clock, so every request gets an instant of its own.
		r.advance(time.Duration(1+r.rng.IntN(5)) * time.Millisecond)
		n := r.rng.IntN(total)
		for _, op := range ops {
			if n -= op.weight; n < 0 {
				op.do()
				break
			}
		}
		r.m.settle()
		r.compare(step)
	}
	t.Logf("seed %d: %d steps, %d requests; seen: %v", seed, steps, srv.RequestCount(), r.m.seen)
}

func (r *modelRun) fail(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s\nseed %d; operations so far:\n  %s\nreplay: go test ./internal/localhcp -run 'TestModel' -model.runs=1 -model.seed=%d -model.steps=%d",
		fmt.Sprintf(format, args...), r.seed, strings.Join(r.trace, "\n  "), r.seed, r.steps)
}

// expect records the operation and checks the registry's answer to it.
func (r *modelRun) expect(op string, want int32, err error) {
	r.t.Helper()
	got := codeOf(err)
	r.trace = append(r.trace, fmt.Sprintf("%s at +%s → %d", op, r.m.now.Sub(epoch), got))
	if got == codeOK {
		r.m.seen[strings.Fields(op)[0]]++
	}
	if got != want {
		r.fail("%s answered code %d (%v), the model expects %d", op, got, err, want)
	}
}

func codeOf(err error) int32 {
	var ae apiError
	switch {
	case err == nil:
		return codeOK
	case errors.As(err, &ae) && ae.GetPayload() != nil:
		return ae.GetPayload().Code
	}
	return -1
}

func (r *modelRun) advance(d time.Duration) {
	r.clk.Advance(d)
	r.m.now = r.m.now.Add(d)
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// bucket picks a bucket, mostly one that exists.
func (r *modelRun) bucket() (string, *mBucket) {
	var existing []string
	for _, name := range modelBuckets {
		if r.m.buckets[name] != nil {
			existing = append(existing, name)
		}
	}
	name := pick(r.rng, modelBuckets)
	if len(existing) > 0 && r.rng.IntN(10) > 0 {
		name = pick(r.rng, existing)
	}
	return name, r.m.buckets[name]
}

// version picks a version of b, mostly one that suits the operation, now
// and then any other or a fingerprint b does not have.
func (r *modelRun) version(b *mBucket, suits func(*mVersion) bool) (string, *mVersion) {
	if b == nil || len(b.versions) == 0 || r.rng.IntN(15) == 0 {
		return "nope", nil
	}
	var fit []*mVersion
	for _, v := range b.versions {
		if suits(v) {
			fit = append(fit, v)
		}
	}
	v := pick(r.rng, b.versions)
	if len(fit) > 0 && r.rng.IntN(6) > 0 {
		v = pick(r.rng, fit)
	}
	return v.fp, v
}

// channel picks a channel name: mostly a user channel that exists in b (or
// does not, when creating), now and then any, `latest` included.
func (r *modelRun) channel(b *mBucket, exists bool) string {
	var fit []string
	for _, name := range modelChannels {
		if b != nil && (b.channels[name] != nil) == exists {
			fit = append(fit, name)
		}
	}
	if len(fit) > 0 && r.rng.IntN(6) > 0 {
		return pick(r.rng, fit)
	}
	return pick(r.rng, append([]string{"latest"}, modelChannels...))
}

func incomplete(v *mVersion) bool { return v.number == 0 }

func (r *modelRun) assignableVersion(v *mVersion) bool { return v.number > 0 && !r.m.revoked(v) }

func (r *modelRun) createBucket() {
	name, _ := r.bucket()
	r.createBucketNamed(name)
}

func (r *modelRun) createBucketNamed(name string) {
	want := codeAlreadyExists
	if r.m.buckets[name] == nil {
		want = codeOK
		r.m.buckets[name] = &mBucket{channels: map[string]*mChannel{}}
	}
	_, err := r.c.createBucket(name, "", nil)
	r.expect("CreateBucket "+name, want, err)
}

func (r *modelRun) deleteBucket() {
	name, b := r.bucket()
	want := codeNotFound
	if b != nil {
		want = codeOK
		delete(r.m.buckets, name)
	}
	r.expect("DeleteBucket "+name, want, r.c.deleteBucket(name))
}

func (r *modelRun) createVersion() {
	name, _ := r.bucket()
	r.createVersionIn(name)
}

func (r *modelRun) createVersionIn(name string) *mVersion {
	b := r.m.buckets[name]
	r.fps++
	fp := fmt.Sprintf("fp%d", r.fps)
	want := codeNotFound
	if b != nil {
		want = codeOK
	}
	v, err := r.c.createVersion(name, fp)
	r.expect("CreateVersion "+name+"/"+fp, want, err)
	if err != nil {
		return nil
	}
	mv := &mVersion{id: v.ID, fp: fp, bucket: name}
	b.versions = append(b.versions, mv)
	return mv
}

// publish records a version as `packer build` does: the bucket when
// missing, the version, one or two builds (now and then built from a
// parent), each then finished, which completes the version.
func (r *modelRun) publish() {
	name, b := r.bucket()
	if b == nil {
		r.createBucketNamed(name)
	}
	v := r.createVersionIn(name)
	for _, component := range modelComponents[:1+r.rng.IntN(len(modelComponents))] {
		r.createBuildOn(name, v.fp, v, component)
	}
	for _, bd := range v.builds {
		r.finishBuildOn(name, v, bd)
	}
}

func (r *modelRun) createBuild() {
	name, b := r.bucket()
	fp, v := r.version(b, incomplete)
	r.createBuildOn(name, fp, v, pick(r.rng, modelComponents))
}

func (r *modelRun) createBuildOn(name, fp string, v *mVersion, component string) {
	parent := ""
	var complete []*mVersion
	for _, x := range r.m.allVersions() {
		if x.number > 0 {
			complete = append(complete, x)
		}
	}
	// Parents are complete versions, as Packer takes them from channels;
	// that also keeps ancestry free of cycles.
	if len(complete) > 0 && r.rng.IntN(2) == 0 {
		parent = pick(r.rng, complete).id
	}
	want := codeOK
	switch {
	case v == nil:
		want = codeNotFound
	case v.number > 0:
		want = codeFailedPrecondition
	case slices.ContainsFunc(v.builds, func(x *mBuild) bool { return x.component == component }):
		want = codeAlreadyExists
	}
	build, err := r.c.createBuild(name, fp, &models.HashicorpCloudPacker20230101CreateBuildBody{
		ComponentType: component, Platform: "aws", PackerRunUUID: "run", ParentVersionID: parent,
		Status: models.HashicorpCloudPacker20230101BuildStatusBUILDRUNNING.Pointer(),
	})
	r.expect(fmt.Sprintf("CreateBuild %s/%s %s parent %q", name, fp, component, parent), want, err)
	if err == nil {
		v.builds = append(v.builds, &mBuild{id: build.ID, component: component, parent: parent})
	}
}

// build picks a build of b, preferring unfinished ones.
func (r *modelRun) build(b *mBucket) (*mVersion, *mBuild) {
	type pair struct {
		v  *mVersion
		bd *mBuild
	}
	var open, all []pair
	if b != nil {
		for _, v := range b.versions {
			for _, bd := range v.builds {
				all = append(all, pair{v, bd})
				if !bd.done {
					open = append(open, pair{v, bd})
				}
			}
		}
	}
	if len(open) > 0 && r.rng.IntN(5) > 0 {
		p := pick(r.rng, open)
		return p.v, p.bd
	}
	if len(all) > 0 {
		p := pick(r.rng, all)
		return p.v, p.bd
	}
	return nil, nil
}

func (r *modelRun) finishBuild() {
	name, b := r.bucket()
	if v, bd := r.build(b); bd != nil {
		r.finishBuildOn(name, v, bd)
	}
}

func (r *modelRun) finishBuildOn(name string, v *mVersion, bd *mBuild) {
	want := codeOK
	if bd.done {
		want = codeFailedPrecondition
	} else {
		bd.done = true
		if allDone(v.builds) {
			r.m.complete(r.m.buckets[name], v)
		}
	}
	_, err := r.c.updateBuild(name, v.fp, bd.id, &models.HashicorpCloudPacker20230101UpdateBuildBody{
		Status:    models.HashicorpCloudPacker20230101BuildStatusBUILDDONE.Pointer(),
		Artifacts: []*models.HashicorpCloudPacker20230101ArtifactCreateBody{{ExternalIdentifier: "ami-" + bd.id, Region: "us-east-1"}},
	})
	r.expect(fmt.Sprintf("UpdateBuild %s/%s %s DONE", name, v.fp, bd.component), want, err)
}

func (r *modelRun) completeVersion() {
	name, b := r.bucket()
	fp, v := r.version(b, incomplete)
	want := codeOK
	switch {
	case v == nil:
		want = codeNotFound
	case r.m.revoked(v):
		want = codeFailedPrecondition
	case v.number > 0:
	case allDone(v.builds):
		r.m.complete(b, v) // unreachable: the last build completes it
	default:
		want = codeFailedPrecondition
	}
	_, err := r.c.updateVersion(name, fp, &models.HashicorpCloudPacker20230101UpdateVersionBody{Complete: true})
	r.expect("UpdateVersion complete "+name+"/"+fp, want, err)
}

func (r *modelRun) createChannel() {
	name, b := r.bucket()
	channel := r.channel(b, false)
	fp := ""
	if r.rng.IntN(2) == 0 {
		fp, _ = r.version(b, r.assignableVersion)
	}
	var want int32
	switch {
	case b == nil:
		want = codeNotFound
	case channel == "latest" || b.channels[channel] != nil:
		want = codeAlreadyExists
	default:
		want = r.m.assignable(b, fp)
	}
	if want == codeOK {
		ch := &mChannel{}
		r.m.assign(ch, fp)
		b.channels[channel] = ch
	}
	_, err := r.c.createChannel(name, channel, fp, false)
	r.expect(fmt.Sprintf("CreateChannel %s/%s on %q", name, channel, fp), want, err)
}

func (r *modelRun) assignChannel() {
	name, b := r.bucket()
	channel := r.channel(b, true)
	fp := ""
	if r.rng.IntN(6) > 0 {
		fp, _ = r.version(b, r.assignableVersion)
	}
	var want int32
	switch {
	case b == nil:
		want = codeNotFound
	case channel == "latest":
		want = codeFailedPrecondition
	case b.channels[channel] == nil:
		want = codeNotFound
	default:
		want = r.m.assignable(b, fp)
	}
	if want == codeOK {
		r.m.assign(b.channels[channel], fp)
	}
	_, err := r.c.assignChannel(name, channel, fp)
	r.expect(fmt.Sprintf("UpdateChannel %s/%s to %q", name, channel, fp), want, err)
}

func (r *modelRun) revoke() {
	name, b := r.bucket()
	fp, v := r.version(b, r.assignableVersion)
	body := &models.HashicorpCloudPacker20230101UpdateVersionBody{SkipDescendantsRevocation: r.rng.IntN(4) == 0}
	in := time.Duration(0)
	switch r.rng.IntN(3) {
	case 0:
		body.RevokeIn = "0s"
	case 1:
		body.RevokeAt = strfmt.DateTime(r.m.now.Add(-time.Minute))
		in = -time.Minute
	default:
		in = time.Duration(1+r.rng.IntN(4*3600)) * time.Second
		body.RevokeIn = fmt.Sprintf("%ds", int(in/time.Second))
	}
	r.m.seq++
	body.RevocationMessage = fmt.Sprintf("r%d", r.m.seq)
	want := codeOK
	switch {
	case v == nil:
		want = codeNotFound
	case v.number == 0, r.m.revoked(v):
		want = codeFailedPrecondition
	default:
		v.own = &mRev{at: r.m.now.Add(in), msg: body.RevocationMessage, passOn: !body.SkipDescendantsRevocation, seq: r.m.seq}
	}
	_, err := r.c.updateVersion(name, fp, body)
	r.expect(fmt.Sprintf("UpdateVersion revoke %s/%s in %s skip_descendants=%t", name, fp, in, body.SkipDescendantsRevocation), want, err)
}

func (r *modelRun) restore() {
	name, b := r.bucket()
	fp, v := r.version(b, func(v *mVersion) bool { return v.inForce != nil })
	if v != nil && v.number == 0 {
		return // an incomplete version has nothing to restore
	}
	want := codeOK
	switch {
	case v == nil:
		want = codeNotFound
	case v.own != nil || v.inForce != nil:
		r.m.seq++
		v.own, v.inForce, v.restoredSeq = nil, nil, r.m.seq
	}
	_, err := r.c.updateVersion(name, fp, &models.HashicorpCloudPacker20230101UpdateVersionBody{Restore: true})
	r.expect("UpdateVersion restore "+name+"/"+fp, want, err)
}

func (r *modelRun) deleteVersion() {
	name, b := r.bucket()
	fp, v := r.version(b, func(*mVersion) bool { return true })
	rollback := r.rng.IntN(2) == 0
	want := codeNotFound
	if v != nil {
		want = r.m.deleteVersionWith(b, v, rollback)
	}
	r.expect(fmt.Sprintf("DeleteVersion %s/%s rollback=%t", name, fp, rollback), want, r.c.deleteVersion(name, fp, rollback))
}

// deleteVersionWith applies DeleteVersion (§9.13): user channels on v block
// it unless they may roll back first.
func (m *model) deleteVersionWith(b *mBucket, v *mVersion, rollback bool) int32 {
	var on []*mChannel
	for _, ch := range b.channels {
		if ch.fp == v.fp {
			on = append(on, ch)
		}
	}
	if len(on) > 0 && !rollback {
		return codeFailedPrecondition
	}
	for _, ch := range on {
		m.rollBack(b, ch, v.fp)
	}
	m.deleteVersion(b, v)
	return codeOK
}

func (r *modelRun) deleteBuild() {
	name, b := r.bucket()
	v, bd := r.build(b)
	if bd == nil {
		return
	}
	want := codeOK
	switch {
	case v.number > 0 && len(v.builds) == 1:
		want = codeFailedPrecondition // a complete version keeps a build (§9.4)
	default:
		v.builds = slices.DeleteFunc(v.builds, func(x *mBuild) bool { return x == bd })
		if v.number == 0 && allDone(v.builds) {
			r.m.complete(b, v)
		}
	}
	r.expect(fmt.Sprintf("DeleteBuild %s/%s %s", name, v.fp, bd.component), want, r.c.deleteBuild(name, v.fp, bd.id))
}

func (r *modelRun) deleteChannel() {
	name, b := r.bucket()
	channel := r.channel(b, true)
	var want int32
	switch {
	case b == nil:
		want = codeNotFound
	case channel == "latest":
		want = codeFailedPrecondition
	case b.channels[channel] == nil:
		want = codeNotFound
	default:
		delete(b.channels, channel)
	}
	r.expect("DeleteChannel "+name+"/"+channel, want, r.c.deleteChannel(name, channel))
}

func (r *modelRun) stepClock() {
	d := time.Duration(1+r.rng.IntN(90)) * time.Minute
	r.advance(d)
	r.trace = append(r.trace, fmt.Sprintf("clock +%s", d))
}

// compare reads the whole registry and checks it against the model and the
// invariants.
func (r *modelRun) compare(step int) {
	r.t.Helper()
	list, err := r.c.listBuckets(0, "")
	if err != nil {
		r.fail("step %d: list buckets: %v", step, err)
	}
	var names []string
	for _, b := range list.Buckets {
		names = append(names, b.Name)
	}
	var want []string
	for _, name := range modelBuckets {
		if r.m.buckets[name] != nil {
			want = append(want, name)
		}
	}
	if !slices.Equal(names, want) {
		r.fail("step %d: buckets %v, the model has %v", step, names, want)
	}
	server := map[string]*models.HashicorpCloudPacker20230101Version{}
	for _, name := range want {
		vs, err := r.c.listVersions(name, 0, "")
		if err != nil {
			r.fail("step %d: list versions of %s: %v", step, name, err)
		}
		for _, v := range vs.Versions {
			server[v.ID] = v
		}
		r.compareBucket(step, name, vs.Versions)
	}
	r.checkDescendants(step, server)
}

func (r *modelRun) compareBucket(step int, name string, versions []*models.HashicorpCloudPacker20230101Version) {
	r.t.Helper()
	b := r.m.buckets[name]
	if len(versions) != len(b.versions) {
		r.fail("step %d: bucket %s has %d versions, the model %d", step, name, len(versions), len(b.versions))
	}
	numbers := map[string]string{}
	for _, sv := range versions {
		v := b.version(sv.Fingerprint)
		if v == nil {
			r.fail("step %d: bucket %s has version %s, the model does not", step, name, sv.Fingerprint)
		}
		if got, want := versionSummary(sv), r.summary(v); got != want {
			r.fail("step %d: version %s/%s is\n  %s\nthe model says\n  %s", step, name, v.fp, got, want)
		}
		// Invariant: complete versions have distinct names vN.
		if sv.Name != "v0" {
			if other, dup := numbers[sv.Name]; dup {
				r.fail("step %d: versions %s and %s of %s are both %s", step, other, sv.Fingerprint, name, sv.Name)
			}
			numbers[sv.Name] = sv.Fingerprint
		}
	}

	channels, err := r.c.listChannels(name)
	if err != nil {
		r.fail("step %d: list channels of %s: %v", step, name, err)
	}
	byFP := map[string]*models.HashicorpCloudPacker20230101Version{}
	for _, sv := range versions {
		byFP[sv.Fingerprint] = sv
	}
	seen := 0
	for _, ch := range channels {
		fp := ""
		if ch.Version != nil {
			fp = ch.Version.Fingerprint
		}
		if ch.Name == "latest" {
			if want := r.m.latest(b); fp != want {
				r.fail("step %d: latest of %s serves %q, the model %q", step, name, fp, want)
			}
			// Invariant: latest serves the newest complete version not revoked.
			if want := newestValid(versions); fp != want {
				r.fail("step %d: latest of %s serves %q, but the newest complete version not revoked is %q", step, name, fp, want)
			}
			continue
		}
		seen++
		mc := b.channels[ch.Name]
		if mc == nil {
			r.fail("step %d: bucket %s has channel %s, the model does not", step, name, ch.Name)
		}
		// Invariant: a user channel serves a complete version that is not revoked.
		if sv := byFP[fp]; fp != "" && (sv == nil || sv.Name == "v0" || status(sv) == "VERSION_REVOKED") {
			r.fail("step %d: channel %s/%s serves %q, which is missing, incomplete or revoked", step, name, ch.Name, fp)
		}
		h, err := r.c.history(name, ch.Name, 0, "")
		if err != nil {
			r.fail("step %d: history of %s/%s: %v", step, name, ch.Name, err)
		}
		var hist []string
		for _, e := range h.History {
			hfp := ""
			if e.Version != nil {
				hfp = e.Version.Fingerprint
			}
			hist = append(hist, hfp)
		}
		if fp != mc.fp || !slices.Equal(hist, mc.history) {
			r.fail("step %d: channel %s/%s serves %q with history %q, the model %q with %q", step, name, ch.Name, fp, hist, mc.fp, mc.history)
		}
	}
	if seen != len(b.channels) {
		r.fail("step %d: bucket %s has %d user channels, the model %d", step, name, seen, len(b.channels))
	}
}

// summary is what the model says a version reads as, in versionSummary's
// form.
func (r *modelRun) summary(v *mVersion) string {
	name, st := fmt.Sprintf("v%d", v.number), "VERSION_RUNNING"
	rev := "none"
	if v.number > 0 {
		st = "VERSION_ACTIVE"
		if f := v.inForce; f != nil {
			st = "VERSION_REVOCATION_SCHEDULED"
			if r.m.revoked(v) {
				st = "VERSION_REVOKED"
			}
			typ, from := "MANUAL", ""
			if f.from != "" {
				r.m.seen["inherited revocation read"]++
				typ, from = "INHERITED", f.from
				if _, tied := r.m.derive(v); tied {
					from = "(tied)"
				}
			}
			rev = fmt.Sprintf("%s %s %q from %q", f.at.Format(time.RFC3339Nano), typ, f.msg, from)
		}
	}
	var builds []string
	for _, b := range v.builds {
		builds = append(builds, fmt.Sprintf("%s:%t", b.component, b.done))
	}
	slices.Sort(builds)
	return fmt.Sprintf("%s %s revocation %s builds %v", name, st, rev, builds)
}

func versionSummary(v *models.HashicorpCloudPacker20230101Version) string {
	rev := "none"
	if at := time.Time(v.RevokeAt); !at.IsZero() {
		typ, from := "", ""
		if v.RevocationType != nil {
			typ = string(*v.RevocationType)
		}
		if v.RevocationInheritedFrom != nil {
			from = v.RevocationInheritedFrom.VersionID
		}
		rev = fmt.Sprintf("%s %s %q from %q", at.UTC().Format(time.RFC3339Nano), typ, v.RevocationMessage, from)
	}
	var builds []string
	for _, b := range v.Builds {
		done := b.Status != nil && *b.Status == models.HashicorpCloudPacker20230101BuildStatusBUILDDONE
		builds = append(builds, fmt.Sprintf("%s:%t", b.ComponentType, done))
	}
	slices.Sort(builds)
	return fmt.Sprintf("%s %s revocation %s builds %v", v.Name, status(v), rev, builds)
}

// newestValid is the fingerprint of the highest-numbered complete version
// that is not revoked, from the registry's own answers.
func newestValid(versions []*models.HashicorpCloudPacker20230101Version) string {
	best, fp := 0, ""
	for _, v := range versions {
		var n int
		if _, err := fmt.Sscanf(v.Name, "v%d", &n); err == nil && n > best && status(v) != "VERSION_REVOKED" {
			best, fp = n, v.Fingerprint
		}
	}
	return fp
}

// checkDescendants checks that every version an ancestor passes its
// revocation on to (and that was not restored since) is revoked no later
// than that ancestor's own revocation, whatever else it inherits.
func (r *modelRun) checkDescendants(step int, server map[string]*models.HashicorpCloudPacker20230101Version) {
	r.t.Helper()
	for _, v := range r.m.allVersions() {
		if v.number == 0 {
			continue
		}
		for _, a := range r.m.ancestors(v) {
			if a.own == nil || !a.own.passOn || a.own.seq <= v.restoredSeq {
				continue
			}
			at := time.Time(server[v.id].RevokeAt)
			if at.IsZero() || at.After(a.own.at) {
				r.fail("step %d: version %s descends from %s, revoked at %s, but is revoked at %v", step, v.fp, a.fp, a.own.at, at)
			}
		}
	}
}
