package moduleapp

import "strings"

// Stages of the program, in the order a healthy start prints them
// (dps only with DPS; heartbeat, c2d and method while online).
const (
	StageConfig    = "config"
	StageNetwork   = "network"
	StageTime      = "time"
	StageSAS       = "sas"
	StageDPS       = "dps"
	StageMQTT      = "mqtt"
	StageTwin      = "twin"
	StageOnline    = "online"
	StageHeartbeat = "heartbeat"
	StageC2D       = "c2d"
	StageMethod    = "method"
)

// States of a status line.
const (
	StateOK   = "ok"
	StateFail = "fail"
	StateInfo = "info"
)

const statusPrefix = "QPYHUB "

var stages = map[string]bool{
	StageConfig: true, StageNetwork: true, StageTime: true, StageSAS: true, StageDPS: true,
	StageMQTT: true, StageTwin: true, StageOnline: true, StageHeartbeat: true, StageC2D: true,
	StageMethod: true,
}

// StatusLine is one "QPYHUB <stage> <state> <detail>" line.
type StatusLine struct {
	Stage  string
	State  string
	Detail string            // everything after the state, as printed
	Fields map[string]string // name=value pairs of Detail; a value runs to the next name=
}

// ParseStatusLine reads one line of the module's output. It answers false
// for anything else the module prints (the REPL, tracebacks, other
// programs). Surrounding whitespace and a CR are ignored.
func ParseStatusLine(line string) (StatusLine, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), statusPrefix)
	if !ok {
		return StatusLine{}, false
	}
	stage, rest, _ := strings.Cut(rest, " ")
	state, detail, _ := strings.Cut(rest, " ")
	if !stages[stage] || (state != StateOK && state != StateFail && state != StateInfo) {
		return StatusLine{}, false
	}
	detail = strings.TrimSpace(detail)
	return StatusLine{Stage: stage, State: state, Detail: detail, Fields: fields(detail)}, true
}

// fields splits "reason=not authorized (5) retry_in=4" into
// {reason: "not authorized (5)", retry_in: "4"}: words without a name=
// belong to the value before them, or to no field at the start.
func fields(detail string) map[string]string {
	out := map[string]string{}
	last := ""
	for _, word := range strings.Fields(detail) {
		name, value, ok := strings.Cut(word, "=")
		if ok && isFieldName(name) {
			out[name] = value
			last = name
			continue
		}
		if last != "" {
			out[last] += " " + word
		}
	}
	return out
}

func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
