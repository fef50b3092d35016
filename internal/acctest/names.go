package acctest

import (
	"crypto/rand"
	"fmt"
)

// randomAlphabet keeps generated names valid bucket and channel names
// (letters, digits, hyphens) and readable in logs.
const randomAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomSuffixLength gives 36^10 names: collisions between the tests of one
// run are out of the question.
const randomSuffixLength = 10

// RandomName returns prefix followed by a hyphen and a random suffix, a valid
// bucket or channel name as long as prefix is at most 25 letters, digits or
// hyphens and starts with a letter or digit.
func RandomName(prefix string) string {
	if len(prefix) > 36-1-randomSuffixLength {
		panic(fmt.Sprintf("acctest.RandomName: prefix %q is longer than %d characters", prefix, 36-1-randomSuffixLength))
	}
	return prefix + "-" + randomString(randomSuffixLength)
}

// randomString returns n random characters of randomAlphabet.
func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("acctest: read random bytes: %v", err))
	}
	for i := range b {
		b[i] = randomAlphabet[int(b[i])%len(randomAlphabet)]
	}
	return string(b)
}
