package client

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

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
// Every caller gets its own deep copy, so no caller can change what another
// one reads.
func Coalesce(api API) API {
	return &coalescer{api: api, entries: map[readKey]*flight{}}
}

// coalescer is the API decorator Coalesce returns.
type coalescer struct {
	api API

	mu      sync.Mutex
	entries map[readKey]*flight

	// upstream counts reads sent to api, joined the calls that waited for
	// an identical read in flight, and hits the calls answered from the
	// cache; they show how much coalescing saved.
	upstream, joined, hits atomic.Int64
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

// flight is one upstream read: in flight until done is closed, then its
// answer.
type flight struct {
	done  chan struct{}
	value any
	err   error
	// abandoned is set when the read failed because the context of the
	// caller that made it ended; callers still waiting then ask again
	// with their own context instead of inheriting that failure.
	abandoned bool
}

// read returns the answer for key: from the cache, from the identical read
// in flight, or from fetch. clone makes each caller's private copy.
func read[T any](c *coalescer, ctx context.Context, key readKey, fetch func(context.Context) (T, error), clone func(T) T) (T, error) {
	for {
		c.mu.Lock()
		f, found := c.entries[key]
		if !found {
			f = &flight{done: make(chan struct{})}
			c.entries[key] = f
		}
		c.mu.Unlock()

		switch {
		case !found:
			c.upstream.Add(1)
			c.fly(ctx, key, f, func(ctx context.Context) (any, error) { return fetch(ctx) })
		case isClosed(f.done):
			c.hits.Add(1)
		default:
			c.joined.Add(1)
			select {
			case <-f.done:
			case <-ctx.Done():
				var zero T
				return zero, &Error{Op: key.op, Code: codeOfContextErr(ctx.Err()), Message: "the request was cancelled while waiting for the identical request in flight: " + ctx.Err().Error()}
			}
			if f.abandoned && ctx.Err() == nil {
				continue
			}
		}

		if f.err != nil {
			var zero T
			return zero, copyError(f.err)
		}
		v, ok := f.value.(T)
		if !ok {
			// A key names one operation, and so one answer type.
			var zero T
			return zero, &Error{Op: key.op, Code: codes.Internal,
				Message: fmt.Sprintf("the shared answer is a %T; this is a bug in the provider, please report it", f.value)}
		}
		return clone(v), nil
	}
}

// fly makes the upstream read of f and publishes its answer. The answer
// stays cached only while f is still the entry for key: a write that ran
// meanwhile removed it, and an answer that may predate that write must not
// outlive it.
func (c *coalescer) fly(ctx context.Context, key readKey, f *flight, fetch func(context.Context) (any, error)) {
	value, err := fetch(ctx)
	f.value, f.err = value, err
	f.abandoned = err != nil && ctx.Err() != nil

	c.mu.Lock()
	if c.entries[key] == f && err != nil && !IsNotFound(err) {
		delete(c.entries, key)
	}
	c.mu.Unlock()
	close(f.done)
}

// forgetBucket drops every read about bucket in loc, and with list also the
// bucket list of loc.
func (c *coalescer) forgetBucket(loc Location, bucket string, list bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if k.loc != loc {
			continue
		}
		if k.bucket == bucket && k.op != opResolveLocation || list && k.op == opListBuckets {
			delete(c.entries, k)
		}
	}
}

// forgetRegistry drops every registry read; project locations stay, since
// no write of this provider moves a project.
func (c *coalescer) forgetRegistry() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if k.op != opResolveLocation {
			delete(c.entries, k)
		}
	}
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
		func(ctx context.Context) (Location, error) { return c.api.ResolveLocation(ctx, projectID) },
		func(l Location) Location { return l })
}

func (c *coalescer) ListBuckets(ctx context.Context, loc Location) ([]Bucket, error) {
	return read(c, ctx, readKey{op: opListBuckets, loc: loc},
		func(ctx context.Context) ([]Bucket, error) { return c.api.ListBuckets(ctx, loc) },
		cloneBuckets)
}

func (c *coalescer) GetBucket(ctx context.Context, loc Location, name string) (*Bucket, error) {
	return read(c, ctx, readKey{op: opGetBucket, loc: loc, bucket: name},
		func(ctx context.Context) (*Bucket, error) { return c.api.GetBucket(ctx, loc, name) },
		cloneBucketPtr)
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
		func(ctx context.Context) (*Version, error) { return c.api.GetVersion(ctx, loc, bucket, fingerprint) },
		cloneVersionPtr)
}

func (c *coalescer) ListVersions(ctx context.Context, loc Location, bucket string) ([]Version, error) {
	return read(c, ctx, readKey{op: opListVersions, loc: loc, bucket: bucket},
		func(ctx context.Context) ([]Version, error) { return c.api.ListVersions(ctx, loc, bucket) },
		cloneVersions)
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
		func(ctx context.Context) ([]Channel, error) { return c.api.ListChannels(ctx, loc, bucket) },
		cloneChannels)
}

func (c *coalescer) GetChannel(ctx context.Context, loc Location, bucket, name string) (*Channel, error) {
	return read(c, ctx, readKey{op: opGetChannel, loc: loc, bucket: bucket, name: name},
		func(ctx context.Context) (*Channel, error) { return c.api.GetChannel(ctx, loc, bucket, name) },
		cloneChannelPtr)
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
		},
		cloneHistory)
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
