package main

import (
	"strings"
	"testing"
	"time"
)

func TestTableIsAlignedMarkdown(t *testing.T) {
	t.Parallel()
	tb := newTable("command", "wall", "× floor")
	tb.add("plan", fmtDuration(1500*time.Millisecond), fmtRatio(3, 2))
	tb.add("apply (create)", fmtDuration(250*time.Microsecond), fmtRatio(1, 0))
	want := "" +
		"| command        | wall   | × floor |\n" +
		"| -------------- | ------ | ------- |\n" +
		"| plan           | 1.50 s | 1.50×   |\n" +
		"| apply (create) | 250 µs | –       |\n"
	if got := tb.String(); got != want {
		t.Fatalf("table:\n%s\nwant:\n%s", got, want)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for p, ms := range map[float64]int{0: 1, 50: 50, 90: 90, 99: 99, 100: 100} {
		want := time.Duration(ms) * time.Millisecond
		if got := percentile(ds, p); got != want {
			t.Errorf("percentile(%v) = %s, want %s", p, got, want)
		}
	}
	if got := median([]time.Duration{3, 1, 2}); got != 2 {
		t.Errorf("median = %s, want 2ns", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile of nothing = %s, want 0", got)
	}
	if ds[0] != 100*time.Millisecond {
		t.Error("percentile sorted its input in place")
	}
}

func TestTargetsPassAndFail(t *testing.T) {
	t.Parallel()
	w := newWorkload(10, testBuckets()) // 14 distinct pairs
	plan := func(wall time.Duration, requests int64) commandResult {
		return commandResult{Wall: wall, Requests: map[string]int64{"packer.channels.get": requests}}
	}
	r := sizeResult{
		Workload:   w,
		Pairs:      w.pairs(),
		Plans:      []commandResult{plan(3*time.Second, 14), plan(2*time.Second, 14), plan(4*time.Second, 14)},
		FloorPlans: []commandResult{plan(time.Second, 0), plan(2*time.Second, 0), plan(3*time.Second, 0)},
	}
	// Medians: 3 s against 2 s is exactly the 1.5× allowed.
	ts := sizeTargets(r, true)
	if len(ts) != 2 || !ts[0].OK || ts[0].Measured != "14 ≤ 14" || !ts[1].OK || ts[1].Measured != "1.50×" {
		t.Fatalf("targets at the boundary = %+v, want both passing", ts)
	}
	r.Plans[1].Requests["packer.versions.get"] = 1
	r.Plans[0].Wall = 4 * time.Second // median 4 s against 2 s
	ts = sizeTargets(r, true)
	if ts[0].OK || ts[0].Measured != "15 ≤ 14" || ts[1].OK || ts[1].Measured != "2.00×" {
		t.Fatalf("targets over budget = %+v, want both failing", ts)
	}
	if n := len(sizeTargets(r, false)); n != 1 {
		t.Fatalf("a size that is not the largest has %d targets, want only the request budget", n)
	}

	rows := []loadRow{
		{Op: "GetChannel", Clients: 128,
			Local:   loadResult{Elapsed: time.Second, Latencies: repeat(4000, 5*time.Millisecond)},
			Ceiling: loadResult{Elapsed: time.Second, Latencies: repeat(10000, time.Millisecond)}},
		{Op: "CreateBuild", Clients: 128,
			Local:   loadResult{Elapsed: time.Second, Latencies: repeat(100, 30*time.Millisecond)},
			Ceiling: loadResult{Elapsed: time.Second, Latencies: repeat(10000, time.Millisecond)}},
	}
	lt := loadTargets(rows)
	got := map[string]bool{}
	for _, x := range lt {
		got[x.Name] = x.OK
	}
	want := map[string]bool{
		"localhcp GetChannel at 128 clients ≥ 40% of the ceiling": true,
		"localhcp GetChannel p99 at 128 clients < 20.0 ms":        true,
		"localhcp CreateBuild p99 at 128 clients < 20.0 ms":       false,
	}
	for name, ok := range want {
		if v, found := got[name]; !found || v != ok {
			t.Errorf("target %q = %v (found %t), want %v; all: %+v", name, v, found, ok, lt)
		}
	}
	if !strings.Contains(loadTable(rows).String(), "| 40%") {
		t.Errorf("load table does not show the share of the ceiling:\n%s", loadTable(rows))
	}
}

func repeat(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}
