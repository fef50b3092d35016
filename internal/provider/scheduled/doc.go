// Package scheduled holds the provider's acceptance tests of revocations
// that take effect later: each steps the clock that localhcp and the
// provider share (acctest.AdvanceClock) instead of waiting for the time to
// pass. A step of that clock is seen by every test of the process, so these
// tests run one at a time, in a package of their own, apart from the
// parallel tests of internal/provider.
package scheduled
