package provision

import (
	"testing"

	"qpyhub/device/moduleapp"
)

// The module's connection lines give the TLS field and, when
// unverified, the reason as the module wrote it.
func TestTLSOfStatusLines(t *testing.T) {
	tests := []struct {
		line, tls, reason string
	}{
		{"QPYHUB mqtt ok tls=verified", TLSVerified, ""},
		{"QPYHUB mqtt ok tls=unverified reason=ValueError MQTT Connect error='unexpected keyword argument 'ca'' FAIL",
			TLSUnverified, "ValueError MQTT Connect error='unexpected keyword argument 'ca'' FAIL"},
		{"QPYHUB mqtt ok tls=unverified", TLSUnverified, ""},
		{"QPYHUB dps info connected tls=verified registration=866327040000001", TLSVerified, ""},
		{"QPYHUB dps info connected tls=unverified reason=TypeError unexpected keyword argument 'ca' registration=r1",
			TLSUnverified, "TypeError unexpected keyword argument 'ca'"},
		{"QPYHUB mqtt ok", "", ""},
		{"QPYHUB mqtt ok tls=maybe", "", ""},
		{"QPYHUB mqtt fail reason=tls=verified is not a thing", "", ""},
		{"QPYHUB dps info waiting tls=verified", "", ""},
		{"QPYHUB twin ok tls=verified", "", ""},
	}
	for _, tc := range tests {
		st, ok := moduleapp.ParseStatusLine(tc.line)
		if !ok {
			t.Fatalf("%q is not a status line", tc.line)
		}
		tls, reason := tlsOf(st)
		if tls != tc.tls || reason != tc.reason {
			t.Errorf("%q: tls %q reason %q, want %q %q", tc.line, tls, reason, tc.tls, tc.reason)
		}
	}
}

// One unverified connection (DPS or the hub) makes the module's TLS
// unverified, whatever the other said.
func TestTakeTLSKeepsTheWeakest(t *testing.T) {
	for _, lines := range [][]string{
		{"QPYHUB dps info connected tls=unverified reason=no ca registration=r", "QPYHUB mqtt ok tls=verified"},
		{"QPYHUB dps info connected tls=verified registration=r", "QPYHUB mqtt ok tls=unverified reason=no ca"},
	} {
		m := &moduleRun{}
		for _, l := range lines {
			st, _ := moduleapp.ParseStatusLine(l)
			m.takeTLS(st)
		}
		if m.res.TLS != TLSUnverified || m.res.TLSReason != "no ca" {
			t.Errorf("%q: tls %q reason %q", lines, m.res.TLS, m.res.TLSReason)
		}
	}
}
