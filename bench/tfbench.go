package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// sizeResult is everything measured at one size N.
type sizeResult struct {
	Workload   workload
	Pairs      pairCounts
	Apply      commandResult
	FloorApply commandResult
	Plans      []commandResult // plans after the apply, each expected empty
	FloorPlans []commandResult
}

// planWall is the median wall time of the provider's plans.
func (r sizeResult) planWall() time.Duration { return median(walls(r.Plans)) }

// floorPlanWall is the median wall time of the floor's plans.
func (r sizeResult) floorPlanWall() time.Duration { return median(walls(r.FloorPlans)) }

// planRequests is the largest number of HTTP requests one plan made.
func (r sizeResult) planRequests() int64 {
	var n int64
	for _, p := range r.Plans {
		n = max(n, p.TotalRequests())
	}
	return n
}

func walls(rs []commandResult) []time.Duration {
	out := make([]time.Duration, len(rs))
	for i, r := range rs {
		out[i] = r.Wall
	}
	return out
}

// benchSize applies the workload's provider configuration and its floor in
// fresh working directories, then plans each planRuns times, alternating
// between the two so that noise hits both alike. Every plan after an apply
// must be empty.
func benchSize(ctx context.Context, tf *terraformRunner, root, pluginDir string, w workload, planRuns int) (sizeResult, error) {
	res := sizeResult{Workload: w, Pairs: w.pairs()}
	providerDir := filepath.Join(root, fmt.Sprintf("n%d-hcppacker", w.N))
	floorDir := filepath.Join(root, fmt.Sprintf("n%d-floor", w.N))
	for dir, config := range map[string]string{providerDir: w.providerConfig(), floorDir: w.floorConfig()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return res, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
			return res, err
		}
	}

	success := []int{0}
	if _, err := tf.run(ctx, providerDir, success, "init", "-input=false", "-no-color", "-plugin-dir="+pluginDir); err != nil {
		return res, err
	}
	if _, err := tf.run(ctx, floorDir, success, "init", "-input=false", "-no-color"); err != nil {
		return res, err
	}

	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	var err error
	if res.Apply, err = tf.run(ctx, providerDir, success, apply...); err != nil {
		return res, err
	}
	if res.FloorApply, err = tf.run(ctx, floorDir, success, apply...); err != nil {
		return res, err
	}

	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	for range planRuns {
		for _, target := range []struct {
			dir string
			out *[]commandResult
		}{{providerDir, &res.Plans}, {floorDir, &res.FloorPlans}} {
			r, err := tf.run(ctx, target.dir, success, plan...)
			if err != nil {
				if r.ExitCode == 2 {
					return res, fmt.Errorf("the plan right after apply in %s is not empty, so the configuration does not converge: %w", target.dir, err)
				}
				return res, err
			}
			*target.out = append(*target.out, r)
		}
	}
	return res, nil
}
