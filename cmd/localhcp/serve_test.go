package main

import (
	"testing"
	"time"
)

func TestFaultsFromFlags(t *testing.T) {
	t.Parallel()
	f, err := faultsFromFlags(0.2, 50*time.Millisecond, 3*time.Second)
	if err != nil || f.Rate != 0.2 || f.Latency != 50*time.Millisecond || f.RetryAfter != 3*time.Second {
		t.Fatalf("faultsFromFlags(0.2, 50ms, 3s) = %+v, %v", f, err)
	}
	// localhcp.Faults reads a zero RetryAfter as one second and announces
	// any sub-second value as "0": --retry-after 0 must land in that range.
	f, err = faultsFromFlags(1, 0, 0)
	if err != nil || f.RetryAfter <= 0 || f.RetryAfter >= time.Second {
		t.Fatalf("faultsFromFlags(1, 0, 0) = %+v, %v; want a sub-second RetryAfter", f, err)
	}
	for _, bad := range []struct {
		rate           float64
		latency, after time.Duration
	}{{-0.1, 0, time.Second}, {1.5, 0, time.Second}, {0, -time.Millisecond, time.Second}, {0, 0, -time.Second}} {
		if _, err := faultsFromFlags(bad.rate, bad.latency, bad.after); err == nil {
			t.Errorf("faultsFromFlags(%v, %v, %v) accepted invalid flags", bad.rate, bad.latency, bad.after)
		}
	}
}
