package hubsim

import (
	"fmt"
	"log/slog"
	"time"
)

// storedCA is the CA as the registry file keeps it (PEM). The key sits
// beside the device keys, in the same private file: whoever can read one
// can impersonate the hub's devices anyway.
type storedCA struct {
	Certificate string `json:"certificate"`
	PrivateKey  string `json:"privateKey"`
}

// hubCA returns the CA this hub serves. A hub with a registry file keeps
// its CA there, so modules set up against it still trust it after a
// restart; a new one is made only when the file has none, when asked
// (Config.NewCA), or when the kept one has expired (nothing can verify
// against it any more). A memory-only hub makes a new CA every time.
func hubCA(cfg Config, reg *registry, log *slog.Logger) (*certAuthority, error) {
	now := time.Now()
	var key *caKey
	if kept := reg.keptCA(); kept != nil && !cfg.NewCA {
		k, err := parseCA(*kept)
		if err != nil {
			return nil, fmt.Errorf("hubsim: registry %s: its CA cannot be used (%v); start the hub with a new CA (qpyhub hubsim --new-ca) and give the modules the new CA file", reg.path, err)
		}
		if now.After(k.cert.NotAfter) {
			log.Warn("the registry's CA has expired; making a new one: modules need the new CA file", "expired", k.cert.NotAfter.Format(time.RFC3339))
		} else {
			key = k
		}
	}
	if key == nil {
		k, err := generateCA(now)
		if err != nil {
			return nil, err
		}
		stored, err := k.stored()
		if err != nil {
			return nil, err
		}
		if err := reg.putCA(stored); err != nil {
			return nil, err
		}
		key = k
	}
	return key.authority(cfg.HostName, now)
}
