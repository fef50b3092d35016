package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/bulk"
)

// scaleBigBucket is the bucket the scale section fills with versions; the
// configuration it plans reads it next to the usual fixture buckets.
const scaleBigBucket = "scale-big"

// scaleRun is what the scale section measured on one registry.
type scaleRun struct {
	Name     string
	Versions int // in the big bucket
	Buckets  int // in all
	Seeding  time.Duration
	Size     sizeResult
	// Plans are the plans run after the apply, interleaved with the other
	// registry's so that the machine's noise hits both alike.
	Plans       []commandResult
	tf          *terraformRunner
	workDir     string
	Lookups     map[string]int64 // requests per lookup, by kind
	FirstPage   time.Duration    // ListVersions of the big bucket, page of 100
	LastPage    time.Duration
	BucketPages [2]time.Duration // ListBuckets, first and last page of 100
	HeapMiB     float64          // after a collection, after the reads
}

// scaleSection plans the bench configuration of size o.scaleSize against a
// small registry and against a large one (o.scaleVersions versions in one
// bucket, o.scaleBuckets more buckets), both seeded with the bulk package
// through the registry rules, and reads both as a client would.
func scaleSection(ctx context.Context, o options, tmp, home string, bins binaries, out io.Writer) ([]target, error) {
	specs := []struct {
		name string
		spec bulk.Spec
	}{
		{"small", bulk.Spec{BigBucket: scaleBigBucket, BigVersions: benchVersions}},
		{"large", bulk.Spec{Buckets: o.scaleBuckets, BucketPrefix: "scale", BigBucket: scaleBigBucket, BigVersions: o.scaleVersions}},
	}
	var runs []*scaleRun
	for _, s := range specs {
		fmt.Fprintf(os.Stderr, "bench: scale: seeding the %s registry\n", s.name)
		r, stop, err := prepareScale(ctx, o, tmp, home, s.name, s.spec, bins)
		if err != nil {
			return nil, fmt.Errorf("scale, %s registry: %w", s.name, err)
		}
		defer stop()
		runs = append(runs, r)
	}
	fmt.Fprintln(os.Stderr, "bench: scale: planning on both registries in turn")
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	for range 2 * o.planRuns {
		for _, r := range runs {
			res, err := r.tf.run(ctx, r.workDir, []int{0}, plan...)
			if err != nil {
				return nil, fmt.Errorf("scale, %s registry: the plan after the apply is not empty or failed: %w", r.Name, err)
			}
			r.Plans = append(r.Plans, res)
		}
	}
	tb := newTable("registry", "versions in the big bucket", "buckets", "seeding", "plan (median)", "plan requests",
		"lookup requests (channel / fingerprint)", "ListVersions page 1 / last", "ListBuckets page 1 / last", "heap after reads")
	for _, r := range runs {
		tb.add(r.Name, fmt.Sprint(r.Versions), fmt.Sprint(r.Buckets), fmtDuration(r.Seeding), fmtDuration(median(walls(r.Plans))),
			fmt.Sprint(maxRequests(r.Plans)),
			fmt.Sprintf("%d / %d", r.Lookups["channel"], r.Lookups["fingerprint"]),
			fmtDuration(r.FirstPage)+" / "+fmtDuration(r.LastPage),
			fmtDuration(r.BucketPages[0])+" / "+fmtDuration(r.BucketPages[1]), fmt.Sprintf("%.0f MiB", r.HeapMiB))
	}
	fmt.Fprintf(out, "## Scale: the same configuration on a small and a large registry\n\n"+
		"%s Both registries are seeded in one transaction through the registry rules (internal/localhcp/bulk), "+
		"then get the fixture buckets the configuration reads, published as packer build would; the configuration also "+
		"reads %s. After one apply on each, the plans alternate between the two registries (%d each). List pages are 100 items, timed at the client over loopback (the fastest of %d tries of each, alternating). The heap is the bench "+
		"process's, where localhcp runs, after a collection.\n\n%s\n", sizeHeading(runs[0].Size), scaleBigBucket, 2*o.planRuns, pageTries, tb)
	small, large := runs[0], runs[1]
	planRatio := median(walls(large.Plans)).Seconds() / median(walls(small.Plans)).Seconds()
	return []target{
		{Name: "scale: plan requests on the large registry = on the small one", Measured: fmt.Sprintf("%d = %d", maxRequests(large.Plans), maxRequests(small.Plans)),
			OK: maxRequests(large.Plans) == maxRequests(small.Plans)},
		{Name: "scale: plan on the large registry ≤ 1.25× the small one's", Measured: fmt.Sprintf("%.2f×", planRatio), OK: planRatio <= 1.25},
		{Name: "scale: lookups by channel and fingerprint take 1 request", Measured: fmt.Sprintf("%d, %d", large.Lookups["channel"], large.Lookups["fingerprint"]),
			OK: large.Lookups["channel"] == 1 && large.Lookups["fingerprint"] == 1},
		{Name: "scale: last ListVersions page ≤ 1.5× the first", Measured: fmtDuration(large.LastPage) + " vs " + fmtDuration(large.FirstPage),
			OK: large.LastPage <= large.FirstPage*3/2},
	}, nil
}

// prepareScale seeds one registry, starts localhcp on it, applies the
// configuration and reads the registry as a client would; stop ends the
// server.
func prepareScale(ctx context.Context, o options, tmp, home, name string, spec bulk.Spec, bins binaries) (r *scaleRun, stop func(), err error) {
	r = &scaleRun{Name: name, Versions: spec.BigVersions, Buckets: spec.Buckets + 1 + benchBuckets}
	dir := filepath.Join(tmp, "scale-"+name)
	start := time.Now()
	seeded, err := bulk.Seed(ctx, dir, spec)
	if err != nil {
		return nil, nil, err
	}
	r.Seeding = time.Since(start)
	srv, err := localhcp.Start(localhcp.Options{DataDir: dir})
	if err != nil {
		return nil, nil, err
	}
	stop = func() { srv.Close() }
	if err := r.measure(ctx, o, tmp, home, dir, srv, seeded, bins); err != nil {
		stop()
		return nil, nil, err
	}
	return r, stop, nil
}

func (r *scaleRun) measure(ctx context.Context, o options, tmp, home, dir string, srv *localhcp.Server, seeded *bulk.Seeded, bins binaries) error {
	buckets, err := seedRegistry(ctx, srv.Env("contributor"))
	if err != nil {
		return err
	}
	buckets = append(buckets, fixtureBucket{Name: scaleBigBucket, Fingerprints: seeded.BigFingerprints[:benchVersions]})
	if r.tf, err = terraformFor(tmp, home, bins, srv); err != nil {
		return err
	}
	w := newWorkload(o.scaleSize, buckets)
	root := filepath.Join(dir, "work")
	if r.Size, err = benchSize(ctx, r.tf, root, bins.pluginDir, w, 1); err != nil {
		return err
	}
	r.workDir = filepath.Join(root, fmt.Sprintf("n%d-hcppacker", w.N))

	p := srv.Principal("contributor")
	token, err := fetchToken(ctx, srv.URL(), p.ClientID, p.ClientSecret)
	if err != nil {
		return err
	}
	c := scaleClient{http: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}, //nolint:gosec // loopback, self-signed
		target: loadTarget{BaseURL: srv.URL(), Token: token},
		prefix: "/packer/2023-01-01/organizations/" + srv.OrganizationID() + "/projects/" + srv.ProjectID()}
	defer c.http.CloseIdleConnections()
	r.Lookups = map[string]int64{}
	for kind, path := range map[string]string{
		"channel":     "/buckets/" + scaleBigBucket + "/channels/stable",
		"fingerprint": "/buckets/" + scaleBigBucket + "/versions/" + seeded.BigFingerprints[len(seeded.BigFingerprints)/2],
	} {
		before := srv.RequestCount()
		if _, err := c.get(ctx, path); err != nil {
			return err
		}
		r.Lookups[kind] = srv.RequestCount() - before
	}
	if r.FirstPage, r.LastPage, err = c.pageTimes(ctx, "/buckets/"+scaleBigBucket+"/versions"); err != nil {
		return err
	}
	if r.BucketPages[0], r.BucketPages[1], err = c.pageTimes(ctx, "/buckets"); err != nil {
		return err
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	r.HeapMiB = float64(m.HeapInuse) / (1 << 20)
	return nil
}

// scaleClient reads localhcp over HTTPS with a bearer token.
type scaleClient struct {
	http   *http.Client
	target loadTarget
	prefix string
}

func (c scaleClient) get(ctx context.Context, path string) ([]byte, error) {
	answer, ok, detail := doRequest(ctx, c.http, c.target, loadRequest{Method: http.MethodGet, Path: c.prefix + path})
	if !ok {
		return nil, fmt.Errorf("%s", detail)
	}
	return answer, nil
}

// pageTries is how often the first and the last page of a list are timed.
const pageTries = 7

// pageTimes finds the last page of a list in pages of 100, then times the
// first page and the last one in turn, pageTries times each, and returns
// the fastest of each: what a page costs, without the shared machine's
// noise.
func (c scaleClient) pageTimes(ctx context.Context, path string) (first, last time.Duration, err error) {
	lastToken := ""
	for token := ""; ; {
		next, _, err := c.page(ctx, path, token)
		if err != nil {
			return 0, 0, err
		}
		if next == "" {
			lastToken = token
			break
		}
		token = next
	}
	first, last = time.Hour, time.Hour
	for range pageTries {
		_, took, err := c.page(ctx, path, "")
		if err != nil {
			return 0, 0, err
		}
		first = min(first, took)
		if _, took, err = c.page(ctx, path, lastToken); err != nil {
			return 0, 0, err
		}
		last = min(last, took)
	}
	return first, last, nil
}

// page reads one page of 100 and returns the next page's token and how
// long the read took.
func (c scaleClient) page(ctx context.Context, path, token string) (next string, took time.Duration, err error) {
	q := url.Values{"pagination.page_size": {"100"}}
	if token != "" {
		q.Set("pagination.next_page_token", token)
	}
	begin := time.Now()
	answer, err := c.get(ctx, path+"?"+q.Encode())
	took = time.Since(begin)
	if err != nil {
		return "", 0, err
	}
	var page struct {
		Pagination struct {
			NextPageToken string `json:"next_page_token"`
		} `json:"pagination"`
	}
	if err := json.Unmarshal(answer, &page); err != nil {
		return "", 0, fmt.Errorf("decode a page of %s: %w", path, err)
	}
	return page.Pagination.NextPageToken, took, nil
}

// maxRequests is the largest number of HTTP requests one of rs made.
func maxRequests(rs []commandResult) int64 {
	var n int64
	for _, r := range rs {
		n = max(n, r.TotalRequests())
	}
	return n
}
