//go:build !windows

package app

// osProxySetting: outside Windows the system proxy is the environment's.
func osProxySetting() *osProxy { return nil }
