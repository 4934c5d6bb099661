package probe

import (
	"slices"
	"strconv"
	"strings"
)

// Problem codes, one per kind of finding.
const (
	ProblemNotQuecPython   = "not_quecpython"
	ProblemSIM             = "sim"
	ProblemRegistration    = "registration"
	ProblemRoaming         = "roaming"
	ProblemSignalUnknown   = "signal_unknown"
	ProblemSignalWeak      = "signal_weak"
	ProblemDataCallUnknown = "data_call_unknown"
	ProblemNoDataCall      = "no_data_call"
)

// weakCSQ is the CSQ below which a connection tends to drop.
const weakCSQ = 10

// Verdict lists what stands between the module and the cloud, in the order
// to fix it: module answered, SIM, registration, signal, data call. It
// stops at the first blocking step; the steps after it only follow from it.
func Verdict(r Report) []Problem {
	problems := []Problem{}
	if !answeredAsQuecPython(r) {
		return append(problems, Problem{Code: ProblemNotQuecPython,
			Message: "The board answered but has no QuecPython modules",
			Advice:  "Pick the module's REPL port, or flash QuecPython firmware",
			Detail:  "missing: " + strings.Join(r.Missing, ", ")})
	}
	if r.SIM.Status != 1 {
		return append(problems, Problem{Code: ProblemSIM, Message: r.SIM.Meaning, Advice: r.SIM.Advice,
			Detail: "sim.getStatus() = " + strconv.Itoa(r.SIM.Status)})
	}
	if p, ok := registrationProblem(r.Network); ok {
		problems = append(problems, p)
	}
	if p, ok := signalProblem(r.Signal); ok {
		problems = append(problems, p)
	}
	if !r.Network.Registered {
		return problems
	}
	if p, ok := dataCallProblem(r.DataCall); ok {
		problems = append(problems, p)
	}
	return problems
}

// answeredAsQuecPython is false when none of the QuecPython modules exist:
// a plain MicroPython board, or the wrong port.
func answeredAsQuecPython(r Report) bool {
	for _, m := range []string{"sim", "net", "dataCall", "modem"} {
		if !slices.Contains(r.Missing, m) {
			return true
		}
	}
	return false
}

func registrationProblem(n Network) (Problem, bool) {
	detail := "net.getState() data_state = " + strconv.Itoa(n.DataState)
	p := Problem{Code: ProblemRegistration, Detail: detail}
	switch n.DataState {
	case 1:
		return Problem{}, false
	case 5:
		return Problem{Code: ProblemRoaming, Message: "Registered while roaming",
			Advice: "Check that the SIM card's plan allows roaming; charges may apply",
			Detail: detail, Warning: true}, true
	case -1:
		p.Message, p.Advice = "Network registration could not be read", "Restart the module and run the check again"
	case 2:
		p.Message, p.Advice = "Still searching for a network", "Wait a minute; if it keeps searching, check the antenna and the coverage here"
	case 3:
		p.Message, p.Advice = "The network denied registration", "Ask the operator whether the SIM card is active, paid up and allowed on this network or device"
	case 0:
		p.Message, p.Advice = "Not registered on a network", "Check the antenna, and that the SIM card has a data plan"
	default:
		p.Message, p.Advice = "Not registered for data", "Restart the module; if it stays so, ask the operator about the SIM card"
	}
	return p, true
}

func signalProblem(s Signal) (Problem, bool) {
	detail := "net.csqQueryPoll() = " + strconv.Itoa(s.CSQ)
	switch {
	case s.CSQ < 0 || s.CSQ > 31:
		return Problem{Code: ProblemSignalUnknown, Message: "Signal strength is unknown",
			Advice: "Check that the antenna is connected", Detail: detail, Warning: true}, true
	case s.CSQ < weakCSQ:
		return Problem{Code: ProblemSignalWeak, Message: "The signal is weak",
			Advice: "Move the antenna or the device; a CSQ of 10 or more keeps a connection stable",
			Detail: detail, Warning: true}, true
	}
	return Problem{}, false
}

func dataCallProblem(d DataCall) (Problem, bool) {
	if d.Profile < 0 {
		return Problem{Code: ProblemDataCallUnknown, Message: "The data call could not be read",
			Advice: "Update the module's firmware, or run the check again"}, true
	}
	if !d.Active && !d.IPv6Active {
		return Problem{Code: ProblemNoDataCall, Message: "No data call: the module has no IP address",
			Advice: "Set the APN of this SIM card (dataCall.setPDPContext) and restart the module",
			Detail: "dataCall.getInfo(" + strconv.Itoa(d.Profile) + ") state = 0"}, true
	}
	return Problem{}, false
}

// ready is true when no problem blocks the connection.
func ready(problems []Problem) bool {
	for _, p := range problems {
		if !p.Warning {
			return false
		}
	}
	return true
}
