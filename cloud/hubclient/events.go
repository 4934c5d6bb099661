package hubclient

import (
	"encoding/base64"
	"encoding/json"
	"time"
	"unicode/utf8"
)

// Event is something the session reports: *C2DMessage, *DesiredPatch,
// *MethodCall or *ConnectionState. Each encodes to one flat JSON object
// whose "type" field is EventType(). No event ever carries a key or token.
type Event interface {
	EventType() string
}

// Event type names, as written in JSON.
const (
	TypeC2D        = "c2d"
	TypeTwin       = "twin"
	TypeMethod     = "method"
	TypeConnection = "connection"
)

// C2DMessage is a cloud-to-device message. Properties are the
// application's; System holds $.mid, $.cid and the other system properties.
type C2DMessage struct {
	Topic      string
	Properties PropertyBag
	System     SystemProperties
	Payload    []byte
	Received   time.Time
}

// DesiredPatch is a change of the twin's desired properties.
type DesiredPatch struct {
	Version  int
	Patch    json.RawMessage
	Received time.Time
}

// MethodCall is a direct-method request; answer it with
// Session.AnswerMethod(ctx, RID, …) before the caller's timeout.
type MethodCall struct {
	Name     string
	RID      string
	Payload  []byte
	Received time.Time
}

// State is where the connection stands.
type State string

// Connection states.
const (
	StateConnecting   State = "connecting"
	StateConnected    State = "connected"
	StateReconnecting State = "reconnecting"
	StateDisconnected State = "disconnected"
	StateExpired      State = "expired"
)

// ConnectionState reports a change of the connection (or, with State
// connected, a warning in Reason). Dropped counts events discarded so far
// because nobody read Events fast enough.
type ConnectionState struct {
	State          State
	Reason         string
	Addr           string
	Detail         string // the underlying error text, never a secret
	TokenExpiresAt time.Time
	Dropped        uint64
	Time           time.Time
}

func (*C2DMessage) EventType() string      { return TypeC2D }
func (*DesiredPatch) EventType() string    { return TypeTwin }
func (*MethodCall) EventType() string      { return TypeMethod }
func (*ConnectionState) EventType() string { return TypeConnection }

// MarshalJSON writes {"type":"c2d","topic":…,"properties":{…},"system":{…},"payload":…}.
func (m *C2DMessage) MarshalJSON() ([]byte, error) {
	p := renderPayload(m.Payload)
	return json.Marshal(struct {
		Type          string           `json:"type"`
		Topic         string           `json:"topic"`
		Properties    PropertyBag      `json:"properties"`
		System        SystemProperties `json:"system"`
		Payload       any              `json:"payload"`
		PayloadFormat string           `json:"payloadFormat"`
		Received      time.Time        `json:"received"`
	}{TypeC2D, m.Topic, m.Properties, m.System, p.value, p.format, m.Received})
}

// MarshalJSON writes {"type":"twin","version":n,"patch":{…}}.
func (d *DesiredPatch) MarshalJSON() ([]byte, error) {
	patch := d.Patch
	if !json.Valid(patch) {
		patch = json.RawMessage("null")
	}
	return json.Marshal(struct {
		Type     string          `json:"type"`
		Version  int             `json:"version"`
		Patch    json.RawMessage `json:"patch"`
		Received time.Time       `json:"received"`
	}{TypeTwin, d.Version, patch, d.Received})
}

// MarshalJSON writes {"type":"method","name":…,"rid":…,"payload":…}.
func (c *MethodCall) MarshalJSON() ([]byte, error) {
	p := renderPayload(c.Payload)
	return json.Marshal(struct {
		Type          string    `json:"type"`
		Name          string    `json:"name"`
		RID           string    `json:"rid"`
		Payload       any       `json:"payload"`
		PayloadFormat string    `json:"payloadFormat"`
		Received      time.Time `json:"received"`
	}{TypeMethod, c.Name, c.RID, p.value, p.format, c.Received})
}

// MarshalJSON writes {"type":"connection","state":…,"reason":…}.
func (s *ConnectionState) MarshalJSON() ([]byte, error) {
	var expires *time.Time
	if !s.TokenExpiresAt.IsZero() {
		expires = &s.TokenExpiresAt
	}
	return json.Marshal(struct {
		Type           string     `json:"type"`
		State          State      `json:"state"`
		Reason         string     `json:"reason,omitempty"`
		Addr           string     `json:"addr,omitempty"`
		Detail         string     `json:"detail,omitempty"`
		TokenExpiresAt *time.Time `json:"tokenExpiresAt,omitempty"`
		Dropped        uint64     `json:"dropped,omitempty"`
		Time           time.Time  `json:"time"`
	}{TypeConnection, s.State, s.Reason, s.Addr, s.Detail, expires, s.Dropped, s.Time})
}

// renderedPayload is a payload as JSON shows it best: itself when it is
// JSON, a string when it is UTF-8 text, base64 otherwise.
type renderedPayload struct {
	value  any
	format string // "json", "text" or "base64"
}

func renderPayload(b []byte) renderedPayload {
	switch {
	case len(b) > 0 && json.Valid(b):
		return renderedPayload{json.RawMessage(b), "json"}
	case utf8.Valid(b):
		return renderedPayload{string(b), "text"}
	}
	return renderedPayload{base64.StdEncoding.EncodeToString(b), "base64"}
}
