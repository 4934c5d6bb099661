// Package probe is the module check: one script run over the REPL gathers
// what a QuecPython module knows about itself (identity, SIM, signal,
// registration, data call), and a verdict says whether it is ready for the
// cloud or what to fix first. It must never import Fyne nor the cloud packages.
package probe

import "encoding/json"

// Report is what the module said, read into plain values, with the verdict.
// Its JSON form is the `qpyhub probe --json` contract.
type Report struct {
	Model    string            `json:"model"`
	IMEI     string            `json:"imei"`
	Firmware string            `json:"firmware"`
	SN       string            `json:"sn"`
	Uname    map[string]string `json:"uname,omitempty"`
	SIM      SIM               `json:"sim"`
	Signal   Signal            `json:"signal"`
	Network  Network           `json:"network"`
	DataCall DataCall          `json:"dataCall"`
	// Missing names the QuecPython modules the firmware does not have.
	Missing []string `json:"missingModules,omitempty"`
	// Ready is true when nothing blocks a connection to the cloud.
	Ready bool `json:"ready"`
	// Problems are ordered: the first is the first thing to fix.
	Problems []Problem `json:"-"`
}

// SIM is the SIM card as sim.getStatus() and friends report it.
type SIM struct {
	Status  int    `json:"status"` // -1 when the query failed
	Meaning string `json:"meaning"`
	Advice  string `json:"advice,omitempty"`
	ICCID   string `json:"iccid"`
	IMSI    string `json:"imsi"`
	Phone   string `json:"phone,omitempty"`
}

// Signal is the radio signal. Values the module reports as unknown
// (99, 255) or could not read are zero, except CSQ, which keeps 99 or -1.
type Signal struct {
	CSQ  int `json:"csq"`
	DBM  int `json:"dbm"`  // -113 + 2·CSQ; 0 when unknown
	Bars int `json:"bars"` // 0–4
	RSSI int `json:"rssi,omitempty"`
	RSRP int `json:"rsrp,omitempty"`
	RSRQ int `json:"rsrq,omitempty"`
}

// Network is the packet-domain registration from net.getState().
type Network struct {
	DataState  int    `json:"dataState"` // -1 when the query failed
	State      string `json:"state"`     // registered, roaming, searching, denied, not registered, unknown
	Registered bool   `json:"registered"`
	Roaming    bool   `json:"roaming"`
	Operator   string `json:"operator"`
	MCC        string `json:"mcc,omitempty"`
	MNC        string `json:"mnc,omitempty"`
	RAT        int    `json:"rat"`
	RATName    string `json:"ratName"`
	LAC        int    `json:"lac,omitempty"`
	CellID     int    `json:"cellId,omitempty"`
	Reject     int    `json:"rejectCause,omitempty"`
	Mode       int    `json:"mode"` // net.getConfig() network mode; -1 unknown
}

// DataCall is one PDP context (profile) from dataCall.getInfo.
type DataCall struct {
	Profile    int        `json:"profile"`
	Active     bool       `json:"active"`
	IP         string     `json:"ip"`
	DNS        []string   `json:"dns"`
	IPv6Active bool       `json:"ipv6Active,omitempty"`
	IPv6       string     `json:"ipv6,omitempty"`
	IPv6DNS    []string   `json:"ipv6Dns,omitempty"`
	Others     []DataCall `json:"otherProfiles,omitempty"`
}

// Problem is one thing that stands between the module and the cloud.
// Message and Advice are constant English phrases (translation keys);
// Detail carries the raw value, e.g. "sim.getStatus() = 0".
type Problem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Advice  string `json:"advice"`
	Detail  string `json:"detail,omitempty"`
	// Warning problems do not stop the module from being ready.
	Warning bool `json:"warning,omitempty"`
}

// MarshalJSON writes the report with "problems" as an array of messages
// (the CLI contract) and the full problems under "problemDetails".
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	msgs := make([]string, 0, len(r.Problems))
	for _, p := range r.Problems {
		msgs = append(msgs, p.Message)
	}
	details := r.Problems
	if details == nil {
		details = []Problem{}
	}
	return json.Marshal(struct {
		plain
		Problems       []string  `json:"problems"`
		ProblemDetails []Problem `json:"problemDetails"`
	}{plain(r), msgs, details})
}
