//go:build linux

package moduleapp

import (
	"fmt"
	"strings"
	"testing"
)

// Firmware whose ussl takes no CA refuses it in connect(): bare, or
// wrapped by umqtt in whatever words the build has. The program falls
// back to an unchecked connection only then, says so, and does not try
// the CA again.
func TestCAFallback(t *testing.T) {
	t.Parallel()
	for _, refusal := range []string{"named", "terse", "parser", "bare"} {
		r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "reject_ca": refusal, "connect": []any{nil, "oserror", nil}}, 4)
		r.wantOrder(t, "mqtt ok", "online ok")
		ok := r.find("mqtt", "ok")[0]
		if ok.Fields["tls"] != "unverified" || ok.Fields["reason"] != "firmware ussl takes no CA" {
			t.Errorf("%s: %q, want tls=unverified reason=firmware ussl takes no CA:\n%s", refusal, ok.Detail, r.lines())
		}
		if len(r.rec.Connects) < 3 {
			t.Fatalf("%s: connects %+v", refusal, r.rec.Connects)
		}
		if r.rec.Connects[0].SSLParams["ca"] != testCA {
			t.Errorf("%s: first attempt without the CA: %v", refusal, r.rec.Connects[0].SSLParams)
		}
		var without []map[string]string
		for _, c := range r.rec.Connects {
			if _, has := c.SSLParams["ca"]; !has {
				without = append(without, c.SSLParams)
			}
		}
		// Once refused, the CA is not offered again: every later attempt
		// (the one after the "oserror" too) goes without it, with SNI.
		if n := len(r.rec.Connects) - len(without); n > 2 {
			t.Errorf("%s: %d attempts with the CA, want at most 2", refusal, n)
		}
		for _, p := range without {
			if len(p) != 1 || p["server_hostname"] != testHost {
				t.Errorf("%s: fallback ssl_params %v, want only server_hostname", refusal, p)
			}
		}
	}
}

// Newer umqtt passes server_hostname to wrap_socket itself; given it a
// second time in ssl_params the firmware refuses the call. The program
// then leaves the name to umqtt and still checks the server.
func TestServerHostnameLeftToUmqtt(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "reject_sni": true}, 2)
	if ok := r.find("mqtt", "ok"); len(ok) != 1 || ok[0].Detail != "tls=verified" {
		t.Fatalf("want mqtt ok tls=verified:\n%s", r.lines())
	}
	last := r.rec.Connects[len(r.rec.Connects)-1].SSLParams
	if len(last) != 1 || last["ca"] != testCA {
		t.Errorf("ssl_params %v, want the CA alone", last)
	}
}

func TestWithoutCAIsUnverified(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(func(c *Config) { c.CA = "" }), map[string]any{"net": [][]int{{3, 1}}}, 1)
	if ok := r.find("mqtt", "ok"); len(ok) != 1 || ok[0].Detail != "tls=unverified reason=no CA in the config" {
		t.Fatalf("want mqtt ok tls=unverified reason=no CA in the config:\n%s", r.lines())
	}
	if _, has := r.rec.Connects[0].SSLParams["ca"]; has {
		t.Errorf("ssl_params %v", r.rec.Connects[0].SSLParams)
	}
}

// A server the CA does not cover is refused, with a reason that names the
// certificate; the program never falls back to an unchecked connection
// for it.
func TestCertificateNotTrusted(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "connect": []any{"cert", "cert", nil}}, 8)
	fails := r.find("mqtt", "fail")
	if len(fails) != 2 || !strings.Contains(fails[0].Fields["reason"], "certificate") || !strings.Contains(fails[0].Fields["reason"], "-9984") {
		t.Fatalf("want two mqtt fail lines naming the certificate:\n%s", r.lines())
	}
	for i, c := range r.rec.Connects {
		if c.SSLParams["ca"] != testCA {
			t.Errorf("attempt %d without the CA: %v", i, c.SSLParams)
		}
	}
	if ok := r.find("mqtt", "ok"); len(ok) != 1 || ok[0].Detail != "tls=verified" {
		t.Errorf("the third attempt must come online verified:\n%s", r.lines())
	}
}

// Every connection failure umqtt reports gets a short reason.
func TestConnectFailureReasons(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "connect": []any{"auth4", "reset", "oserror", nil}}, 8)
	var got []string
	for _, f := range r.find("mqtt", "fail") {
		got = append(got, f.Fields["reason"])
	}
	want := []string{"bad user name or password (4)", "connection reset by the server (104)", "host unreachable (113)"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reasons %q, want %q", got, want)
	}
}

// When the hub closes the connection, get_mqttsta() says so: the program
// notices in its next loop and reconnects after its first backoff,
// without publishing into the dead connection.
func TestNoticesTheServerClosing(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "drops": []any{15}}, 30)
	r.wantOrder(t, "online ok", "heartbeat ok", "heartbeat ok", "mqtt fail", "mqtt info", "mqtt ok", "online ok", "heartbeat ok")
	if why := r.find("mqtt", "fail")[0].Fields["reason"]; why != "connection closed by the server" {
		t.Errorf("reason %q", why)
	}
	if len(r.rec.Connects) != 2 || r.rec.Connects[1].T > 15+1+2 {
		t.Errorf("connects %+v: the second must come within a loop and a backoff of the drop at 15 s", r.rec.Connects)
	}
	if len(r.rec.Lost) != 0 {
		t.Errorf("published into the closed connection: %+v", r.rec.Lost)
	}
}

// A connection that goes silent (no FIN, get_mqttsta() still 0) is found
// by the keepalive pings: one unanswered by the next turn, half a
// keepalive later, means offline, so it is noticed within one keepalive.
func TestNoticesASilentConnection(t *testing.T) {
	t.Parallel()
	cfg := keyConfig(func(c *Config) { c.Keepalive = 30; c.Heartbeat = 1000 })
	r := runProgram(t, cfg, map[string]any{"net": [][]int{{3, 1}}, "silences": []any{20}}, 60)
	r.wantOrder(t, "online ok", "mqtt fail", "mqtt info", "mqtt ok", "online ok")
	if why := r.find("mqtt", "fail")[0].Fields["reason"]; why != "no answer to a keepalive ping" {
		t.Errorf("reason %q", why)
	}
	if len(r.rec.Connects) < 2 || r.rec.Connects[1].T > 20+30+2 {
		t.Errorf("connects %+v: the second must come within a keepalive and a backoff of the silence at 20 s", r.rec.Connects)
	}
	if c := r.rec.Connects[0]; c.Keepalive != 30 {
		t.Errorf("MQTT keepalive %d, want the config's 30", c.Keepalive)
	}
	if r.rec.Pings < 2 {
		t.Errorf("%d pings", r.rec.Pings)
	}
}

// The backoff doubles from 2 s but never waits longer than a keepalive,
// so a hub that comes back is found within two keepalive intervals.
func TestBackoffStopsAtTheKeepalive(t *testing.T) {
	t.Parallel()
	cfg := keyConfig(func(c *Config) { c.Keepalive = 30 })
	fails := []any{"oserror", "oserror", "oserror", "oserror", "oserror", "oserror", nil}
	r := runProgram(t, cfg, map[string]any{"net": [][]int{{3, 1}}, "connect": fails}, 7)
	if got := fmt.Sprint(r.rec.Sleeps[:6]); got != "[2 4 8 16 30 30]" {
		t.Errorf("waits %s, want [2 4 8 16 30 30]", got)
	}
}

// DPS says how its connection was checked as the hub connection does, and
// the firmware's refusal of the CA, learnt there, is not asked again.
func TestDPSConnectionSaysItsTLS(t *testing.T) {
	t.Parallel()
	cfg := keyConfig(func(c *Config) {
		c.DeviceID, c.Host = "", ""
		c.DPS = &DPS{IDScope: "0ne00ABCDEF", RegistrationID: "sn-007"}
	})
	dps := map[string]any{"hub": "assigned.azure-devices.net", "device": "sn-007", "registration_id": "sn-007"}
	r := runProgram(t, cfg, map[string]any{"net": [][]int{{3, 1}}, "dps": dps, "reject_ca": "terse"}, 8)
	info := r.find("dps", "info")
	if len(info) == 0 || info[0].Detail != "connected tls=unverified reason=firmware ussl takes no CA registration=sn-007" {
		t.Fatalf("dps info lines:\n%s", r.lines())
	}
	if ok := r.find("mqtt", "ok"); len(ok) != 1 || ok[0].Detail != "tls=unverified reason=firmware ussl takes no CA" {
		t.Fatalf("mqtt ok:\n%s", r.lines())
	}
	withCA := 0
	for _, c := range r.rec.Connects {
		if _, has := c.SSLParams["ca"]; has {
			withCA++
		}
	}
	if withCA != 2 {
		t.Errorf("%d attempts with the CA, want the 2 refused at DPS only", withCA)
	}
}
