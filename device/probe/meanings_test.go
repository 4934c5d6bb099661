package probe

import "testing"

func TestCSQ(t *testing.T) {
	tests := []struct{ csq, dbm, bars int }{
		{0, -113, 0}, {1, -111, 0}, {2, -109, 1}, {9, -95, 1}, {10, -93, 2},
		{15, -83, 3}, {20, -73, 4}, {31, -51, 4}, {99, 0, 0}, {-1, 0, 0}, {32, 0, 0},
	}
	for _, tc := range tests {
		if got := CSQToDBM(tc.csq); got != tc.dbm {
			t.Errorf("CSQToDBM(%d) = %d, want %d", tc.csq, got, tc.dbm)
		}
		if got := CSQToBars(tc.csq); got != tc.bars {
			t.Errorf("CSQToBars(%d) = %d, want %d", tc.csq, got, tc.bars)
		}
	}
}

func TestSIMStatusText(t *testing.T) {
	tests := []struct {
		status  int
		meaning string
		advice  bool
	}{
		{0, "No SIM card", true},
		{1, "SIM card ready", false},
		{2, "SIM card asks for its PIN", true},
		{3, "SIM card asks for its PUK", true},
		{9, "SIM card is locked by a code", true},
		{20, "SIM card is invalid", true},
		{-1, "SIM status could not be read", true},
		{77, "SIM card reports an unexpected state", true},
	}
	for _, tc := range tests {
		m, a := SIMStatusText(tc.status)
		if m != tc.meaning || (a != "") != tc.advice {
			t.Errorf("SIMStatusText(%d) = %q, %q", tc.status, m, a)
		}
	}
}

func TestRegistrationAndRAT(t *testing.T) {
	regs := []struct {
		state               int
		name                string
		registered, roaming bool
	}{
		{0, "not registered", false, false}, {1, "registered", true, false}, {2, "searching", false, false},
		{3, "denied", false, false}, {5, "roaming", true, true}, {-1, "unknown", false, false}, {4, "unknown", false, false},
	}
	for _, tc := range regs {
		n, reg, roam := RegistrationText(tc.state)
		if n != tc.name || reg != tc.registered || roam != tc.roaming {
			t.Errorf("RegistrationText(%d) = %q %v %v", tc.state, n, reg, roam)
		}
	}
	rats := []struct {
		rat   int
		model string
		name  string
	}{
		{7, "EC600N", "LTE"}, {0, "EC600U", "GSM"}, {9, "EC200A", "LTE CA"},
		{10, "BG95-M3", "NB-IoT"}, {11, "BG95", "LTE-M"}, {10, "EC600N", "unknown"}, {-1, "", "unknown"},
	}
	for _, tc := range rats {
		if got := RATName(tc.rat, tc.model); got != tc.name {
			t.Errorf("RATName(%d, %q) = %q, want %q", tc.rat, tc.model, got, tc.name)
		}
	}
}
