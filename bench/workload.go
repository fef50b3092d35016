package main

import (
	"fmt"
	"strings"
)

// The registry the provider configurations read: a few buckets, each with
// a few complete versions and channels, published once before any run.
const (
	benchBuckets        = 4
	benchVersions       = 3 // per bucket
	benchPlatform       = "aws"
	benchRegion         = "us-east-1"
	fingerprintEvery    = 10 // every 10th image lookup is by fingerprint
	pairsPerLookups     = 5  // N/5 channel + assignment pairs
	providerVersion     = "0.0.1"
	providerSource      = "golden-image/hcppacker"
	providerRegistryDir = "registry.terraform.io/golden-image/hcppacker"
)

// benchChannels are the channels every bucket has: "stable" on its first
// version, "dev" on its second and the managed "latest" on its newest.
var benchChannels = []string{"stable", "dev", "latest"}

// fixtureBucket is one seeded bucket: its name and the fingerprints of its
// versions, oldest first.
type fixtureBucket struct {
	Name         string
	Fingerprints []string
}

// lookup is one hcppacker_image data source: by Channel or by Fingerprint.
type lookup struct {
	Bucket      string
	Channel     string
	Fingerprint string
}

// pair is one hcppacker_channel with the hcppacker_channel_assignment that
// points it at Fingerprint.
type pair struct {
	Bucket      string
	Channel     string
	Fingerprint string
}

// workload is the configuration measured at one size N.
type workload struct {
	N       int
	Lookups []lookup
	Pairs   []pair
}

// newWorkload spreads N image lookups over the buckets and their channels,
// every fingerprintEvery-th one by fingerprint instead, and adds N/5 new
// channels (named after N, so each size creates its own) with assignments.
// The spread is deterministic, so every run measures the same thing.
func newWorkload(n int, buckets []fixtureBucket) workload {
	w := workload{N: n}
	for i := range n {
		b := buckets[i%len(buckets)]
		round := i / len(buckets)
		if i%fingerprintEvery == fingerprintEvery-1 {
			w.Lookups = append(w.Lookups, lookup{Bucket: b.Name, Fingerprint: b.Fingerprints[round%len(b.Fingerprints)]})
			continue
		}
		w.Lookups = append(w.Lookups, lookup{Bucket: b.Name, Channel: benchChannels[round%len(benchChannels)]})
	}
	for j := range n / pairsPerLookups {
		b := buckets[j%len(buckets)]
		w.Pairs = append(w.Pairs, pair{
			Bucket:      b.Name,
			Channel:     fmt.Sprintf("n%d-c%d", n, j),
			Fingerprint: b.Fingerprints[j%len(b.Fingerprints)],
		})
	}
	return w
}

// pairCounts are the distinct (bucket, channel) and (bucket, fingerprint)
// pairs a workload references, split by what references them.
type pairCounts struct {
	LookupChannels     int // channels the data sources read
	LookupFingerprints int // fingerprints the data sources read
	PairChannels       int // channels the resources manage
	PairFingerprints   int // fingerprints the assignments name
	// Channels and Fingerprints are the distinct pairs over both.
	Channels     int
	Fingerprints int
}

// Total is the number of distinct pairs: the request budget of one plan.
func (p pairCounts) Total() int { return p.Channels + p.Fingerprints }

func (w workload) pairs() pairCounts {
	type key struct{ bucket, name string }
	lookupCh, lookupFp := map[key]bool{}, map[key]bool{}
	pairCh, pairFp := map[key]bool{}, map[key]bool{}
	allCh, allFp := map[key]bool{}, map[key]bool{}
	for _, l := range w.Lookups {
		if l.Channel != "" {
			lookupCh[key{l.Bucket, l.Channel}], allCh[key{l.Bucket, l.Channel}] = true, true
		} else {
			lookupFp[key{l.Bucket, l.Fingerprint}], allFp[key{l.Bucket, l.Fingerprint}] = true, true
		}
	}
	for _, p := range w.Pairs {
		pairCh[key{p.Bucket, p.Channel}], allCh[key{p.Bucket, p.Channel}] = true, true
		pairFp[key{p.Bucket, p.Fingerprint}], allFp[key{p.Bucket, p.Fingerprint}] = true, true
	}
	return pairCounts{
		LookupChannels: len(lookupCh), LookupFingerprints: len(lookupFp),
		PairChannels: len(pairCh), PairFingerprints: len(pairFp),
		Channels: len(allCh), Fingerprints: len(allFp),
	}
}

// objects is the number of blocks in either configuration.
func (w workload) objects() int { return len(w.Lookups) + 2*len(w.Pairs) }

// providerConfig is the hcppacker configuration of the workload. The
// provider block is empty: the HCP_* environment points it at localhcp.
func (w workload) providerConfig() string {
	var b strings.Builder
	fmt.Fprintf(&b, "terraform {\n  required_providers {\n    hcppacker = {\n      source  = %q\n      version = %q\n    }\n  }\n}\n\n",
		providerSource, providerVersion)
	b.WriteString("provider \"hcppacker\" {}\n")
	for i, l := range w.Lookups {
		fmt.Fprintf(&b, "\ndata \"hcppacker_image\" \"img_%d\" {\n  bucket_name    = %q\n", i, l.Bucket)
		if l.Channel != "" {
			fmt.Fprintf(&b, "  channel        = %q\n", l.Channel)
		} else {
			fmt.Fprintf(&b, "  fingerprint    = %q\n", l.Fingerprint)
		}
		fmt.Fprintf(&b, "  cloud_provider = %q\n  region         = %q\n}\n", benchPlatform, benchRegion)
	}
	for j, p := range w.Pairs {
		fmt.Fprintf(&b, "\nresource \"hcppacker_channel\" \"ch_%d\" {\n  bucket_name = %q\n  name        = %q\n}\n", j, p.Bucket, p.Channel)
		fmt.Fprintf(&b, "\nresource \"hcppacker_channel_assignment\" \"as_%d\" {\n"+
			"  bucket_name         = hcppacker_channel.ch_%d.bucket_name\n"+
			"  channel_name        = hcppacker_channel.ch_%d.name\n"+
			"  version_fingerprint = %q\n}\n", j, j, j, p.Fingerprint)
	}
	return b.String()
}

// floorConfig is the same-sized configuration of terraform_data only, with
// the same dependency shape: what Terraform itself costs for that many
// objects, with no provider process at all.
func (w workload) floorConfig() string {
	var b strings.Builder
	for i, l := range w.Lookups {
		fmt.Fprintf(&b, "resource \"terraform_data\" \"img_%d\" {\n  input = %q\n}\n\n", i, l.Bucket+"/"+l.Channel+l.Fingerprint)
	}
	for j, p := range w.Pairs {
		fmt.Fprintf(&b, "resource \"terraform_data\" \"ch_%d\" {\n  input = %q\n}\n\n", j, p.Bucket+"/"+p.Channel)
		fmt.Fprintf(&b, "resource \"terraform_data\" \"as_%d\" {\n  input = \"${terraform_data.ch_%d.output}@%s\"\n}\n\n", j, j, p.Fingerprint)
	}
	return b.String()
}
