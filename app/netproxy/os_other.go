//go:build !windows

package netproxy

// osProxySetting: outside Windows the system proxy is the environment's.
func osProxySetting() *osProxy { return nil }
