package hubsim

import (
	"fmt"
	"strings"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"qpyhub/cloud"
)

// authenticate checks a CONNECT the way IoT Hub and DPS do and says who
// the client is. The error names the reason for the log; the client only
// ever learns "not authorized", as with IoT Hub.
func (s *Server) authenticate(pk packets.Packet) (*clientInfo, error) {
	username := string(pk.Connect.Username)
	// A DPS username starts with an ID scope, never with this hub's host.
	scope, rest, ok := strings.Cut(username, "/registrations/")
	if ok && !strings.Contains(scope, "/") && !strings.EqualFold(scope, s.cfg.HostName) {
		return s.authenticateDPS(pk, scope, rest)
	}
	return s.authenticateDevice(pk)
}

func (s *Server) authenticateDevice(pk packets.Packet) (*clientInfo, error) {
	host, deviceID, moduleID, _, err := cloud.ParseMQTTUsername(string(pk.Connect.Username))
	if err != nil {
		return nil, fmt.Errorf("username is not {host}/{deviceId}/?api-version=…: %w", err)
	}
	if !strings.EqualFold(host, s.cfg.HostName) {
		return nil, fmt.Errorf("username names host %q but this hub is %q", host, s.cfg.HostName)
	}
	if moduleID != "" {
		return nil, fmt.Errorf("module identities are not supported by the local hub")
	}
	if pk.Connect.ClientIdentifier != deviceID {
		return nil, fmt.Errorf("client id %q differs from device id %q in the username", pk.Connect.ClientIdentifier, deviceID)
	}
	rec, ok := s.reg.device(deviceID)
	if !ok {
		return nil, fmt.Errorf("device %q is not registered", deviceID)
	}
	if rec.Status != StatusEnabled {
		return nil, fmt.Errorf("device %q is disabled", deviceID)
	}
	tok, err := cloud.ParseSASToken(string(pk.Connect.Password))
	if err != nil {
		return nil, fmt.Errorf("password is not a SAS token: %w", err)
	}
	if err := s.checkExpiry(tok); err != nil {
		return nil, err
	}
	target := cloud.DeviceResource(s.cfg.HostName, deviceID)
	keys := []string{rec.PrimaryKey, rec.SecondaryKey}
	if tok.KeyName == "" {
		// A device key only ever signs for its own device.
		if !resourceCovers(tok.Resource, target) || !resourceCovers(target, tok.Resource) {
			return nil, fmt.Errorf("token resource %q does not name device %q", tok.Resource, deviceID)
		}
	} else {
		p, ok := s.reg.policy(tok.KeyName)
		if !ok || !hasRight(p, RightDeviceConnect) || !resourceCovers(tok.Resource, target) {
			return nil, fmt.Errorf("token policy %q cannot connect device %q", tok.KeyName, deviceID)
		}
		keys = []string{p.PrimaryKey, p.SecondaryKey}
	}
	if !signedByAny(tok, keys) {
		return nil, fmt.Errorf("token signature for device %q matches neither of its keys", deviceID)
	}
	return &clientInfo{kind: kindDevice, id: deviceID, tokenExpires: tok.Expiry}, nil
}

// authenticateDPS checks a registration connection: username
// "{idScope}/registrations/{regId}/api-version=…", a token for
// "{idScope}/registrations/{regId}" with skn=registration, signed with the
// individual enrollment's key or a key derived from a group key.
func (s *Server) authenticateDPS(pk packets.Packet, scope, rest string) (*clientInfo, error) {
	regID, _, _ := strings.Cut(rest, "/")
	if scope != s.cfg.DPSIDScope {
		return nil, fmt.Errorf("ID scope %q is not this service's %q", scope, s.cfg.DPSIDScope)
	}
	if regID == "" || pk.Connect.ClientIdentifier != regID {
		return nil, fmt.Errorf("client id %q differs from registration id %q in the username", pk.Connect.ClientIdentifier, regID)
	}
	tok, err := cloud.ParseSASToken(string(pk.Connect.Password))
	if err != nil {
		return nil, fmt.Errorf("password is not a SAS token: %w", err)
	}
	if tok.KeyName != "registration" {
		return nil, fmt.Errorf("DPS token has skn %q, want \"registration\"", tok.KeyName)
	}
	if !strings.EqualFold(tok.Resource, cloud.DPSResource(scope, regID)) {
		return nil, fmt.Errorf("token resource %q does not name registration %q", tok.Resource, regID)
	}
	if err := s.checkExpiry(tok); err != nil {
		return nil, err
	}
	info := &clientInfo{kind: kindDPS, id: regID, tokenExpires: tok.Expiry}
	if e, ok := s.reg.enrollment(regID); ok {
		if key, ok := signedWith(tok, []string{e.PrimaryKey, e.SecondaryKey}); ok {
			info.dpsKey = key
			return info, nil
		}
	}
	for _, g := range s.reg.allGroups() {
		derived := deriveAll(regID, g.PrimaryKey, g.SecondaryKey)
		if key, ok := signedWith(tok, derived); ok {
			info.dpsKey, info.dpsGroup = key, g.ID
			return info, nil
		}
	}
	return nil, fmt.Errorf("no enrollment of registration %q signed this token", regID)
}

// checkExpiry refuses a token past its expiry plus the grace.
func (s *Server) checkExpiry(tok cloud.SASToken) error {
	if !s.cfg.Now().Before(tok.Expiry.Add(s.cfg.TokenGrace)) {
		return fmt.Errorf("token expired at %s", tok.Expiry.Format(time.RFC3339))
	}
	return nil
}

// resourceCovers reports whether a token for granted opens want: IoT Hub
// treats sr as a path prefix, the host without case, the ids with case.
func resourceCovers(granted, want string) bool {
	gHost, gPath, _ := strings.Cut(strings.TrimSuffix(granted, "/"), "/")
	wHost, wPath, _ := strings.Cut(strings.TrimSuffix(want, "/"), "/")
	if !strings.EqualFold(gHost, wHost) {
		return false
	}
	return gPath == "" || gPath == wPath || strings.HasPrefix(wPath, gPath+"/")
}

func signedByAny(tok cloud.SASToken, keys []string) bool {
	_, ok := signedWith(tok, keys)
	return ok
}

// signedWith returns the first key that signed tok.
func signedWith(tok cloud.SASToken, keys []string) (string, bool) {
	for _, k := range keys {
		if k == "" {
			continue
		}
		if ok, err := tok.Verify(k); err == nil && ok {
			return k, true
		}
	}
	return "", false
}

// deriveAll derives the device keys of regID from a group's keys.
func deriveAll(regID string, groupKeys ...string) []string {
	var out []string
	for _, gk := range groupKeys {
		if gk == "" {
			continue
		}
		if k, err := cloud.DeriveDeviceKey(gk, regID); err == nil {
			out = append(out, k)
		}
	}
	return out
}

func hasRight(p Policy, right string) bool {
	for _, r := range p.Rights {
		if r == right {
			return true
		}
	}
	return false
}
