package httpapi

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// cachedActions are the reads whose answers the handler keeps: the ones a
// Terraform plan makes once per lookup, and make again in every plan of
// every workspace. Each reads only its path, never its query, which is why
// answerKey leaves the query out; an action that reads its query must not
// be added here without adding what it reads to the key.
var cachedActions = map[string]bool{
	"packer.buckets.get":   true,
	"packer.channels.get":  true,
	"packer.channels.list": true,
	"packer.versions.get":  true,
}

// Bounds of the answer cache. maxKeptBytes bounds the bytes of the kept
// answers and their keys together; an answer larger than
// maxKeptAnswerBytes is not kept, so one cannot crowd out the others.
const (
	maxKeptBytes       = 16 << 20
	maxKeptAnswerBytes = 1 << 20
)

// answerKey names what an answer of a cached action depends on: the action
// and its path parameters (organization, project, bucket, channel,
// fingerprint). The query is left out, so parameters no cached action
// reads cannot make new entries.
func answerKey(action string, params map[string]string) string {
	var b strings.Builder
	b.WriteString(action)
	for _, name := range slices.Sorted(maps.Keys(params)) {
		b.WriteString(" " + name + "=" + strconv.Quote(params[name]))
	}
	return b.String()
}

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
// Every kept answer belongs to one generation: answers of an older one can
// never be served again, so the cache forgets them all as soon as it sees
// a newer generation. Answers do not depend on who asks: authentication,
// role checks and fault injection all happen before the cache is
// consulted.
type answerCache struct {
	mu      sync.Mutex
	answers map[string]keptAnswer
	// generation is the store generation of every kept answer; bytes is
	// their size with their keys.
	generation uint64
	bytes      int
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
	c.forgetOlderThan(generation)
	a, ok := c.answers[key]
	c.mu.Unlock()
	if !ok || a.generation != generation || now.Before(a.from) || (!a.until.IsZero() && !now.Before(a.until)) {
		return nil, false
	}
	c.hits.Add(1)
	return a.body, true
}

func (c *answerCache) put(key string, a keptAnswer) {
	size := len(key) + len(a.body)
	if size > maxKeptAnswerBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetOlderThan(a.generation)
	if a.generation != c.generation {
		return // a newer write has ended: this answer is already out of date
	}
	if old, ok := c.answers[key]; ok {
		c.forget(key, old)
	}
	for k, old := range c.answers {
		if c.bytes+size <= maxKeptBytes {
			break
		}
		c.forget(k, old) // map order is unspecified: an arbitrary answer goes
	}
	if c.answers == nil {
		c.answers = map[string]keptAnswer{}
	}
	c.answers[key] = a
	c.bytes += size
}

// forgetOlderThan drops every kept answer when generation is newer than
// theirs. The caller holds mu.
func (c *answerCache) forgetOlderThan(generation uint64) {
	if generation > c.generation {
		c.answers, c.bytes, c.generation = nil, 0, generation
	}
}

// forget drops one kept answer. The caller holds mu.
func (c *answerCache) forget(key string, a keptAnswer) {
	delete(c.answers, key)
	c.bytes -= len(key) + len(a.body)
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
