package registry

import (
	"encoding/json"
	"testing"
)

func TestSummaryReadsWhatTheModuleReports(t *testing.T) {
	var tw Twin
	err := json.Unmarshal([]byte(`{"deviceId":"m1","status":"enabled","connectionState":"Connected",
		"lastActivityTime":"0001-01-01T00:00:00Z",
		"properties":{"desired":{"qpyhub":{"heartbeat":60}},
		"reported":{"qpyhub":{"model":"EC600N","imei":"861234","iccid":"8986","firmware":"V1.2","appVersion":"3.1","ota":{"state":"idle"}}}}}`), &tw)
	if err != nil {
		t.Fatal(err)
	}
	s := Summary(tw)
	if s.Model != "EC600N" || s.IMEI != "861234" || s.ICCID != "8986" || s.Firmware != "V1.2" || s.AppVersion != "3.1" {
		t.Errorf("module facts: %+v", s)
	}
	if s.Heartbeat == nil || *s.Heartbeat != 60 {
		t.Errorf("heartbeat %v, want the desired 60 while none is reported", s.Heartbeat)
	}
	if s.LastActivityTime != "" || s.ConnectionState != "Connected" {
		t.Errorf("registry fields: %+v", s)
	}
	if ota, _ := s.OTA.(map[string]any); ota["state"] != "idle" {
		t.Errorf("ota %v", s.OTA)
	}
	tw.Properties.Reported["qpyhub"].(map[string]any)["heartbeat"] = 30.0
	if s := Summary(tw); *s.Heartbeat != 30 {
		t.Errorf("heartbeat %d, want the reported 30", *s.Heartbeat)
	}
}
