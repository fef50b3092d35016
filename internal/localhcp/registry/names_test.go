package registry

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
)

func TestValidateNames(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		check func(string) error
		input string
		ok    bool
	}{
		{"bucket ok", ValidateBucketName, "golden-ubuntu-22", true},
		{"bucket min", ValidateBucketName, "abc", true},
		{"bucket max", ValidateBucketName, strings.Repeat("a", 36), true},
		{"bucket short", ValidateBucketName, "ab", false},
		{"bucket long", ValidateBucketName, strings.Repeat("a", 37), false},
		{"bucket dot", ValidateBucketName, "a.bc", false},
		{"bucket unicode", ValidateBucketName, "bücket", false},
		{"channel ok", ValidateChannelName, "stable-2", true},
		{"channel latest", ValidateChannelName, "latest", true},
		{"channel leading hyphen", ValidateChannelName, "-stable", false},
		{"channel trailing hyphen", ValidateChannelName, "stable-", false},
		{"channel short", ValidateChannelName, "ab", false},
		{"channel underscore", ValidateChannelName, "a_b_c", false},
		{"fingerprint ulid", ValidateFingerprint, "01HQ5K3Z8Y6W2V4T0R9P7N5M3K", true},
		{"fingerprint one char", ValidateFingerprint, "a", true},
		{"fingerprint sha", ValidateFingerprint, "a1b2c3d.e_f-9", true},
		{"fingerprint 40", ValidateFingerprint, strings.Repeat("f", 40), true},
		{"fingerprint 41", ValidateFingerprint, strings.Repeat("f", 41), false},
		{"fingerprint empty", ValidateFingerprint, "", false},
		{"fingerprint trailing dot", ValidateFingerprint, "abc.", false},
		{"fingerprint none is ordinary", ValidateFingerprint, "none", true},
		{"fingerprint slash", ValidateFingerprint, "a/b", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check(tc.input)
			if (err == nil) != tc.ok {
				t.Fatalf("%q: err = %v, want ok=%v", tc.input, err, tc.ok)
			}
			if err != nil && CodeOf(err) != codes.InvalidArgument {
				t.Fatalf("%q: code %v, want InvalidArgument", tc.input, CodeOf(err))
			}
		})
	}
}

func TestParseRevokeIn(t *testing.T) {
	t.Parallel()
	good := map[string]time.Duration{
		"0s": 0, "30d": 30 * 24 * time.Hour, "2h45m": 2*time.Hour + 45*time.Minute, "90s": 90 * time.Second,
		"1d1h1m1s": 25*time.Hour + time.Minute + time.Second,
	}
	for in, want := range good {
		if got, err := ParseRevokeIn(in); err != nil || got != want {
			t.Errorf("ParseRevokeIn(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "5", "h", "1w", "-1h", "1.5h", "1h ", "99999999999h", "36500d1d"} {
		if _, err := ParseRevokeIn(in); err == nil || CodeOf(err) != codes.InvalidArgument {
			t.Errorf("ParseRevokeIn(%q) = %v, want an InvalidArgument error", in, err)
		}
	}
	if got, err := ParseRevokeIn("36500d"); err != nil || got != MaxRevokeIn {
		t.Errorf("ParseRevokeIn at the bound = %v, %v; want %v", got, err, MaxRevokeIn)
	}
}

// TestParseRevokeInRefusesBeyondTheBound covers durations whose product or
// sum overflows time.Duration: they must be refused, never wrap around into
// the past or the near future.
func TestParseRevokeInRefusesBeyondTheBound(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"200000d", "213504d", "3000000h", "999999999d", "36501d", "36499d999999999h", "36500d1s", "999999999m999999999d"} {
		d, err := ParseRevokeIn(in)
		if err == nil || CodeOf(err) != codes.InvalidArgument {
			t.Errorf("ParseRevokeIn(%q) = %v, %v; want an InvalidArgument error", in, d, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, strconv.Quote(in)) || !strings.Contains(msg, "36500d") {
			t.Errorf("ParseRevokeIn(%q): message %q does not name the value and the bound", in, msg)
		}
	}
}

// FuzzNameValidation checks the validators against their documented rules
// on arbitrary input, and that refusals stay short and InvalidArgument.
func FuzzNameValidation(f *testing.F) {
	for _, seed := range []string{"", "abc", "golden-ubuntu", "-x-", "latest", strings.Repeat("z", 80), "a.b_c-d", "ü", "\x00\xff", "01HQ5K3Z8Y6W2V4T0R9P7N5M3K"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, v := range map[string]func(string) error{
			"bucket": ValidateBucketName, "channel": ValidateChannelName, "fingerprint": ValidateFingerprint,
		} {
			err := v(s)
			if err == nil {
				if !utf8.ValidString(s) || len(s) == 0 || len(s) > 40 {
					t.Fatalf("%s accepted %q", name, s)
				}
				for _, r := range s {
					if !allowedRune(r) {
						t.Fatalf("%s accepted %q with %q", name, s, r)
					}
				}
				continue
			}
			if CodeOf(err) != codes.InvalidArgument {
				t.Fatalf("%s(%q): code %v", name, s, CodeOf(err))
			}
			if len(err.Error()) > 400 {
				t.Fatalf("%s(%q): message of %d bytes", name, s, len(err.Error()))
			}
		}
		if d, err := ParseRevokeIn(s); err == nil && d < 0 {
			t.Fatalf("ParseRevokeIn(%q) = %v, negative", s, d)
		}
	})
}

func allowedRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._", r)
}
