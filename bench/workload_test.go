package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func testBuckets() []fixtureBucket {
	var bs []fixtureBucket
	for b := range benchBuckets {
		fb := fixtureBucket{Name: fmt.Sprintf("bench-app-%d", b)}
		for v := range benchVersions {
			fb.Fingerprints = append(fb.Fingerprints, fmt.Sprintf("fp-%d-%d", b, v))
		}
		bs = append(bs, fb)
	}
	return bs
}

func TestWorkloadSpreadsLookupsAndPairs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n                    int
		byFingerprint, pairs int
		want                 pairCounts
	}{
		{n: 10, byFingerprint: 1, pairs: 2, want: pairCounts{
			LookupChannels: 9, LookupFingerprints: 1, PairChannels: 2, PairFingerprints: 2, Channels: 11, Fingerprints: 3}},
		{n: 100, byFingerprint: 10, pairs: 20, want: pairCounts{
			LookupChannels: 12, LookupFingerprints: 6, PairChannels: 20, PairFingerprints: 12, Channels: 32, Fingerprints: 12}},
		{n: 500, byFingerprint: 50, pairs: 100, want: pairCounts{
			LookupChannels: 12, LookupFingerprints: 6, PairChannels: 100, PairFingerprints: 12, Channels: 112, Fingerprints: 12}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			t.Parallel()
			w := newWorkload(tt.n, testBuckets())
			if len(w.Lookups) != tt.n || lookupsByFingerprint(w) != tt.byFingerprint || len(w.Pairs) != tt.pairs {
				t.Fatalf("N=%d: %d lookups (%d by fingerprint), %d pairs; want %d (%d), %d",
					tt.n, len(w.Lookups), lookupsByFingerprint(w), len(w.Pairs), tt.n, tt.byFingerprint, tt.pairs)
			}
			if got := w.pairs(); got != tt.want {
				t.Fatalf("pairs() = %+v, want %+v", got, tt.want)
			}
			if w.objects() != tt.n+2*tt.pairs {
				t.Fatalf("objects() = %d", w.objects())
			}
		})
	}
}

func TestWorkloadIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := newWorkload(100, testBuckets()), newWorkload(100, testBuckets())
	if a.providerConfig() != b.providerConfig() || a.floorConfig() != b.floorConfig() {
		t.Fatal("two workloads of the same size differ; runs would not measure the same thing")
	}
}

func TestConfigsHaveOneBlockPerObject(t *testing.T) {
	t.Parallel()
	w := newWorkload(100, testBuckets())
	p := w.providerConfig()
	for block, want := range map[string]int{
		`data "hcppacker_image"`:                  100,
		`resource "hcppacker_channel"`:            20,
		`resource "hcppacker_channel_assignment"`: 20,
		`provider "hcppacker"`:                    1,
		`source  = "golden-image/hcppacker"`:      1,
	} {
		if n := strings.Count(p, block); n != want {
			t.Errorf("provider config has %d of %s, want %d", n, block, want)
		}
	}
	if n := strings.Count(p, "  fingerprint    = "); n != 10 {
		t.Errorf("provider config has %d lookups by fingerprint, want 10", n)
	}
	// Each assignment points at its own channel resource.
	for j := range 20 {
		ref := fmt.Sprintf("channel_name        = hcppacker_channel.ch_%d.name", j)
		if !strings.Contains(p, ref) {
			t.Errorf("assignment %d does not reference its channel (%s)", j, ref)
		}
	}

	f := w.floorConfig()
	if n := strings.Count(f, `resource "terraform_data"`); n != w.objects() {
		t.Errorf("floor config has %d terraform_data, want %d", n, w.objects())
	}
	if strings.Contains(f, "hcppacker") || strings.Contains(f, "provider ") {
		t.Error("floor config uses the provider; it must cost Terraform alone")
	}
	// Block labels are unique, or Terraform would reject the configuration.
	for name, config := range map[string]string{"provider": p, "floor": f} {
		seen := map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^(data|resource) "([a-z_]+)" "([a-z0-9_]+)"`).FindAllStringSubmatch(config, -1) {
			key := m[1] + "." + m[2] + "." + m[3]
			if seen[key] {
				t.Errorf("%s config declares %s twice", name, key)
			}
			seen[key] = true
		}
		if len(seen) == 0 {
			t.Errorf("%s config has no blocks", name)
		}
	}
}
