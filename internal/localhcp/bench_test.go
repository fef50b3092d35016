package localhcp_test

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/publish"
)

// latencies collects per-call durations and reports p50 and p99.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) {
	sort.Slice(l.d, func(i, j int) bool { return l.d[i] < l.d[j] })
	if len(l.d) == 0 {
		return
	}
	at := func(q float64) float64 { return float64(l.d[int(q*float64(len(l.d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

func benchServer(b *testing.B, dataDir string) (*localhcp.Server, *sdk) {
	b.Helper()
	srv, err := localhcp.Start(localhcp.Options{DataDir: dataDir})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	return srv, clientsFor(b, srv, "contributor")
}

// BenchmarkGetChannel measures the provider's hottest read (a channel with
// its version, builds and artifacts) under parallel load.
func BenchmarkGetChannel(b *testing.B) {
	for _, mode := range []string{"memory", "file"} {
		b.Run(mode, func(b *testing.B) {
			dir := ""
			if mode == "file" {
				dir = b.TempDir()
			}
			srv, c := benchServer(b, dir)
			for range 5 {
				if _, err := publish.Publish(b.Context(), srv.Env("contributor"), publish.Options{Bucket: "bench", Channels: []string{"stable"}, CreateChannels: true,
					Builds: []publish.Build{{Platform: "aws"}, {Platform: "azure"}}}); err != nil {
					b.Fatal(err)
				}
			}
			var lat latencies
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					start := time.Now()
					if _, err := c.getChannel("bench", "stable"); err != nil {
						b.Error(err)
						return
					}
					lat.add(time.Since(start))
				}
			})
			lat.report(b)
		})
	}
}

// BenchmarkPublish measures a whole `packer build` call sequence (about ten
// requests, five of them writes) with several publishers at once.
func BenchmarkPublish(b *testing.B) {
	for _, mode := range []string{"memory", "file"} {
		b.Run(mode, func(b *testing.B) {
			dir := ""
			if mode == "file" {
				dir = b.TempDir()
			}
			srv, _ := benchServer(b, dir)
			env := srv.Env("contributor")
			var lat latencies
			var n sync.Mutex
			i := 0
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n.Lock()
					i++
					bucket := fmt.Sprintf("bench-%d", i%8)
					n.Unlock()
					start := time.Now()
					if _, err := publish.Publish(b.Context(), env, publish.Options{Bucket: bucket, Builds: []publish.Build{{}}}); err != nil {
						b.Error(err)
						return
					}
					lat.add(time.Since(start))
				}
			})
			lat.report(b)
		})
	}
}
