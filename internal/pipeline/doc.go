// Package pipeline holds the acceptance tests of the flagship example,
// examples/golden-image-pipeline: each test walks one path a user takes
// through it, applying the example's own files against localhcp.
//
// The tests move the clock that localhcp and the provider share, so they
// run one at a time, in a package of their own.
package pipeline
