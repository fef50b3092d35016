package httpapi

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// cachedActions are the reads whose answers the handler keeps: the ones a
// Terraform plan makes once per lookup, and make again in every plan of
// every workspace.
var cachedActions = map[string]bool{
	"packer.buckets.get":   true,
	"packer.channels.get":  true,
	"packer.channels.list": true,
	"packer.versions.get":  true,
}

// maxKeptAnswers bounds the cache; when it is full it starts afresh.
const maxKeptAnswers = 4096

// answerCache keeps the bytes of recent answers to cachedActions, so a
// repeated read costs no SQL and no encoding. An answer is served again
// only while it is provably what the read would produce now:
//
//   - no write transaction has ended since the read began (the store's
//     generation is the one loaded before it), and
//   - the clock has not passed the earliest pending revocation (the only
//     way answers change without a write: a scheduled revocation taking
//     effect), nor gone back before the read.
//
// Answers do not depend on who asks: authentication, role checks and fault
// injection all happen before the cache is consulted.
type answerCache struct {
	mu      sync.Mutex
	answers map[string]keptAnswer
	// pending is the earliest pending revocation as of generation
	// pendingGen; only a write can change it, so it is looked up once per
	// generation.
	pending        time.Time
	pendingOK      bool
	pendingGen     uint64
	pendingIsKnown bool
	// hits counts answers served from the cache.
	hits atomic.Int64
}

// keptAnswer is one cached answer and the conditions under which it holds.
type keptAnswer struct {
	body       []byte
	generation uint64
	from       time.Time // the clock when the read ran
	until      time.Time // the earliest pending revocation; zero when none
}

func (c *answerCache) get(key string, generation uint64, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	a, ok := c.answers[key]
	c.mu.Unlock()
	if !ok || a.generation != generation || now.Before(a.from) || (!a.until.IsZero() && !now.Before(a.until)) {
		return nil, false
	}
	c.hits.Add(1)
	return a.body, true
}

func (c *answerCache) put(key string, a keptAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.answers == nil || len(c.answers) >= maxKeptAnswers {
		c.answers = map[string]keptAnswer{}
	}
	c.answers[key] = a
}

// pendingRevocation returns the earliest pending revocation as of
// generation, looking it up with lookup only the first time a generation
// asks. The caller checks afterwards that the generation has not moved.
func (c *answerCache) pendingRevocation(ctx context.Context, generation uint64,
	lookup func(context.Context) (time.Time, bool, error)) (time.Time, bool, error) {
	c.mu.Lock()
	if c.pendingIsKnown && c.pendingGen == generation {
		at, ok := c.pending, c.pendingOK
		c.mu.Unlock()
		return at, ok, nil
	}
	c.mu.Unlock()
	at, ok, err := lookup(ctx)
	if err != nil {
		return at, ok, err
	}
	c.mu.Lock()
	c.pending, c.pendingOK, c.pendingGen, c.pendingIsKnown = at, ok, generation, true
	c.mu.Unlock()
	return at, ok, nil
}
