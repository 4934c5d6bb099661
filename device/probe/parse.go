package probe

import (
	"encoding/json"
	"strings"
)

// The script prints its JSON document between these two markers.
const (
	markBegin = "QPYHUB<"
	markEnd   = ">QPYHUB"
)

// raw is the script's document: each value is what the call returned (a
// string, a list, -1) or {"error": "..."} when it raised.
type raw map[string]json.RawMessage

// Parse reads the probe script's output (the REPL's stdout) into a Report
// with its verdict. It never panics on bad input.
func Parse(output string) (Report, error) {
	doc, err := extract(output)
	if err != nil {
		return Report{}, err
	}
	r, format, err := readDoc(doc)
	if err != nil || r == nil {
		return Report{}, &Error{Code: CodeMalformed, Message: "The module's answer is not readable",
			NextStep: "Run the check again; if it keeps failing, restart the module", Err: err}
	}
	if v, ok := asInt(r["v"]); !ok || v != format {
		return Report{}, &Error{Code: CodeMalformed, Message: "The module's answer has an unknown format",
			NextStep: "Update qpyhub", Detail: string(r["v"])}
	}
	rep := Report{
		Model:    asString(r["model"]),
		IMEI:     asString(r["imei"]),
		Firmware: asString(r["firmware"]),
		SN:       asString(r["sn"]),
		Uname:    parseUname(r["uname"]),
		SIM:      parseSIM(r),
		Signal:   parseSignal(r["csq"], r["signal"]),
		Network:  parseNetwork(r),
		DataCall: parseDataCalls(r["data"]),
		Missing:  asStrings(r["missing"]),
	}
	rep.Network.RATName = RATName(rep.Network.RAT, rep.Model)
	rep.Problems = Verdict(rep)
	rep.Ready = ready(rep.Problems)
	return rep, nil
}

// extract returns the text between the last begin marker and the end
// marker after it.
func extract(output string) (string, error) {
	i := strings.LastIndex(output, markBegin)
	if i < 0 {
		return "", &Error{Code: CodeNoResult, Message: "The module did not return the check's result",
			NextStep: "Check that the port is the module's REPL port and that no program is running on it"}
	}
	rest := output[i+len(markBegin):]
	j := strings.Index(rest, markEnd)
	if j < 0 {
		return "", &Error{Code: CodeMalformed, Message: "The module's answer was cut short",
			NextStep: "Run the check again; if it keeps failing, restart the module"}
	}
	return strings.TrimSpace(rest[:j]), nil
}

// v2Keys names the items of the script's list (format 2), in order, with
// the keys of format 1's object.
var v2Keys = []string{"v", "missing", "uname", "model", "imei", "firmware", "sn",
	"sim_status", "iccid", "imsi", "phone", "csq", "state", "operator", "signal", "config", "data"}

// readDoc reads the document: an object (format 1), or a list (format 2)
// whose items are named by v2Keys. It answers the format the shape
// stands for, which the document's "v" must repeat.
func readDoc(doc string) (raw, int, error) {
	if !strings.HasPrefix(doc, "[") {
		var r raw
		err := json.Unmarshal([]byte(doc), &r)
		return r, 1, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(doc), &items); err != nil {
		return nil, 2, err
	}
	r := raw{}
	for i, it := range items[:min(len(items), len(v2Keys))] {
		r[v2Keys[i]] = it
	}
	return r, 2, nil
}

// unameNames are uos.uname()'s fields, for firmware that answers bare
// values rather than "name=value" strings.
var unameNames = []string{"sysname", "nodename", "release", "version", "machine"}

func parseUname(m json.RawMessage) map[string]string {
	items := asStrings(m)
	if len(items) == 0 {
		return nil
	}
	out := make(map[string]string, len(items))
	for i, it := range items {
		k, v, ok := strings.Cut(it, "=")
		if !ok && i < len(unameNames) {
			k, v, ok = unameNames[i], it, true
		}
		if ok && k != "" {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

func parseSIM(r raw) SIM {
	status, ok := asInt(r["sim_status"])
	if !ok {
		status = -1
	}
	meaning, advice := SIMStatusText(status)
	return SIM{
		Status:  status,
		Meaning: meaning,
		Advice:  advice,
		ICCID:   asString(r["iccid"]),
		IMSI:    asString(r["imsi"]),
		Phone:   asString(r["phone"]),
	}
}

func parseSignal(csqRaw, sigRaw json.RawMessage) Signal {
	csq, ok := asInt(csqRaw)
	if !ok {
		csq = -1
	}
	s := Signal{CSQ: csq, DBM: CSQToDBM(csq), Bars: CSQToBars(csq)}
	// getSignal() → ([rssi, ber, rscp, ecno], [rssi, rsrp, rsrq, cqi]).
	parts := asList(sigRaw)
	if len(parts) >= 2 {
		lte := asList(parts[1])
		s.RSSI = inRange(at(lte, 0), -140, -44)
		s.RSRP = inRange(at(lte, 1), -140, -44)
		s.RSRQ = inRange(at(lte, 2), -20, -3)
	}
	return s
}

func parseNetwork(r raw) Network {
	n := Network{DataState: -1, Mode: -1}
	// getState() → ([voice...], [data_state, lac, cid, rat, reject, psc]).
	if parts := asList(r["state"]); len(parts) >= 2 {
		data := asList(parts[1])
		if st, ok := asInt(at(data, 0)); ok {
			n.DataState = st
		}
		n.LAC, _ = asInt(at(data, 1))
		n.CellID, _ = asInt(at(data, 2))
		n.RAT, _ = asInt(at(data, 3))
		n.Reject, _ = asInt(at(data, 4))
	}
	n.State, n.Registered, n.Roaming = RegistrationText(n.DataState)
	// operatorName() → (long, short, mcc, mnc).
	if op := asList(r["operator"]); len(op) >= 1 {
		n.Operator = asString(op[0])
		if n.Operator == "" {
			n.Operator = asString(at(op, 1))
		}
		n.MCC = asString(at(op, 2))
		n.MNC = asString(at(op, 3))
	}
	if cfg := asList(r["config"]); len(cfg) >= 1 {
		if mode, ok := asInt(cfg[0]); ok {
			n.Mode = mode
		}
	}
	return n
}

// parseDataCalls reads the getInfo answers: the first is profile 1, the
// rest are other active profiles.
func parseDataCalls(m json.RawMessage) DataCall {
	infos := asList(m)
	if len(infos) == 0 {
		return DataCall{Profile: -1}
	}
	first := parseInfo(infos[0])
	for _, it := range infos[1:] {
		if dc := parseInfo(it); dc.Active {
			first.Others = append(first.Others, dc)
		}
	}
	return first
}

// parseInfo reads one getInfo answer: (pid, ipType, [v4 or v6]) or
// (pid, 2, [v4], [v6]); an int (old firmware, failure) gives Profile -1.
func parseInfo(m json.RawMessage) DataCall {
	t := asList(m)
	pid, ok := asInt(at(t, 0))
	if !ok || len(t) < 3 {
		return DataCall{Profile: -1}
	}
	dc := DataCall{Profile: pid}
	ipType, _ := asInt(at(t, 1))
	v4, v6 := at(t, 2), at(t, 3)
	if ipType == 1 {
		v4, v6 = nil, at(t, 2)
	}
	dc.Active, dc.IP, dc.DNS = parseContext(v4, "0.0.0.0")
	dc.IPv6Active, dc.IPv6, dc.IPv6DNS = parseContext(v6, "::")
	return dc
}

// parseContext reads [state, reconnect, addr, dns1, dns2]; addresses equal
// to empty (the module's "none") are dropped.
func parseContext(m json.RawMessage, empty string) (bool, string, []string) {
	l := asList(m)
	state, _ := asInt(at(l, 0))
	addr := cleanAddr(asString(at(l, 2)), empty)
	var dns []string
	for _, d := range []json.RawMessage{at(l, 3), at(l, 4)} {
		if a := cleanAddr(asString(d), empty); a != "" {
			dns = append(dns, a)
		}
	}
	return state == 1 && addr != "", addr, dns
}

func cleanAddr(a, empty string) string {
	a = strings.TrimSpace(a)
	if a == empty {
		return ""
	}
	return a
}
