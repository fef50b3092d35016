package wire

import (
	"fmt"
	"time"
)

// TimeLayout is RFC 3339 in UTC with milliseconds, the form
// strfmt.DateTime emits and compares.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Time is a date-time that marshals with millisecond precision in UTC. Use
// *Time with omitempty for a time that may be unset: it must be absent,
// never "" (which clients decode as 1970).
type Time time.Time

// MarshalJSON emits the time as a JSON string in TimeLayout.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(TimeLayout) + `"`), nil
}

// NewTime converts a time.Time.
func NewTime(t time.Time) Time { return Time(t) }

// TimePtr converts an optional time.Time.
func TimePtr(t *time.Time) *Time {
	if t == nil {
		return nil
	}
	v := Time(*t)
	return &v
}

// ParseRequestTime parses a date-time from a request body. A zero (year 1)
// time means "unset": the SDK sends "0001-01-01T00:00:00.000Z" for every
// strfmt.DateTime it was not given, so it returns nil then.
func ParseRequestTime(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, fmt.Errorf("field %q must be an RFC 3339 date-time such as \"2030-01-02T15:04:05Z\", got %q", field, truncate(s))
	}
	if t.Year() <= 1 {
		return nil, nil
	}
	u := t.UTC().Truncate(time.Millisecond)
	return &u, nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
