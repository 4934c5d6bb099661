package cli

import (
	"errors"
	"time"

	"qpyhub/cloud"
)

// Reasons the sas command adds to those of package cloud.
const (
	reasonNotRFC3339   = "is not an RFC 3339 time (example: 2030-01-31T12:00:00Z)"
	reasonCombined     = "cannot be combined with"
	reasonNeedsSource  = "is missing: give --connection-string, --host with --device and --key, or --dps"
	reasonTokenHasTTL  = "has no effect: the connection string already holds a token"
	reasonNeedsSnippet = "has no effect without --snippet"
)

// flagError is a problem with the flags themselves, not with a value.
type flagError struct {
	reason string // English source text
	other  string // the other flag, for reasonCombined
}

func (e *flagError) Error() string {
	if e.other != "" {
		return e.reason + " " + e.other
	}
	return e.reason
}

// credentials makes the credentials the flags ask for. On error, src
// names the flag or environment variable the bad value came from.
func (c sasCommand) credentials(f *sasSettings) (creds cloud.MQTTCredentials, src string, err error) {
	if f.set["ttl"] && f.set["expiry"] {
		return creds, "--expiry", &flagError{reason: reasonCombined, other: "--ttl"}
	}
	expiry, err := c.expiry(f)
	if err != nil {
		return creds, expirySource(f), err
	}
	switch {
	case f.dps:
		if src := firstSet(f, "connection-string", "host", "device", "module", "key"); src != "" {
			return creds, src, &flagError{reason: reasonCombined, other: "--dps"}
		}
		return c.dpsCredentials(f, expiry)
	case f.host != "" || f.device != "" || f.key != "":
		if src := firstSet(f, "connection-string", "id-scope", "registration-id", "group-key", "device-key"); src != "" {
			return creds, src, &flagError{reason: reasonCombined, other: "--host/--device/--key"}
		}
		return c.hostCredentials(f, expiry)
	default:
		if src := firstSet(f, "id-scope", "registration-id", "group-key", "device-key"); src != "" {
			return creds, src, &flagError{reason: reasonCombined, other: "--connection-string"}
		}
		return c.connStrCredentials(f, expiry)
	}
}

// firstSet returns the first of names given on the command line, as "--name".
func firstSet(f *sasSettings, names ...string) string {
	for _, n := range names {
		if f.set[n] {
			return "--" + n
		}
	}
	return ""
}

func expirySource(f *sasSettings) string {
	if f.set["expiry"] {
		return "--expiry"
	}
	return "--ttl"
}

// expiry turns --expiry or --ttl into a point in time.
func (c sasCommand) expiry(f *sasSettings) (time.Time, error) {
	now := c.now()
	if f.set["expiry"] {
		t, err := time.Parse(time.RFC3339, f.expiry)
		if err != nil {
			return time.Time{}, &cloud.FieldError{Field: "expiry", Reason: reasonNotRFC3339}
		}
		return t, cloud.CheckExpiry(t, now)
	}
	d, err := cloud.ParseTTL(f.ttl)
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(d), nil
}

// secret returns a flag's value, or else the environment variable's, and
// the name of whichever it came from.
func (c sasCommand) secret(value, flagName, env string) (string, string) {
	if value != "" {
		return value, "--" + flagName
	}
	if v, ok := c.lookupEnv(env); ok && v != "" {
		return v, env
	}
	return "", "--" + flagName
}

func (c sasCommand) connStrCredentials(f *sasSettings, expiry time.Time) (cloud.MQTTCredentials, string, error) {
	s, src := c.secret(f.connStr, "connection-string", envConnectionString)
	if s == "" {
		return cloud.MQTTCredentials{}, src, &flagError{reason: reasonNeedsSource}
	}
	cs, err := cloud.ParseConnectionString(s)
	if err != nil {
		return cloud.MQTTCredentials{}, src, err
	}
	id, err := cloud.IdentityFromConnectionString(cs)
	if err != nil {
		return cloud.MQTTCredentials{}, src, err
	}
	if f.module != "" {
		id.ModuleID = f.module
	}
	if id.Key == "" && (f.set["ttl"] || f.set["expiry"]) {
		return cloud.MQTTCredentials{}, expirySource(f), &flagError{reason: reasonTokenHasTTL}
	}
	sources := map[string]string{"expiry": expirySource(f)}
	if f.module != "" {
		sources["ModuleId"] = "--module"
	}
	creds, err := cloud.DeviceMQTTCredentialsAt(c.now(), id, expiry, f.websocket)
	return creds, sourceOf(err, src, sources), err
}

func (c sasCommand) hostCredentials(f *sasSettings, expiry time.Time) (cloud.MQTTCredentials, string, error) {
	key, keySrc := c.secret(f.key, "key", envKey)
	id := cloud.DeviceIdentity{Host: f.host, DeviceID: f.device, ModuleID: f.module, Key: key}
	if key == "" {
		return cloud.MQTTCredentials{}, keySrc, &cloud.FieldError{Field: "SharedAccessKey", Reason: cloud.ReasonMissing}
	}
	creds, err := cloud.DeviceMQTTCredentialsAt(c.now(), id, expiry, f.websocket)
	return creds, sourceOf(err, keySrc, map[string]string{
		"HostName": "--host", "DeviceId": "--device", "ModuleId": "--module", "expiry": expirySource(f),
	}), err
}

func (c sasCommand) dpsCredentials(f *sasSettings, expiry time.Time) (cloud.MQTTCredentials, string, error) {
	devKey, groupKey, src, err := c.dpsKeys(f)
	if err != nil {
		return cloud.MQTTCredentials{}, src, err
	}
	sources := map[string]string{
		"ID scope": "--id-scope", "registration id": "--registration-id", "expiry": expirySource(f),
	}
	var creds cloud.MQTTCredentials
	if devKey != "" {
		creds, err = cloud.DPSMQTTCredentialsAt(c.now(), f.idScope, f.registrationID, devKey, expiry, f.websocket)
	} else {
		creds, err = cloud.DPSGroupCredentialsAt(c.now(), f.idScope, f.registrationID, groupKey, expiry, f.websocket)
	}
	return creds, sourceOf(err, src, sources), err
}

// dpsKeys picks the DPS key and where it came from: a flag before the
// environment, the device's own key before a group key. Two keys given
// the same way are refused rather than one silently chosen.
func (c sasCommand) dpsKeys(f *sasSettings) (devKey, groupKey, src string, err error) {
	switch {
	case f.devK != "" && f.groupKey != "":
		return "", "", "--device-key", &flagError{reason: reasonCombined, other: "--group-key"}
	case f.devK != "":
		return f.devK, "", "--device-key", nil
	case f.groupKey != "":
		return "", f.groupKey, "--group-key", nil
	}
	devKey, _ = c.lookupEnv(envDeviceKey)
	groupKey, _ = c.lookupEnv(envGroupKey)
	switch {
	case devKey != "" && groupKey != "":
		return "", "", envDeviceKey, &flagError{reason: reasonCombined, other: envGroupKey}
	case devKey != "":
		return devKey, "", envDeviceKey, nil
	case groupKey != "":
		return "", groupKey, envGroupKey, nil
	}
	// QPYHUB_KEY held the group key before the group key had its own
	// variable; scripts written then keep working.
	if groupKey, _ = c.lookupEnv(envKey); groupKey != "" {
		return "", groupKey, envKey, nil
	}
	return "", "", "--group-key", &cloud.FieldError{Field: "group key", Reason: cloud.ReasonMissing}
}

// sourceOf picks the flag to blame for err from its field, or fallback.
func sourceOf(err error, fallback string, byField map[string]string) string {
	var fe *cloud.FieldError
	if errors.As(err, &fe) {
		if src, ok := byField[fe.Field]; ok {
			return src
		}
	}
	return fallback
}
