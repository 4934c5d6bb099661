package probe

import "strings"

// SIMStatusText returns the meaning of a sim.getStatus() code
// (PROTOCOLS.md §6) and the advice for it (empty when the SIM is ready).
// Both are constant English phrases.
func SIMStatusText(status int) (meaning, advice string) {
	switch {
	case status == -1:
		return "SIM status could not be read", "Restart the module and run the check again"
	case status == 0:
		return "No SIM card", "Insert a SIM card and restart the module"
	case status == 1:
		return "SIM card ready", ""
	case status == 2:
		return "SIM card asks for its PIN", "Enter the PIN, or disable the PIN lock with a phone"
	case status == 3:
		return "SIM card asks for its PUK", "Unblock the SIM card with its PUK in a phone, or ask the operator"
	case status >= 4 && status <= 17:
		return "SIM card is locked by a code", "Unlock the SIM card (network or device lock) with its code, or ask the operator"
	case status == 18:
		return "SIM card is still starting", "Wait a few seconds and run the check again"
	case status == 19:
		return "SIM card is blocked", "Ask the operator to unblock or replace the SIM card"
	case status == 20:
		return "SIM card is invalid", "Replace the SIM card, or ask the operator whether it is activated"
	case status == 21:
		return "SIM card state is unknown", "Reseat the SIM card and restart the module"
	}
	return "SIM card reports an unexpected state", "Reseat the SIM card and restart the module"
}

// RegistrationText reads the data_state of net.getState(): its name and
// whether it counts as registered (home or roaming).
func RegistrationText(state int) (name string, registered, roaming bool) {
	switch state {
	case 1:
		return "registered", true, false
	case 5:
		return "roaming", true, true
	case 2:
		return "searching", false, false
	case 3:
		return "denied", false, false
	case 0:
		return "not registered", false, false
	}
	return "unknown", false, false
}

// RATName names the access technology code of net.getState() for a model.
func RATName(rat int, model string) string {
	names := []string{"GSM", "GSM Compact", "UMTS", "GSM EGPRS", "UMTS HSDPA",
		"UMTS HSUPA", "UMTS HSPA", "LTE", "UMTS HSPA+", "LTE CA"}
	if rat >= 0 && rat < len(names) {
		return names[rat]
	}
	// On CAT-M/NB-IoT parts codes 10 and 11 are NB-IoT and eMTC.
	for _, m := range []string{"BG95", "BG77", "BG600", "BC25"} {
		if strings.HasPrefix(strings.ToUpper(model), m) {
			switch rat {
			case 10:
				return "NB-IoT"
			case 11:
				return "LTE-M"
			}
		}
	}
	return "unknown"
}

// CSQToDBM converts a CSQ (0–31) to dBm; 0 when unknown (99, -1, out of range).
func CSQToDBM(csq int) int {
	if csq < 0 || csq > 31 {
		return 0
	}
	return -113 + 2*csq
}

// CSQToBars maps a CSQ to 0–4 bars: <2 none, 2–9 one, 10–14 two,
// 15–19 three, 20–31 four.
func CSQToBars(csq int) int {
	switch {
	case csq < 2 || csq > 31:
		return 0
	case csq < 10:
		return 1
	case csq < 15:
		return 2
	case csq < 20:
		return 3
	}
	return 4
}
