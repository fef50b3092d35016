package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Targets the benchmarks are checked against.
const (
	targetPlanRatio    = 1.5                    // plan at the largest N ≤ 1.5× the floor
	targetStartup      = 100 * time.Millisecond // exec → handshake, median
	targetReadShare    = 0.40                   // localhcp reads ≥ 40% of the ceiling's rate
	targetP99          = 20 * time.Millisecond  // at the highest concurrency
	targetP99AtClients = 128
)

// target is one checked goal for the summary.
type target struct {
	Name     string
	Measured string
	OK       bool
}

func startupTable(ds []time.Duration) *table {
	t := newTable("runs", "min", "median", "p90", "max", "target")
	t.add(fmt.Sprint(len(ds)), fmtDuration(percentile(ds, 0)), fmtDuration(median(ds)), fmtDuration(percentile(ds, 90)),
		fmtDuration(percentile(ds, 100)), "median ≤ "+fmtDuration(targetStartup))
	return t
}

func startupTarget(ds []time.Duration) target {
	m := median(ds)
	return target{Name: "provider start-up (exec → handshake, median)", Measured: fmtDuration(m), OK: m <= targetStartup}
}

// sizeHeading describes the configuration measured at one size.
func sizeHeading(r sizeResult) string {
	w, p := r.Workload, r.Pairs
	return fmt.Sprintf("N = %d: %d hcppacker_image data sources (%d by channel, %d by fingerprint) + %d hcppacker_channel and "+
		"%d hcppacker_channel_assignment; the floor is %d terraform_data. Distinct pairs referenced: %d (bucket, channel) "+
		"[%d read by data sources, %d managed] + %d (bucket, fingerprint) [%d read by data sources, %d named by assignments] = %d.",
		w.N, len(w.Lookups), len(w.Lookups)-lookupsByFingerprint(w), lookupsByFingerprint(w), len(w.Pairs), len(w.Pairs), w.objects(),
		p.Channels, p.LookupChannels, p.PairChannels, p.Fingerprints, p.LookupFingerprints, p.PairFingerprints, p.Total())
}

func lookupsByFingerprint(w workload) int {
	n := 0
	for _, l := range w.Lookups {
		if l.Fingerprint != "" {
			n++
		}
	}
	return n
}

func sizeTable(r sizeResult) *table {
	t := newTable("command", "config", "wall", "× floor", "Terraform CPU", "provider CPU", "provider peak RSS",
		"provider processes", "HTTP requests")
	row := func(cmd, config string, wall, floor time.Duration, res commandResult, provider bool) {
		cpu, rss, procs, reqs := "–", "–", "–", "–"
		if provider {
			cpu, rss, procs = fmtDuration(res.Provider.CPU), fmtMiB(res.Provider.PeakRSS), fmt.Sprint(res.Provider.Processes)
			reqs = fmt.Sprint(res.TotalRequests())
		}
		t.add(cmd, config, fmtDuration(wall), fmtRatio(wall.Seconds(), floor.Seconds()), fmtDuration(res.terraformCPU()),
			cpu, rss, procs, reqs)
	}
	row("apply (create)", "hcppacker", r.Apply.Wall, r.FloorApply.Wall, r.Apply, true)
	row("apply (create)", "floor", r.FloorApply.Wall, r.FloorApply.Wall, r.FloorApply, false)
	medianPlan := r.Plans[medianIndex(walls(r.Plans))]
	row(fmt.Sprintf("plan (median of %d)", len(r.Plans)), "hcppacker", r.planWall(), r.floorPlanWall(), medianPlan, true)
	row(fmt.Sprintf("plan (median of %d)", len(r.FloorPlans)), "floor", r.floorPlanWall(), r.floorPlanWall(), r.FloorPlans[0], false)
	return t
}

// planCPUSplit says where the median plan's CPU went, relative to the
// floor's: Terraform's own share bounds how close to the floor any provider
// can get.
func planCPUSplit(r sizeResult) string {
	plan := r.Plans[medianIndex(walls(r.Plans))]
	floor := r.FloorPlans[medianIndex(walls(r.FloorPlans))].TotalCPU.Seconds()
	return fmt.Sprintf("CPU of the median plan against the floor's: Terraform itself %s, the provider %s, together %s.",
		fmtRatio(plan.terraformCPU().Seconds(), floor), fmtRatio(plan.Provider.CPU.Seconds(), floor), fmtRatio(plan.TotalCPU.Seconds(), floor))
}

// medianIndex is the index of the median element of ds.
func medianIndex(ds []time.Duration) int {
	m := median(ds)
	return slices.Index(ds, m)
}

// requestBreakdown lists requests by endpoint, largest first.
func requestBreakdown(counts map[string]int64) string {
	keys := slices.Collect(maps.Keys(counts))
	slices.SortFunc(keys, func(a, b string) int {
		if counts[a] != counts[b] {
			return int(counts[b] - counts[a])
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, counts[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func sizeTargets(r sizeResult, largest bool) []target {
	var ts []target
	budget := int64(r.Pairs.Total())
	ts = append(ts, target{
		Name:     fmt.Sprintf("N = %d: HTTP requests per plan ≤ distinct pairs", r.Workload.N),
		Measured: fmt.Sprintf("%d ≤ %d", r.planRequests(), budget),
		OK:       r.planRequests() <= budget,
	})
	if largest {
		ratio := r.planWall().Seconds() / r.floorPlanWall().Seconds()
		ts = append(ts, target{
			Name:     fmt.Sprintf("N = %d: plan ≤ %.1f× the floor", r.Workload.N, targetPlanRatio),
			Measured: fmt.Sprintf("%.2f×", ratio),
			OK:       ratio <= targetPlanRatio,
		})
	}
	return ts
}

func loadTable(rows []loadRow) *table {
	t := newTable("operation", "clients", "localhcp req/s", "ceiling req/s", "localhcp / ceiling",
		"localhcp p50", "localhcp p99", "ceiling p50", "ceiling p99", "requests (localhcp)")
	for _, r := range rows {
		t.add(r.Op, fmt.Sprint(r.Clients), fmt.Sprintf("%.0f", r.Local.RPS()), fmt.Sprintf("%.0f", r.Ceiling.RPS()),
			fmt.Sprintf("%.0f%%", 100*r.Local.RPS()/r.Ceiling.RPS()),
			fmtDuration(percentile(r.Local.Latencies, 50)), fmtDuration(percentile(r.Local.Latencies, 99)),
			fmtDuration(percentile(r.Ceiling.Latencies, 50)), fmtDuration(percentile(r.Ceiling.Latencies, 99)),
			fmt.Sprint(len(r.Local.Latencies)))
	}
	return t
}

func loadTargets(rows []loadRow) []target {
	var ts []target
	for _, r := range rows {
		if r.Op == opGetChannel || r.Op == opGetChannelCold {
			share := r.Local.RPS() / r.Ceiling.RPS()
			ts = append(ts, target{
				Name:     fmt.Sprintf("localhcp %s at %d clients ≥ %.0f%% of the ceiling", r.Op, r.Clients, 100*targetReadShare),
				Measured: fmt.Sprintf("%.0f%%", 100*share),
				OK:       share >= targetReadShare,
			})
		}
		if r.Clients == targetP99AtClients {
			p99 := percentile(r.Local.Latencies, 99)
			ts = append(ts, target{
				Name:     fmt.Sprintf("localhcp %s p99 at %d clients < %s", r.Op, r.Clients, fmtDuration(targetP99)),
				Measured: fmtDuration(p99),
				OK:       p99 < targetP99,
			})
		}
	}
	return ts
}

func targetsTable(ts []target) *table {
	t := newTable("target", "measured", "result")
	for _, x := range ts {
		t.add(x.Name, x.Measured, passFail(x.OK))
	}
	return t
}
