package main

// Terraform reads a provider's logs only when TF_LOG or TF_LOG_PROVIDER is
// set; otherwise it parses every line the provider writes to stderr and
// throws it away. The plugin libraries log at TRACE unless told otherwise,
// so a provider that nobody is listening to spends about a quarter of its
// CPU time, and Terraform some of its own, on JSON log lines (measured with
// make bench: bench/RESULTS.md). This file turns those logs off when no one
// can read them.

// terraformLogSwitches are the variables with which Terraform decides to
// keep provider logs.
var terraformLogSwitches = []string{"TF_LOG", "TF_LOG_PROVIDER"}

// pluginLogLevels are the variables that set the level of the loggers
// inside the provider: terraform-plugin-go's SDK and protocol loggers, the
// framework's, and this provider's own root logger (whose subsystems, such
// as the HCP HTTP one, inherit its level unless set apart).
var pluginLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_HCPPACKER"}

// silenceUnreadLogs sets every plugin log level that is not set already to
// OFF, unless Terraform keeps provider logs or the provider runs in debug
// mode (where its stderr is the developer's terminal). It reports whether
// it did.
func silenceUnreadLogs(debug bool, getenv func(string) string, setenv func(string, string) error) bool {
	if debug {
		return false
	}
	for _, name := range terraformLogSwitches {
		if getenv(name) != "" {
			return false
		}
	}
	for _, name := range pluginLogLevels {
		if getenv(name) == "" {
			_ = setenv(name, "OFF") // cannot fail for these names; logs would merely stay on
		}
	}
	return true
}
