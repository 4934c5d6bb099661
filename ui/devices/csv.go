package devices

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"

	"qpyhub/cloud/registry"
)

// csvHeader names the export's columns, the JSON names of the fields.
var csvHeader = []string{"deviceId", "status", "connectionState", "lastActivityTime", "model", "imei", "iccid", "firmware", "appVersion", "heartbeat", "ota"}

// writeCSV writes one line per device under a header line.
func writeCSV(w io.Writer, items []registry.DeviceSummary) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	for _, s := range items {
		heartbeat, ota := "", ""
		if s.Heartbeat != nil {
			heartbeat = strconv.Itoa(*s.Heartbeat)
		}
		if s.OTA != nil {
			b, _ := json.Marshal(s.OTA)
			ota = string(b)
		}
		_ = cw.Write([]string{s.DeviceID, s.Status, s.ConnectionState, s.LastActivityTime, s.Model, s.IMEI, s.ICCID,
			s.Firmware, s.AppVersion, heartbeat, ota})
	}
	cw.Flush()
	return cw.Error()
}
