package localhcp_test

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/bulk"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// The scale test seeds a registry with one large bucket and many small ones
// and checks that it stays usable: lookups by channel or fingerprint cost
// one request whatever the size, list pages cost the same at the end as at
// the start, and the server's memory does not grow with reading it all.
// The default is a tenth of the full size, which
//
//	go test ./internal/localhcp -run TestScale -scale.versions=10000 -scale.buckets=1000 -v
//
// runs.
var (
	scaleVersions = flag.Int("scale.versions", 1000, "versions in the scale test's large bucket")
	scaleBuckets  = flag.Int("scale.buckets", 100, "small buckets in the scale test")
)

// TestScale is not parallel: it measures this process's heap and the time of
// list pages, which other tests running beside it would disturb.
func TestScale(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	seeded, err := bulk.Seed(context.Background(), dir, bulk.Spec{
		Buckets: *scaleBuckets, BucketPrefix: "small", BigBucket: "big", BigVersions: *scaleVersions,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d versions in one bucket and %d buckets in %s", *scaleVersions, *scaleBuckets, time.Since(start).Round(time.Millisecond))
	srv := startServer(t, localhcp.Options{DataDir: dir})
	c := clientsFor(t, srv, "contributor")
	if _, err := c.getBucket("big"); err != nil { // fetches the token
		t.Fatal(err)
	}

	heapBefore := heapInUse()
	lookups := map[string]func() error{
		"channel": func() error { _, err := c.getChannel("big", "stable"); return err },
		"fingerprint": func() error {
			_, err := c.getVersion("big", seeded.BigFingerprints[len(seeded.BigFingerprints)/2])
			return err
		},
		"latest": func() error { _, err := c.getChannel("big", "latest"); return err },
	}
	for _, name := range slices.Sorted(maps.Keys(lookups)) {
		var times []time.Duration
		for range 21 {
			before := srv.RequestCount()
			begin := time.Now()
			if err := lookups[name](); err != nil {
				t.Fatalf("look up by %s: %v", name, err)
			}
			times = append(times, time.Since(begin))
			if n := srv.RequestCount() - before; n != 1 {
				t.Fatalf("a lookup by %s took %d requests, want 1", name, n)
			}
		}
		t.Logf("lookup by %s: 1 request, median %s of 21", name, median(times).Round(time.Microsecond))
	}

	versionPages := pageTimes(t, func(token string) (string, int, error) {
		r, err := c.listVersions("big", 100, token)
		if err != nil {
			return "", 0, err
		}
		return r.Pagination.NextPageToken, len(r.Versions), nil
	})
	bucketPages := pageTimes(t, func(token string) (string, int, error) {
		r, err := c.listBuckets(100, token)
		if err != nil {
			return "", 0, err
		}
		return r.Pagination.NextPageToken, len(r.Buckets), nil
	})
	for _, p := range []struct {
		what  string
		times []time.Duration
		items int
	}{{"ListVersions of the large bucket", versionPages, *scaleVersions}, {"ListBuckets", bucketPages, *scaleBuckets + 1}} {
		first, last := median(p.times[:min(5, len(p.times))]), median(p.times[max(0, len(p.times)-5):])
		t.Logf("%s: %d pages of 100, first pages %s, last pages %s (median of 5)", p.what, len(p.times), first, last)
		// Both ends read the same rows; the bound leaves room for a
		// shared machine's noise while catching a page cost that grows
		// with its offset.
		if last > 3*first+20*time.Millisecond {
			t.Errorf("%s: the last pages take %s, the first %s", p.what, last, first)
		}
	}

	// Publishing into the large bucket moves `latest` without reading the
	// bucket's every version.
	begin := time.Now()
	pub(t, srv, publish.Options{Bucket: "big"})
	t.Logf("a publish into the large bucket (bucket, version, build, finish, as packer build): %s", time.Since(begin).Round(time.Millisecond))
	if l := check(c.getChannel("big", "latest")).ok(t); l.Version == nil || l.Version.Name != fmt.Sprintf("v%d", *scaleVersions+1) {
		t.Fatalf("latest of the large bucket after a publish = %+v, want v%d", l.Version, *scaleVersions+1)
	}

	heapAfter := heapInUse()
	t.Logf("server heap in use: %d MiB before the reads, %d MiB after", heapBefore>>20, heapAfter>>20)
	if growth := int64(heapAfter) - int64(heapBefore); growth > 64<<20 {
		t.Errorf("reading the whole registry grew the heap by %d MiB", growth>>20)
	}
}

// pageTimes walks a list page by page and times each page.
func pageTimes(t *testing.T, page func(token string) (next string, n int, err error)) []time.Duration {
	t.Helper()
	var times []time.Duration
	token := ""
	for {
		begin := time.Now()
		next, _, err := page(token)
		if err != nil {
			t.Fatalf("page %d: %v", len(times)+1, err)
		}
		times = append(times, time.Since(begin))
		if next == "" {
			return times
		}
		token = next
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// heapInUse is the heap of this process, where the server runs, after a
// collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
