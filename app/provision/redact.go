package provision

import (
	"net/url"
	"strings"
)

// remember notes a secret this module handles, so that no text leaving
// the pipeline can carry it, whatever error wrapped it.
func (m *moduleRun) remember(secrets ...string) {
	for _, s := range secrets {
		if len(s) >= 8 {
			m.secrets = append(m.secrets, s, url.QueryEscape(s))
		}
	}
}

// redact masks every remembered secret in s.
func (m *moduleRun) redact(s string) string {
	for _, secret := range m.secrets {
		s = strings.ReplaceAll(s, secret, "****")
	}
	return s
}
