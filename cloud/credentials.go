package cloud

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Wire constants for device connections (see PROTOCOLS.md §2 and §3).
const (
	// HubAPIVersion goes into the MQTT username of a device or module.
	HubAPIVersion = "2021-04-12"
	// DPSAPIVersion goes into the MQTT username of a DPS registration.
	DPSAPIVersion = "2019-03-31"
	// DPSGlobalHost is the device endpoint of every public DPS instance.
	DPSGlobalHost = "global.azure-devices-provisioning.net"
	// MQTTPort is MQTT over TLS; WebSocketPort is MQTT over WebSockets,
	// for networks that block 8883.
	MQTTPort      = 8883
	WebSocketPort = 443
	// WebSocketPath is where IoT Hub and DPS accept MQTT over WebSockets.
	WebSocketPath = "/$iothub/websocket"
	// dpsKeyName is the skn of every DPS registration token.
	dpsKeyName = "registration"
)

// DeviceIdentity is what a device needs to sign in: its hub, its id and
// either its base64 key or a token someone made for it.
type DeviceIdentity struct {
	Host     string
	DeviceID string
	ModuleID string
	Key      string // base64 device or module key; may be empty when Token is set
	Token    string // a ready-made SAS token
}

// MQTTCredentials is everything an MQTT client needs to connect.
type MQTTCredentials struct {
	Host           string
	Port           int
	WebSocket      bool
	ClientID       string
	Username       string
	Password       string // the SAS token
	ExpiresAt      time.Time
	DerivedKey     string // DPS group enrollments only: the device's derived key
	IDScope        string // DPS only
	RegistrationID string // DPS only
}

// String describes the credentials with the password and any key masked,
// so printing them with %v cannot leak a secret.
func (c MQTTCredentials) String() string {
	return fmt.Sprintf("MQTT %s client %q user %q password **** expires %s",
		c.BrokerURL(), c.ClientID, c.Username, c.ExpiresAt.UTC().Format(time.RFC3339))
}

// String describes the identity with its key and token masked.
func (id DeviceIdentity) String() string {
	s := id.Host + "/" + id.DeviceID
	if id.ModuleID != "" {
		s += "/" + id.ModuleID
	}
	return s + " (secret ****)"
}

// BrokerURL returns the address in paho's form: "ssl://host:8883" or
// "wss://host:443/$iothub/websocket".
func (c MQTTCredentials) BrokerURL() string {
	if c.WebSocket {
		return "wss://" + c.Host + ":" + strconv.Itoa(portOr(c.Port, WebSocketPort)) + WebSocketPath
	}
	return "ssl://" + c.Host + ":" + strconv.Itoa(portOr(c.Port, MQTTPort))
}

func portOr(port, fallback int) int {
	if port > 0 {
		return port
	}
	return fallback
}

func transportPort(websocket bool) int {
	if websocket {
		return WebSocketPort
	}
	return MQTTPort
}

// IdentityFromConnectionString takes the device identity out of a device
// connection string. A hub policy string is refused: its key can do far
// more than connect one device, and must not be put on a module.
func IdentityFromConnectionString(cs ConnectionString) (DeviceIdentity, error) {
	if !cs.IsDevice() {
		return DeviceIdentity{}, fieldErr("connection string", ReasonPolicyString)
	}
	if cs.SharedAccessKey == "" && cs.SharedAccessSignature == "" {
		return DeviceIdentity{}, fieldErr("connection string", ReasonNoX509)
	}
	return DeviceIdentity{
		Host:     cs.HostName,
		DeviceID: cs.DeviceID,
		ModuleID: cs.ModuleID,
		Key:      cs.SharedAccessKey,
		Token:    cs.SharedAccessSignature,
	}, nil
}

// MQTTUsername is the username a device or module signs in with.
func MQTTUsername(host, deviceID, moduleID string) string {
	u := host + "/" + deviceID
	if moduleID != "" {
		u += "/" + moduleID
	}
	return u + "/?api-version=" + HubAPIVersion
}

// DPSUsername is the username a device registers with at DPS.
func DPSUsername(idScope, registrationID string) string {
	return DPSResource(idScope, registrationID) + "/api-version=" + DPSAPIVersion
}

// ParseDPSUsername splits "{idScope}/registrations/{registrationId}/api-version=…"
// (an SDK may put '?' before api-version and add "&ClientVersion=…").
func ParseDPSUsername(u string) (idScope, registrationID, apiVersion string, err error) {
	path, query, ok := strings.Cut(u, "/api-version=")
	if ok {
		query = "api-version=" + query
	} else if path, query, ok = strings.Cut(u, "/?"); !ok {
		return "", "", "", fieldErr("username", ReasonNotUsername)
	}
	apiVersion = queryValue(query, "api-version")
	if apiVersion == "" {
		return "", "", "", fieldErr("api-version", ReasonMissing)
	}
	parts := strings.Split(path, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] != "registrations" || parts[2] == "" {
		return "", "", "", fieldErr("username", ReasonNotUsername)
	}
	return parts[0], parts[2], apiVersion, nil
}

// queryValue returns the first value of name in "a=1&b=2", unescaped
// only as far as the hub does (not at all).
func queryValue(query, name string) string {
	for _, kv := range strings.Split(query, "&") {
		if k, v, _ := strings.Cut(kv, "="); k == name && v != "" {
			return v
		}
	}
	return ""
}

// ParseMQTTUsername splits a hub username into its parts. It accepts the
// current "{host}/{deviceId}[/{moduleId}]/?api-version=…" form, with SDK
// suffixes such as "&DeviceClientType=…", and the old form without '?'
// ("{host}/{deviceId}/api-version=2018-06-30") that older samples print.
func ParseMQTTUsername(u string) (host, deviceID, moduleID, apiVersion string, err error) {
	path, query, ok := strings.Cut(u, "/?")
	if !ok {
		path, query, ok = strings.Cut(u, "/api-version=")
		query = "api-version=" + query
	}
	if !ok {
		return "", "", "", "", fieldErr("username", ReasonNotUsername)
	}
	apiVersion = queryValue(query, "api-version")
	if apiVersion == "" {
		return "", "", "", "", fieldErr("api-version", ReasonMissing)
	}
	parts := strings.Split(path, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return "", "", "", "", fieldErr("username", ReasonNotUsername)
	}
	for _, p := range parts {
		if p == "" {
			return "", "", "", "", fieldErr("username", ReasonNotUsername)
		}
	}
	if len(parts) == 3 {
		moduleID = parts[2]
	}
	return parts[0], parts[1], moduleID, apiVersion, nil
}

// DeviceMQTTCredentials makes the credentials of a device or module. With
// a key it signs a new token valid until expiry; with only a token it uses
// that token, after checking it names this device and has not expired.
func DeviceMQTTCredentials(id DeviceIdentity, expiry time.Time, websocket bool) (MQTTCredentials, error) {
	return DeviceMQTTCredentialsAt(time.Now(), id, expiry, websocket)
}

// DeviceMQTTCredentialsAt is DeviceMQTTCredentials with the expiry checks
// made against now instead of the system clock.
func DeviceMQTTCredentialsAt(now time.Time, id DeviceIdentity, expiry time.Time, websocket bool) (MQTTCredentials, error) {
	if err := checkIdentity(id); err != nil {
		return MQTTCredentials{}, err
	}
	c := MQTTCredentials{
		Host:      id.Host,
		Port:      transportPort(websocket),
		WebSocket: websocket,
		ClientID:  id.DeviceID,
		Username:  MQTTUsername(id.Host, id.DeviceID, id.ModuleID),
	}
	resource := DeviceResource(id.Host, id.DeviceID)
	if id.ModuleID != "" {
		c.ClientID += "/" + id.ModuleID
		resource = ModuleResource(id.Host, id.DeviceID, id.ModuleID)
	}
	switch {
	case id.Key != "":
		if err := CheckExpiry(expiry, now); err != nil {
			return MQTTCredentials{}, err
		}
		token, err := NewSASToken(resource, id.Key, "", expiry)
		if err != nil {
			return MQTTCredentials{}, err
		}
		c.Password, c.ExpiresAt = token, time.Unix(expiry.Unix(), 0).UTC()
	case id.Token != "":
		t, err := ParseSASToken(id.Token)
		if err != nil {
			return MQTTCredentials{}, err
		}
		if !resourceCovers(t.Resource, resource) {
			return MQTTCredentials{}, fieldErr("SharedAccessSignature", ReasonOtherResource)
		}
		if t.ExpiredAt(now) {
			return MQTTCredentials{}, fieldErr("SharedAccessSignature", ReasonExpired)
		}
		c.Password, c.ExpiresAt = t.Encode(), t.Expiry
	default:
		return MQTTCredentials{}, fieldErr("SharedAccessKey", ReasonMissing)
	}
	return c, nil
}

func checkIdentity(id DeviceIdentity) error {
	if err := ValidateHostName("HostName", id.Host); err != nil {
		return err
	}
	if err := ValidateDeviceID("DeviceId", id.DeviceID); err != nil {
		return err
	}
	if id.ModuleID != "" {
		return ValidateDeviceID("ModuleId", id.ModuleID)
	}
	return nil
}

// resourceCovers reports whether a token for granted opens want. The hub
// treats sr as a path prefix; the host part is a DNS name and so compares
// without case, the ids keep theirs.
func resourceCovers(granted, want string) bool {
	gHost, gPath, _ := strings.Cut(strings.TrimSuffix(granted, "/"), "/")
	wHost, wPath, _ := strings.Cut(want, "/")
	if !strings.EqualFold(gHost, wHost) {
		return false
	}
	return gPath == "" || gPath == wPath || strings.HasPrefix(wPath, gPath+"/")
}

// DPSMQTTCredentials makes the credentials a device registers with at DPS,
// signed with its own key (individual enrollment, or one derived from a
// group key).
func DPSMQTTCredentials(idScope, registrationID, deviceKey string, expiry time.Time, websocket bool) (MQTTCredentials, error) {
	return DPSMQTTCredentialsAt(time.Now(), idScope, registrationID, deviceKey, expiry, websocket)
}

// DPSMQTTCredentialsAt is DPSMQTTCredentials with the expiry checked
// against now instead of the system clock.
func DPSMQTTCredentialsAt(now time.Time, idScope, registrationID, deviceKey string, expiry time.Time, websocket bool) (MQTTCredentials, error) {
	idScope = strings.TrimSpace(idScope)
	if err := validateID("ID scope", idScope, ""); err != nil {
		return MQTTCredentials{}, err
	}
	if err := ValidateRegistrationID(registrationID); err != nil {
		return MQTTCredentials{}, err
	}
	raw, err := DecodeKey("device key", deviceKey)
	if err != nil {
		return MQTTCredentials{}, err
	}
	if err := CheckExpiry(expiry, now); err != nil {
		return MQTTCredentials{}, err
	}
	token, err := newSASToken(DPSResource(idScope, registrationID), raw, dpsKeyName, expiry)
	if err != nil {
		return MQTTCredentials{}, err
	}
	return MQTTCredentials{
		Host:           DPSGlobalHost,
		Port:           transportPort(websocket),
		WebSocket:      websocket,
		ClientID:       registrationID,
		Username:       DPSUsername(idScope, registrationID),
		Password:       token,
		ExpiresAt:      time.Unix(expiry.Unix(), 0).UTC(),
		IDScope:        idScope,
		RegistrationID: registrationID,
	}, nil
}

// DPSGroupCredentials derives the device key from an enrollment-group key
// and makes the DPS credentials with it; DerivedKey holds the derived key,
// which is what goes onto the module.
func DPSGroupCredentials(idScope, registrationID, groupKey string, expiry time.Time, websocket bool) (MQTTCredentials, error) {
	return DPSGroupCredentialsAt(time.Now(), idScope, registrationID, groupKey, expiry, websocket)
}

// DPSGroupCredentialsAt is DPSGroupCredentials with the expiry checked
// against now instead of the system clock.
func DPSGroupCredentialsAt(now time.Time, idScope, registrationID, groupKey string, expiry time.Time, websocket bool) (MQTTCredentials, error) {
	derived, err := DeriveDeviceKey(groupKey, registrationID)
	if err != nil {
		return MQTTCredentials{}, err
	}
	c, err := DPSMQTTCredentialsAt(now, idScope, registrationID, derived, expiry, websocket)
	if err != nil {
		return MQTTCredentials{}, err
	}
	c.DerivedKey = derived
	return c, nil
}
