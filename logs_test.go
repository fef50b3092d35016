package main

import (
	"maps"
	"testing"
)

func TestSilenceUnreadLogs(t *testing.T) {
	t.Parallel()
	allOff := map[string]string{
		"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_HCPPACKER": "OFF",
	}
	tests := []struct {
		name   string
		debug  bool
		env    map[string]string
		want   map[string]string
		silent bool
	}{
		{name: "nobody reads the logs", env: map[string]string{}, want: allOff, silent: true},
		{name: "TF_LOG keeps them", env: map[string]string{"TF_LOG": "TRACE"}, want: map[string]string{"TF_LOG": "TRACE"}},
		{name: "TF_LOG_PROVIDER keeps them", env: map[string]string{"TF_LOG_PROVIDER": "DEBUG"}, want: map[string]string{"TF_LOG_PROVIDER": "DEBUG"}},
		{name: "debug mode writes to the terminal", debug: true, env: map[string]string{}, want: map[string]string{}},
		{
			name:   "an explicit level is kept",
			env:    map[string]string{"TF_LOG_SDK_FRAMEWORK": "WARN"},
			want:   map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "WARN", "TF_LOG_PROVIDER_HCPPACKER": "OFF"},
			silent: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := maps.Clone(tt.env)
			got := silenceUnreadLogs(tt.debug, func(k string) string { return env[k] },
				func(k, v string) error { env[k] = v; return nil })
			if got != tt.silent {
				t.Errorf("silenceUnreadLogs = %t, want %t", got, tt.silent)
			}
			if !maps.Equal(env, tt.want) {
				t.Errorf("environment = %v, want %v", env, tt.want)
			}
		})
	}
}
