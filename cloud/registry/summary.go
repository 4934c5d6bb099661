package registry

// DeviceSummary is one device at a glance: the registry's own fields and
// what the module program reports about the module under the reported
// property "qpyhub" (firmware, imei, model, iccid, heartbeat; appVersion
// and ota once the program reports them). Unknown values are empty.
type DeviceSummary struct {
	DeviceID         string `json:"deviceId"`
	Status           string `json:"status"`
	ConnectionState  string `json:"connectionState"`
	LastActivityTime string `json:"lastActivityTime"`
	Model            string `json:"model"`
	IMEI             string `json:"imei"`
	ICCID            string `json:"iccid"`
	Firmware         string `json:"firmware"`
	AppVersion       string `json:"appVersion"`
	Heartbeat        *int   `json:"heartbeat"` // seconds between heartbeats
	OTA              any    `json:"ota"`       // the update state as reported
}

// ModuleKey is the reported (and desired) property the module program
// keeps its own values under.
const ModuleKey = "qpyhub"

// neverActive is how IoT Hub writes "no activity yet".
const neverActive = "0001-01-01T00:00:00Z"

// Summary reads a twin into a DeviceSummary. The heartbeat is the one the
// module reports, else the one asked for in the desired properties.
func Summary(tw Twin) DeviceSummary {
	s := DeviceSummary{DeviceID: tw.DeviceID, Status: tw.Status, ConnectionState: tw.ConnectionState, LastActivityTime: tw.LastActivityTime}
	if s.LastActivityTime == neverActive {
		s.LastActivityTime = ""
	}
	reported, _ := tw.Properties.Reported[ModuleKey].(map[string]any)
	desired, _ := tw.Properties.Desired[ModuleKey].(map[string]any)
	text := func(key string) string {
		v, _ := reported[key].(string)
		return v
	}
	s.Model, s.IMEI, s.ICCID, s.Firmware = text("model"), text("imei"), text("iccid"), text("firmware")
	s.AppVersion = text("appVersion")
	s.OTA = reported["ota"]
	for _, m := range []map[string]any{reported, desired} {
		if n, ok := m["heartbeat"].(float64); ok && s.Heartbeat == nil {
			v := int(n)
			s.Heartbeat = &v
		}
	}
	return s
}
