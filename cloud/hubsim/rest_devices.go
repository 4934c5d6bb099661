package hubsim

import (
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// deviceJSON is a device identity as the registry API shows it.
type deviceJSON struct {
	DeviceID        string `json:"deviceId"`
	GenerationID    string `json:"generationId"`
	ETag            string `json:"etag"`
	Status          string `json:"status"`
	ConnectionState string `json:"connectionState"`
	Authentication  struct {
		Type         string `json:"type"`
		SymmetricKey struct {
			PrimaryKey   string `json:"primaryKey"`
			SecondaryKey string `json:"secondaryKey"`
		} `json:"symmetricKey"`
	} `json:"authentication"`
	Capabilities struct {
		IoTEdge bool `json:"iotEdge"`
	} `json:"capabilities"`
}

func (s *Server) deviceView(rec DeviceRecord) deviceJSON {
	var d deviceJSON
	d.DeviceID, d.Status = rec.DeviceID, rec.Status
	d.GenerationID = "638000000000000000"
	h := fnv.New64a()
	h.Write([]byte(rec.PrimaryKey + "\n" + rec.SecondaryKey + "\n" + rec.Status))
	d.ETag = "\"" + strconv.FormatUint(h.Sum64(), 36) + "\""
	d.ConnectionState = "Disconnected"
	if s.Connected(rec.DeviceID) {
		d.ConnectionState = "Connected"
	}
	d.Authentication.Type = "sas"
	d.Authentication.SymmetricKey.PrimaryKey = rec.PrimaryKey
	d.Authentication.SymmetricKey.SecondaryKey = rec.SecondaryKey
	return d
}

// restPutDevice creates a device (200, as IoT Hub answers) or, with
// If-Match, updates one; creating an existing id is 409.
func (s *Server) restPutDevice(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var body deviceJSON
	if err := readJSON(r, &body); err != nil {
		return err
	}
	if body.DeviceID != "" && body.DeviceID != id {
		return errBadRequest("deviceId in the body differs from the one in the path")
	}
	if t := body.Authentication.Type; t != "" && !strings.EqualFold(t, "sas") {
		return errBadRequest("the local hub supports only authentication type \"sas\"")
	}
	rec := DeviceRecord{
		DeviceID:     id,
		PrimaryKey:   body.Authentication.SymmetricKey.PrimaryKey,
		SecondaryKey: body.Authentication.SymmetricKey.SecondaryKey,
		Status:       body.Status,
	}
	if _, exists := s.reg.device(id); exists && r.Header.Get("If-Match") == "" {
		return errDeviceExists(id)
	}
	rec, err := s.PutDevice(rec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.deviceView(rec))
	return nil
}

func (s *Server) restGetDevice(w http.ResponseWriter, r *http.Request) error {
	rec, ok := s.reg.device(r.PathValue("id"))
	if !ok {
		return errDeviceNotFound(r.PathValue("id"))
	}
	writeJSON(w, http.StatusOK, s.deviceView(rec))
	return nil
}

// restDeleteDevice needs If-Match ("*" or the etag), as IoT Hub does.
func (s *Server) restDeleteDevice(w http.ResponseWriter, r *http.Request) error {
	if r.Header.Get("If-Match") == "" {
		return errPreconditionFailed(`deleting a device needs an If-Match header; send If-Match: "*"`)
	}
	if err := s.DeleteDevice(r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// restSendC2D sends the body as a C2D message; iothub-* headers carry its
// system and application properties.
func (s *Server) restSendC2D(w http.ResponseWriter, r *http.Request) error {
	payload, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	msg := C2DMessage{
		Payload:         payload,
		Properties:      map[string]string{},
		MessageID:       r.Header.Get("iothub-messageid"),
		CorrelationID:   r.Header.Get("iothub-correlationid"),
		UserID:          r.Header.Get("iothub-userid"),
		To:              r.Header.Get("iothub-to"),
		ContentType:     r.Header.Get("Content-Type"),
		ContentEncoding: r.Header.Get("Content-Encoding"),
	}
	if exp := r.Header.Get("iothub-expiry"); exp != "" {
		t, err := time.Parse(time.RFC3339, exp)
		if err != nil {
			return errBadRequest("iothub-expiry must be an RFC 3339 time such as 2030-01-02T15:04:05Z")
		}
		msg.Expiry = t
	}
	for name, values := range r.Header {
		if app, ok := cutPrefixFold(name, "iothub-app-"); ok && len(values) > 0 {
			msg.Properties[strings.ToLower(app)] = values[0]
		}
	}
	if err := s.SendC2D(r.PathValue("id"), msg); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// restTelemetry lists kept telemetry, a stand-in for reading the Event
// Hubs-compatible endpoint: ?since=RFC3339 filters by arrival.
func (s *Server) restTelemetry(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, ok := s.reg.device(id); !ok {
		return errDeviceNotFound(id)
	}
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return errBadRequest("since must be an RFC 3339 time such as 2030-01-02T15:04:05Z")
		}
		since = t
	}
	msgs := s.Telemetry(id, since)
	if msgs == nil {
		msgs = []TelemetryMessage{}
	}
	writeJSON(w, http.StatusOK, msgs)
	return nil
}

// cutPrefixFold is strings.CutPrefix without case: header names arrive
// canonicalised ("Iothub-App-Color").
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}
