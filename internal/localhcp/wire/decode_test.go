package wire

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, wantErr string
	}{
		{"empty body is an empty object", "", ""},
		{"whitespace", "  \n", ""},
		{"unknown fields ignored", `{"name":"b","future_field":{"x":1}}`, ""},
		{"null labels", `{"name":"b","labels":null}`, ""},
		{"array", `[]`, "JSON object"},
		{"scalar", `"name"`, "JSON object"},
		{"truncated", `{"name":"b"`, "truncated"},
		{"syntax", `{"name":}`, "not valid JSON"},
		{"wrong type", `{"name":true}`, `field "name"`},
		{"label value type", `{"labels":{"a":[1]}}`, `labels`},
		{"two objects", `{} {}`, "after its JSON object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body CreateBucketBody
			err := Decode([]byte(tc.body), &body)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseRequestTime(t *testing.T) {
	t.Parallel()
	if got, err := ParseRequestTime("revoke_at", "0001-01-01T00:00:00.000Z"); err != nil || got != nil {
		t.Fatalf("year 1 = %v, %v; want unset", got, err)
	}
	if got, err := ParseRequestTime("revoke_at", ""); err != nil || got != nil {
		t.Fatalf("empty = %v, %v; want unset", got, err)
	}
	got, err := ParseRequestTime("revoke_at", "2030-05-06T07:08:09.123456+02:00")
	if err != nil || !got.Equal(time.Date(2030, 5, 6, 5, 8, 9, 123_000_000, time.UTC)) || got.Location() != time.UTC {
		t.Fatalf("parsed %v, %v", got, err)
	}
	if _, err := ParseRequestTime("revoke_at", "next tuesday"); err == nil || !strings.Contains(err.Error(), "revoke_at") {
		t.Fatalf("bad time error = %v", err)
	}
}

func TestTimeMarshalsWithMilliseconds(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(struct {
		At  Time  `json:"at"`
		Off *Time `json:"off,omitempty"`
	}{At: NewTime(time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)))})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"at":"2030-01-02T02:04:05.000Z"}` {
		t.Fatalf("marshalled %s", b)
	}
}

// FuzzDecode feeds arbitrary bytes to every request body type: decoding
// must never panic, errors must carry a message, and what decodes must
// encode again.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `{"name":"b","labels":{"a":"b"}}`, `{"fingerprint":"f","template_type":"HCL2"}`,
		`{"complete":true,"revoke_at":"0001-01-01T00:00:00.000Z"}`, `{"revoke_in":"30d","revocation_message":"x"}`,
		`{"component_type":"a.b","artifacts":[{"external_identifier":"ami","region":"r"}],"metadata":{"packer":{"v":1}}}`,
		`{"update_mask":"versionFingerprint","version_fingerprint":""}`, `{"compressed_sbom":"e30=","format":"SPDX"}`,
		`{"name":5}`, `[`, `{"a":` + strings.Repeat("[", 100), `{"labels":{"k":null}}`, "{\"name\":\"\xff\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{
			&CreateBucketBody{}, &UpdateBucketBody{}, &CreateVersionBody{}, &UpdateVersionBody{}, &BuildBody{},
			&CreateChannelBody{}, &UpdateChannelBody{}, &AssignChannelVersionBody{}, &CreateRegistryBody{},
			&UpdateRegistryBody{}, &UploadSbomBody{},
		}
		for _, dst := range targets {
			err := Decode(body, dst)
			if err != nil {
				if err.Error() == "" {
					t.Fatalf("%T: empty error message", dst)
				}
				continue
			}
			if _, err := json.Marshal(dst); err != nil {
				t.Fatalf("%T decoded but does not encode: %v", dst, err)
			}
			if u, ok := dst.(*UpdateVersionBody); ok && u.RevokeAt != nil {
				_, _ = ParseRequestTime("revoke_at", *u.RevokeAt)
			}
		}
	})
}
