package registry

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// Service applies the registry rules over a Store. It is safe for concurrent
// use: the Store serialises writes.
type Service struct {
	store Store
	clock func() time.Time
	ids   *idSource
}

// Loc names the organization and project a request addresses.
type Loc struct {
	OrganizationID string
	ProjectID      string
}

// New returns a Service over store. now is the clock (nil means time.Now);
// tests inject one to make scheduled revocations take effect.
func New(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, clock: now, ids: newIDSource()}
}

// Now is the service clock truncated to milliseconds, the precision every
// stored and emitted time has (CONTRACT.md §3.3, S1).
func (s *Service) Now() time.Time { return s.clock().UTC().Truncate(time.Millisecond) }

// NewID returns a fresh ULID.
func (s *Service) NewID() string { return s.ids.next(s.clock()) }

// read runs fn in a read transaction after applying any revocation that has
// taken effect since the last request, so reads see channels already rolled
// back. The due check shares fn's transaction; only when something is due
// does a write transaction run first.
func (s *Service) read(ctx context.Context, fn func(tx Tx, now time.Time) error) error {
	now := s.Now()
	err := s.store.View(ctx, func(tx Tx) error {
		due, err := tx.HasDueRevocations(now)
		if err != nil {
			return err
		}
		if due {
			return errRevocationsDue
		}
		return fn(tx, now)
	})
	if !errors.Is(err, errRevocationsDue) {
		return err
	}
	if err := s.store.Update(ctx, func(tx Tx) error { return s.applyDueRevocations(tx, now, "") }); err != nil {
		return err
	}
	return s.store.View(ctx, func(tx Tx) error { return fn(tx, now) })
}

// errRevocationsDue aborts a read that must wait for due revocations.
var errRevocationsDue = errors.New("revocations are due")

// write runs fn in a write transaction that first applies due revocations.
func (s *Service) write(ctx context.Context, fn func(tx Tx, now time.Time) error) error {
	now := s.Now()
	return s.store.Update(ctx, func(tx Tx) error {
		if err := s.applyDueRevocations(tx, now, ""); err != nil {
			return err
		}
		return fn(tx, now)
	})
}

// Settle applies every revocation due at the current time. Requests do this
// on their own; tests call it to observe the effect directly.
func (s *Service) Settle(ctx context.Context) error {
	return s.write(ctx, func(Tx, time.Time) error { return nil })
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// idSource hands out monotonic ULIDs; the mutex makes the shared entropy
// safe for concurrent requests.
type idSource struct {
	mu      sync.Mutex
	entropy *ulid.MonotonicEntropy
}

func newIDSource() *idSource {
	return &idSource{entropy: ulid.Monotonic(rand.Reader, 0)}
}

func (s *idSource) next(t time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := ulid.New(ulid.Timestamp(t), s.entropy)
	if err != nil {
		// The monotonic entropy only fails when one millisecond exhausts its
		// random increment space; a fresh random ULID is still unique.
		return ulid.Make().String()
	}
	return id.String()
}
