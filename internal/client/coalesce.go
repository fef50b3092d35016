package client

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
	"google.golang.org/grpc/codes"
)

// Coalesce wraps api so that identical reads made while one provider
// process serves one Terraform operation share a single request: concurrent
// identical calls wait for the one in flight (singleflight), and the answer
// is kept for the rest of the wrapper's life. Configure builds a new wrapper
// for every operation, so the cache lives exactly as long as one plan or
// apply walk.
//
// Trade-off: a read sees the registry as it was when that read was first
// made in this operation. Changes other people make before the operation
// starts are seen (drift detection keeps working); changes they make while
// the operation runs are seen only by the next operation. This provider's
// own writes are not subject to that: every write drops what it can affect,
// so a data source that depends on an assignment reads the new version.
//
//   - A write to bucket B (channel create/update/delete, bucket update)
//     drops every cached read of B: the bucket, its channels, versions and
//     histories.
//   - Bucket create, update and delete also drop the bucket list of their
//     project.
//   - Revoking or restoring a version, and deleting a bucket, drop the whole
//     cache: revocation is inherited by descendants in other buckets (whose
//     channels then roll back and whose latest moves), and a deleted bucket
//     takes versions other buckets name as parents.
//
// A write drops the cache whether it succeeded or not, since a failed or
// timed-out write may still have taken effect.
//
// Answers are cached, and so is NotFound (an answer about the registry,
// dropped by the same writes as any other). Every other error — throttling,
// outages, permission, cancellation — is handed to the callers waiting for
// that request and then forgotten, so the next call asks again.
//
// Callers share the answers: none may change a Bucket, Version, Channel or
// anything they hold, and a caller that needs a different value copies
// what it changes.
func Coalesce(api API) API {
	return &coalescer{api: api, answers: map[readKey]answer{}, flying: map[readKey]uint64{}}
}

// coalescer is the API decorator Coalesce returns.
type coalescer struct {
	api API
	// group joins identical reads in flight.
	group singleflight.Group

	mu sync.Mutex
	// answers are the cached answers of this operation.
	answers map[readKey]answer
	// flying marks each read in flight with its own number; a write that
	// may change what the read answers unmarks it, and the answer of an
	// unmarked read is not cached, since it may predate the write.
	flying  map[readKey]uint64
	flights uint64

	// upstream counts reads sent to api, waiting the calls waiting for a
	// read in flight, and hits the calls answered from the cache.
	upstream, waiting, hits atomic.Int64
}

var _ API = (*coalescer)(nil)

// Names of the cached reads, used in readKey.op.
const (
	opResolveLocation = "ResolveLocation"
	opListBuckets     = "ListBuckets"
	opGetBucket       = "GetBucket"
	opGetVersion      = "GetVersion"
	opListVersions    = "ListVersions"
	opListChannels    = "ListChannels"
	opGetChannel      = "GetChannel"
	opChannelHistory  = "ChannelHistory"
)

// readKey identifies one read: the operation and its arguments. bucket is
// empty for reads that are not about one bucket.
type readKey struct {
	op     string
	loc    Location
	bucket string
	name   string
}

// String is the key's name in the singleflight group; NUL cannot occur in
// any of its parts.
func (k readKey) String() string {
	return strings.Join([]string{k.op, k.loc.OrganizationID, k.loc.ProjectID, k.bucket, k.name}, "\x00")
}

// answer is what one upstream read returned. abandoned is set when the read
// failed because the context of the caller that made it ended; callers
// that were waiting then ask again with their own context instead of
// inheriting that failure.
type answer struct {
	value     any
	err       error
	abandoned bool
}

// read returns the answer for key: from the cache, from the identical read
// in flight, or from fetch.
func read[T any](c *coalescer, ctx context.Context, key readKey, fetch func(context.Context) (T, error)) (T, error) {
	for {
		a, cached := c.cached(key)
		if cached {
			c.hits.Add(1)
		} else {
			flight := c.group.DoChan(key.String(), func() (any, error) {
				return c.fly(ctx, key, func(ctx context.Context) (any, error) { return fetch(ctx) }), nil
			})
			c.waiting.Add(1)
			select {
			case r := <-flight:
				c.waiting.Add(-1)
				a, _ = r.Val.(answer) // fly returns only answers
			case <-ctx.Done():
				c.waiting.Add(-1)
				var zero T
				return zero, &Error{Op: key.op, Code: codeOfContextErr(ctx.Err()), Message: "the request was cancelled: " + ctx.Err().Error()}
			}
			if a.abandoned && ctx.Err() == nil {
				continue
			}
		}
		return answerAs[T](key, a)
	}
}

func (c *coalescer) cached(key readKey) (answer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.answers[key]
	return a, ok
}

// answerAs gives a caller the shared answer as the operation's type.
func answerAs[T any](key readKey, a answer) (T, error) {
	var zero T
	if a.err != nil {
		return zero, copyError(a.err)
	}
	v, ok := a.value.(T)
	if !ok {
		// A key names one operation, and so one answer type.
		return zero, &Error{Op: key.op, Code: codes.Internal,
			Message: fmt.Sprintf("the shared answer is a %T; this is a bug in the provider, please report it", a.value)}
	}
	return v, nil
}

// fly makes the upstream read of key, unless an identical one finished
// just before, and caches its answer if no write ran meanwhile. Answers and
// NotFound are cached; other errors are not, so the next call asks again.
func (c *coalescer) fly(ctx context.Context, key readKey, fetch func(context.Context) (any, error)) answer {
	c.mu.Lock()
	if a, ok := c.answers[key]; ok {
		c.mu.Unlock()
		c.hits.Add(1)
		return a
	}
	c.flights++
	id := c.flights
	c.flying[key] = id
	c.mu.Unlock()

	c.upstream.Add(1)
	value, err := fetch(ctx)
	a := answer{value: value, err: err, abandoned: err != nil && ctx.Err() != nil}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.flying[key] == id {
		delete(c.flying, key)
		if err == nil || IsNotFound(err) {
			c.answers[key] = a
		}
	}
	return a
}

// forget drops the cached answers for which drops is true, and keeps the
// reads in flight for them from being cached or joined.
func (c *coalescer) forget(drops func(readKey) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.answers {
		if drops(k) {
			delete(c.answers, k)
		}
	}
	for k := range c.flying {
		if drops(k) {
			delete(c.flying, k)
			c.group.Forget(k.String())
		}
	}
}

// forgetBucket drops every read about bucket in loc, and with list also the
// bucket list of loc.
func (c *coalescer) forgetBucket(loc Location, bucket string, list bool) {
	c.forget(func(k readKey) bool {
		return k.loc == loc && (k.bucket == bucket && k.op != opResolveLocation || list && k.op == opListBuckets)
	})
}

// forgetRegistry drops every registry read; project locations stay, since
// no write of this provider moves a project.
func (c *coalescer) forgetRegistry() {
	c.forget(func(k readKey) bool { return k.op != opResolveLocation })
}

// copyError gives each caller its own copy of an API error. The client
// returns *Error unwrapped; anything else is passed on as it is.
func copyError(err error) error {
	if e, ok := err.(*Error); ok { //nolint:errorlint // only an unwrapped *Error is copied; a wrapping error is not ours to copy
		dup := *e
		return &dup
	}
	return err
}

func (c *coalescer) ResolveLocation(ctx context.Context, projectID string) (Location, error) {
	return read(c, ctx, readKey{op: opResolveLocation, name: projectID},
		func(ctx context.Context) (Location, error) { return c.api.ResolveLocation(ctx, projectID) })
}

func (c *coalescer) ListBuckets(ctx context.Context, loc Location) ([]Bucket, error) {
	return read(c, ctx, readKey{op: opListBuckets, loc: loc},
		func(ctx context.Context) ([]Bucket, error) { return c.api.ListBuckets(ctx, loc) })
}

func (c *coalescer) GetBucket(ctx context.Context, loc Location, name string) (*Bucket, error) {
	return read(c, ctx, readKey{op: opGetBucket, loc: loc, bucket: name},
		func(ctx context.Context) (*Bucket, error) { return c.api.GetBucket(ctx, loc, name) })
}

func (c *coalescer) CreateBucket(ctx context.Context, loc Location, in BucketInput) (*Bucket, error) {
	defer c.forgetBucket(loc, in.Name, true)
	return c.api.CreateBucket(ctx, loc, in)
}

func (c *coalescer) UpdateBucket(ctx context.Context, loc Location, in BucketInput) (*Bucket, error) {
	defer c.forgetBucket(loc, in.Name, true)
	return c.api.UpdateBucket(ctx, loc, in)
}

func (c *coalescer) DeleteBucket(ctx context.Context, loc Location, name string) error {
	defer c.forgetRegistry()
	return c.api.DeleteBucket(ctx, loc, name)
}

func (c *coalescer) GetVersion(ctx context.Context, loc Location, bucket, fingerprint string) (*Version, error) {
	return read(c, ctx, readKey{op: opGetVersion, loc: loc, bucket: bucket, name: fingerprint},
		func(ctx context.Context) (*Version, error) { return c.api.GetVersion(ctx, loc, bucket, fingerprint) })
}

func (c *coalescer) ListVersions(ctx context.Context, loc Location, bucket string) ([]Version, error) {
	return read(c, ctx, readKey{op: opListVersions, loc: loc, bucket: bucket},
		func(ctx context.Context) ([]Version, error) { return c.api.ListVersions(ctx, loc, bucket) })
}

func (c *coalescer) RevokeVersion(ctx context.Context, loc Location, bucket, fingerprint string, r Revocation) (*Version, error) {
	defer c.forgetRegistry()
	return c.api.RevokeVersion(ctx, loc, bucket, fingerprint, r)
}

func (c *coalescer) RestoreVersion(ctx context.Context, loc Location, bucket, fingerprint string) (*Version, error) {
	defer c.forgetRegistry()
	return c.api.RestoreVersion(ctx, loc, bucket, fingerprint)
}

func (c *coalescer) ListChannels(ctx context.Context, loc Location, bucket string) ([]Channel, error) {
	return read(c, ctx, readKey{op: opListChannels, loc: loc, bucket: bucket},
		func(ctx context.Context) ([]Channel, error) { return c.api.ListChannels(ctx, loc, bucket) })
}

func (c *coalescer) GetChannel(ctx context.Context, loc Location, bucket, name string) (*Channel, error) {
	return read(c, ctx, readKey{op: opGetChannel, loc: loc, bucket: bucket, name: name},
		func(ctx context.Context) (*Channel, error) { return c.api.GetChannel(ctx, loc, bucket, name) })
}

func (c *coalescer) CreateChannel(ctx context.Context, loc Location, bucket string, in ChannelInput) (*Channel, error) {
	defer c.forgetBucket(loc, bucket, false)
	return c.api.CreateChannel(ctx, loc, bucket, in)
}

func (c *coalescer) UpdateChannel(ctx context.Context, loc Location, bucket, name string, in ChannelUpdate) (*Channel, error) {
	defer c.forgetBucket(loc, bucket, false)
	return c.api.UpdateChannel(ctx, loc, bucket, name, in)
}

func (c *coalescer) DeleteChannel(ctx context.Context, loc Location, bucket, name string) error {
	defer c.forgetBucket(loc, bucket, false)
	return c.api.DeleteChannel(ctx, loc, bucket, name)
}

func (c *coalescer) ChannelHistory(ctx context.Context, loc Location, bucket, name string) ([]ChannelAssignment, error) {
	return read(c, ctx, readKey{op: opChannelHistory, loc: loc, bucket: bucket, name: name},
		func(ctx context.Context) ([]ChannelAssignment, error) {
			return c.api.ChannelHistory(ctx, loc, bucket, name)
		})
}

// GetRunTask is never shared between callers: its answer is a secret that a
// regeneration elsewhere may have replaced a moment ago.
func (c *coalescer) GetRunTask(ctx context.Context, loc Location) (*RunTask, error) {
	return c.api.GetRunTask(ctx, loc)
}

func (c *coalescer) RegenerateRunTaskKey(ctx context.Context, loc Location) (string, error) {
	return c.api.RegenerateRunTaskKey(ctx, loc)
}

// The IAM policy calls are never shared between callers: a binding's
// read-modify-write needs the etag as it is now, not as another caller saw it.
func (c *coalescer) GetBucketIAMPolicy(ctx context.Context, loc Location, bucket string) (*IAMPolicy, error) {
	return c.api.GetBucketIAMPolicy(ctx, loc, bucket)
}

func (c *coalescer) SetBucketIAMPolicy(ctx context.Context, loc Location, bucket string, p IAMPolicy) (*IAMPolicy, error) {
	return c.api.SetBucketIAMPolicy(ctx, loc, bucket, p)
}

func (c *coalescer) PrincipalMemberTypes(ctx context.Context, loc Location, ids []string) (map[string]string, error) {
	return c.api.PrincipalMemberTypes(ctx, loc, ids)
}
