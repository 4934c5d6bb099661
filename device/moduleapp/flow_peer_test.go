//go:build linux

package moduleapp

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

const (
	testHost  = "myhub.azure-devices.net"
	testID    = "dev-01"
	testKey   = "QmFzZTY0IGtleSBvZiB0aGUgdGVzdCBkZXZpY2UsIDMyIGI="
	testStart = 1767225600 // 2026-01-01, the stand-in clock's start
	testCA    = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
)

func keyConfig(mod func(*Config)) []byte {
	c := Config{DeviceID: testID, Host: testHost, Auth: AuthKey, Key: testKey, CA: testCA, Heartbeat: 10}
	if mod != nil {
		mod(&c)
	}
	b, err := c.JSON()
	if err != nil {
		panic(err)
	}
	return b
}

// checkNoSecrets fails when a key or token shows in the module's output.
func checkNoSecrets(t *testing.T, r runResult, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(r.out, s) {
			t.Errorf("the module printed a secret (%.8s…):\n%s", s, r.out)
		}
	}
	for _, c := range r.rec.Connects {
		if sig := tokenFields(t, c.Password)["sig"]; strings.Contains(r.out, sig) {
			t.Errorf("the module printed the SAS signature:\n%s", r.out)
		}
	}
}

func TestOnlineFlow(t *testing.T) {
	t.Parallel()
	inbound := [][]string{
		{"devices/dev-01/messages/devicebound/%24.mid=m1&%24.to=%2Fdevices%2Fdev-01%2Fmessages%2Fdevicebound", "hello module"},
		{"$iothub/methods/POST/ping/?$rid=42", "{}"},
		{"$iothub/methods/POST/reboot/?$rid=43", "{}"},
		{"$iothub/twin/PATCH/properties/desired/?$version=5", `{"x":1,"$version":5}`},
	}
	r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "inbound": inbound}, 25)

	r.wantOrder(t, "config ok", "network ok", "time ok", "sas ok", "mqtt ok", "twin ok", "online ok", "heartbeat ok",
		"c2d info", "method ok", "method info", "twin info", "heartbeat ok", "heartbeat ok")
	if got := r.find("mqtt", "ok")[0].Fields["tls"]; got != "verified" {
		t.Errorf("tls = %q, want verified", got)
	}
	if got := r.find("online", "ok")[0].Fields["device"]; got != testID {
		t.Errorf("online device = %q", got)
	}
	if got := r.find("time", "ok")[0].Fields["unix"]; got != "1767225600" {
		t.Errorf("time unix = %q", got)
	}
	if c2d := r.find("c2d", "info"); len(c2d) != 1 || c2d[0].Detail != "hello module" {
		t.Errorf("c2d lines %+v", c2d)
	}

	if len(r.rec.Connects) != 1 {
		t.Fatalf("%d connects, want 1:\n%s", len(r.rec.Connects), r.lines())
	}
	c := r.rec.Connects[0]
	if c.ClientID != testID || c.Server != testHost || c.Port != 8883 || c.Keepalive != 240 || !c.SSL || c.Reconn || c.Clean {
		t.Errorf("connect %+v", c)
	}
	if c.User != testHost+"/"+testID+"/?api-version=2021-04-12" {
		t.Errorf("user %q", c.User)
	}
	if c.SSLParams["server_hostname"] != testHost || c.SSLParams["ca"] != testCA {
		t.Errorf("ssl_params %v", c.SSLParams)
	}
	checkSAS(t, c.Password, testKey, testHost+"/devices/"+testID, testStart+3600, "")

	subs := map[string]int{}
	for _, s := range r.rec.Subs {
		subs[s.Topic] = s.QoS
	}
	wantSubs := map[string]int{"devices/dev-01/messages/devicebound/#": 1, "$iothub/twin/res/#": 0,
		"$iothub/twin/PATCH/properties/desired/#": 0, "$iothub/methods/POST/#": 0}
	if len(subs) != len(wantSubs) {
		t.Errorf("subscriptions %v, want %v", subs, wantSubs)
	}
	for topic, qos := range wantSubs {
		if q, ok := subs[topic]; !ok || q != qos {
			t.Errorf("subscription %s qos %d (present %v), want qos %d", topic, q, ok, qos)
		}
	}

	pubs := map[string][]publish{}
	for _, p := range r.rec.Pubs {
		pubs[strings.SplitN(p.Topic, "?", 2)[0]] = append(pubs[strings.SplitN(p.Topic, "?", 2)[0]], p)
	}
	twin := pubs["$iothub/twin/PATCH/properties/reported/"]
	if len(twin) != 1 {
		t.Fatalf("twin patches %v", twin)
	}
	var reported struct {
		Q map[string]any `json:"qpyhub"`
	}
	if err := json.Unmarshal([]byte(twin[0].Msg), &reported); err != nil {
		t.Fatalf("reported %q: %v", twin[0].Msg, err)
	}
	want := map[string]any{"firmware": "EC600NCNLCR01A01M08_OCPU_QPY_V0001", "imei": "866327040000001",
		"iccid": "89860012345678901234", "model": "EC600N", "started": float64(testStart)}
	if len(reported.Q) != len(want) {
		t.Errorf("reported %v, want %v", reported.Q, want)
	}
	for k, v := range want {
		if reported.Q[k] != v {
			t.Errorf("reported %s = %v, want %v", k, reported.Q[k], v)
		}
	}

	beats := pubs["devices/dev-01/messages/events/$.ct=application%2Fjson&$.ce=utf-8"]
	if len(beats) != 3 {
		t.Fatalf("%d heartbeats, want 3 (at 0, 10, 20 s): %v", len(beats), r.rec.Pubs)
	}
	for i, b := range beats {
		var hb struct{ Heartbeat, Uptime int }
		if err := json.Unmarshal([]byte(b.Msg), &hb); err != nil || hb.Heartbeat != i+1 || hb.Uptime != 10*i {
			t.Errorf("heartbeat %d = %q (%v)", i, b.Msg, err)
		}
	}
	ping := pubs["$iothub/methods/res/200/"]
	if len(ping) != 1 || ping[0].Topic != "$iothub/methods/res/200/?$rid=42" || ping[0].Msg != `{"pong": true}` {
		t.Errorf("ping answer %v", ping)
	}
	if other := pubs["$iothub/methods/res/404/"]; len(other) != 1 || other[0].Topic != "$iothub/methods/res/404/?$rid=43" {
		t.Errorf("unknown method answer %v", other)
	}
	if len(r.rec.Sleeps) != 25 {
		t.Errorf("%d waits, want the 25 allowed", len(r.rec.Sleeps))
	}
	checkNoSecrets(t, r, testKey)
}

// The twin's desired qpyhub.heartbeat changes the interval, whether it
// was set while the module was offline (twin GET) or arrives later
// (desired PATCH); a value out of range is said and ignored, and a stale
// version (the GET's answer arriving after a newer PATCH) changes nothing.
func TestDesiredHeartbeat(t *testing.T) {
	t.Parallel()
	heartbeats := func(r runResult) (taken, reported []string, beats []int) {
		for _, st := range r.find("twin", "ok") {
			if v := st.Fields["heartbeat"]; v != "" {
				taken = append(taken, v)
			}
		}
		for _, p := range r.rec.Pubs {
			switch {
			case strings.HasPrefix(p.Topic, "$iothub/twin/PATCH/properties/reported/") && strings.Contains(p.Msg, `"heartbeat"`):
				reported = append(reported, p.Msg)
			case strings.HasPrefix(p.Topic, "devices/dev-01/messages/events/"):
				var hb struct{ Uptime int }
				if err := json.Unmarshal([]byte(p.Msg), &hb); err != nil {
					t.Fatal(err)
				}
				beats = append(beats, hb.Uptime)
			}
		}
		return taken, reported, beats
	}

	// Set while offline: the twin GET brings it.
	offline := map[string]any{"qpyhub": map[string]any{"heartbeat": 20}, "$version": 2}
	r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "twin_desired": offline}, 45)
	taken, reported, beats := heartbeats(r)
	if fmt.Sprint(taken) != "[20]" || len(reported) != 1 || reported[0] != `{"qpyhub": {"heartbeat": 20}}` {
		t.Errorf("from the twin: taken %v, reported %q\n%s", taken, reported, r.lines())
	}
	if fmt.Sprint(beats) != "[0 20 40]" {
		t.Errorf("heartbeats at %v s, want [0 20 40]", beats)
	}

	// Changed while online; the GET's older answer comes last.
	inbound := [][]string{
		{"$iothub/twin/PATCH/properties/desired/?$version=3", `{"qpyhub":{"heartbeat":2},"$version":3}`},
		{"$iothub/twin/PATCH/properties/desired/?$version=4", `{"qpyhub":{"heartbeat":15},"$version":4}`},
	}
	r = runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "inbound": inbound, "twin_desired": offline}, 50)
	if ignored := r.find("twin", "info"); len(ignored) != 3 || ignored[1].Fields["reason"] != "must be a whole number from 5 to 86400" {
		t.Errorf("twin info lines:\n%s", r.lines())
	}
	taken, reported, beats = heartbeats(r)
	if fmt.Sprint(taken) != "[15]" || len(reported) != 1 || reported[0] != `{"qpyhub": {"heartbeat": 15}}` {
		t.Errorf("from PATCHes: taken %v, reported %q; the stale twin answer must not win\n%s", taken, reported, r.lines())
	}
	if fmt.Sprint(beats) != "[0 15 30 45]" {
		t.Errorf("heartbeats at %v s, want [0 15 30 45]", beats)
	}
}

func TestNetworkNotReady(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{1, 0}, {2, 2}, {3, 1}}}, 6)
	r.wantOrder(t, "network fail", "network fail", "network ok", "mqtt ok", "online ok")
	fails := r.find("network", "fail")
	if fails[0].Fields["reason"] != "no SIM card" || fails[0].Fields["stage"] != "1" || fails[1].Fields["state"] != "2" {
		t.Errorf("network failures %+v", fails)
	}
	if r.rec.NetCalls != 3 || r.rec.Sleeps[0] != 10 || r.rec.Sleeps[1] != 10 {
		t.Errorf("net calls %d, sleeps %v", r.rec.NetCalls, r.rec.Sleeps)
	}
}

// With the peer's own checkNet stand-in and no SIM, the program keeps
// waiting and never connects.
func TestNoSIMNeverConnects(t *testing.T) {
	t.Parallel()
	r := runProgramOn(t, map[string]any{"sim_status": 0}, keyConfig(nil), map[string]any{}, 3)
	if n := len(r.find("network", "fail")); n != 4 || len(r.status) != 5 {
		t.Fatalf("want config ok and 4 network failures, got:\n%s", r.lines())
	}
	if len(r.rec.Connects) != 0 {
		t.Errorf("connected without a network: %+v", r.rec.Connects)
	}
}

func TestReconnectWithBackoff(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "connect": []any{"auth", "auth", "oserror", nil}}, 8)
	r.wantOrder(t, "sas ok", "mqtt fail", "mqtt info", "sas ok", "mqtt fail", "mqtt info", "sas ok", "mqtt fail", "mqtt info", "sas ok", "mqtt ok", "online ok")
	fails := r.find("mqtt", "fail")
	if fails[0].Detail != "reason=not authorized (5)" || fails[1].Fields["reason"] != "not authorized (5)" {
		t.Errorf("failures %+v", fails)
	}
	if fails[2].Fields["reason"] != "host unreachable (113)" {
		t.Errorf("socket failure %+v", fails[2])
	}
	wantWaits := []float64{2, 4, 8}
	for i, w := range wantWaits {
		if r.rec.Sleeps[i] != w {
			t.Fatalf("waits %v, want backoff %v first", r.rec.Sleeps, wantWaits)
		}
		if got := r.find("mqtt", "info")[i].Fields["retry_in"]; got != strconv.Itoa(int(w)) {
			t.Errorf("retry_in %q, want %v", got, w)
		}
	}
	// Each attempt signs a new token against the clock of that moment.
	se := int64(testStart)
	for i, c := range r.rec.Connects {
		checkSAS(t, c.Password, testKey, testHost+"/devices/"+testID, se+3600, "")
		if i < len(wantWaits) {
			se += int64(wantWaits[i])
		}
	}
	checkNoSecrets(t, r, testKey)
}

func TestDPSRegistration(t *testing.T) {
	t.Parallel()
	cfg := keyConfig(func(c *Config) {
		c.DeviceID, c.Host = "", ""
		c.DPS = &DPS{IDScope: "0ne00ABCDEF", RegistrationID: "sn-007"}
	})
	dps := map[string]any{"hub": "assigned.azure-devices.net", "device": "sn-007", "registration_id": "sn-007", "polls": 2}
	r := runProgram(t, cfg, map[string]any{"net": [][]int{{3, 1}}, "dps": dps}, 8)
	r.wantOrder(t, "config ok", "network ok", "time ok", "dps info", "dps ok", "sas ok", "mqtt ok", "twin ok", "online ok")
	ok := r.find("dps", "ok")[0]
	if ok.Detail != "hub=assigned.azure-devices.net device=sn-007" {
		t.Errorf("dps ok %q", ok.Detail)
	}
	if len(r.rec.Connects) != 2 {
		t.Fatalf("connects %+v", r.rec.Connects)
	}
	d, h := r.rec.Connects[0], r.rec.Connects[1]
	if d.ClientID != "sn-007" || d.Server != DefaultDPSHost || d.Port != 8883 || !d.Clean ||
		d.User != "0ne00ABCDEF/registrations/sn-007/api-version=2019-03-31" {
		t.Errorf("dps connect %+v", d)
	}
	checkSAS(t, d.Password, testKey, "0ne00ABCDEF/registrations/sn-007", testStart+3600, "registration")
	if h.Server != "assigned.azure-devices.net" || h.ClientID != "sn-007" ||
		h.User != "assigned.azure-devices.net/sn-007/?api-version=2021-04-12" {
		t.Errorf("hub connect %+v", h)
	}
	// 202 says retry after 3 s, the second 202 after 2 s.
	checkSAS(t, h.Password, testKey, "assigned.azure-devices.net/devices/sn-007", testStart+5+3600, "")
	var register, polls []publish
	for _, p := range r.rec.Pubs {
		switch {
		case strings.HasPrefix(p.Topic, "$dps/registrations/PUT/iotdps-register/?$rid="):
			register = append(register, p)
		case strings.HasPrefix(p.Topic, "$dps/registrations/GET/iotdps-get-operationstatus/?$rid="):
			polls = append(polls, p)
		}
	}
	if len(register) != 1 || register[0].Msg != `{"registrationId": "sn-007"}` {
		t.Errorf("register %v", register)
	}
	if len(polls) != 2 || !strings.HasSuffix(polls[0].Topic, "&operationId=op-1") {
		t.Errorf("polls %v", polls)
	}
	if r.rec.Sleeps[0] != 3 || r.rec.Sleeps[1] != 2 {
		t.Errorf("waits %v, want retry-after 3 then 2", r.rec.Sleeps)
	}
	if len(r.rec.Subs) == 0 || r.rec.Subs[0].Topic != "$dps/registrations/res/#" {
		t.Errorf("subscriptions %+v", r.rec.Subs)
	}
	checkNoSecrets(t, r, testKey)
}

// dpsConnects counts the connections made to the provisioning service.
func dpsConnects(r runResult) int {
	n := 0
	for _, c := range r.rec.Connects {
		if c.Server == DefaultDPSHost {
			n++
		}
	}
	return n
}

// A reboot uses the hub DPS assigned before instead of registering again.
func TestDPSAssignmentIsKeptForTheNextBoot(t *testing.T) {
	t.Parallel()
	cfg := keyConfig(func(c *Config) {
		c.DeviceID, c.Host = "", ""
		c.DPS = &DPS{IDScope: "0ne00ABCDEF", RegistrationID: "sn-007"}
	})
	dps := map[string]any{"hub": "assigned.azure-devices.net", "device": "sn-007", "registration_id": "sn-007"}
	boot := map[string]any{"net": [][]int{{3, 1}}, "dps": dps}
	runs := runBoots(t, cfg, []map[string]any{boot, boot}, 8)
	first, second := runs[0], runs[1]
	if dpsConnects(first) != 1 || len(first.find("online", "ok")) != 1 {
		t.Fatalf("first boot must register and come online:\n%s", first.lines())
	}
	second.wantOrder(t, "config ok", "network ok", "time ok", "dps ok", "sas ok", "mqtt ok", "twin ok", "online ok")
	if n := dpsConnects(second); n != 0 {
		t.Errorf("second boot contacted DPS %d times:\n%s", n, second.lines())
	}
	kept := second.find("dps", "ok")[0]
	if kept.Fields["hub"] != "assigned.azure-devices.net" || kept.Fields["device"] != "sn-007" || kept.Fields["kept"] != "1" {
		t.Errorf("kept assignment line %q", kept.Detail)
	}
	if h := second.rec.Connects[0]; h.Server != "assigned.azure-devices.net" || h.ClientID != "sn-007" {
		t.Errorf("second boot connected to %+v", h)
	}
	checkNoSecrets(t, second, testKey)

	// Another registration id (a new setup) does not take it over.
	other := keyConfig(func(c *Config) {
		c.DeviceID, c.Host = "", ""
		c.DPS = &DPS{IDScope: "0ne00ABCDEF", RegistrationID: "sn-008"}
	})
	dps8 := map[string]any{"hub": "assigned.azure-devices.net", "device": "sn-008", "registration_id": "sn-008"}
	r := runBoots(t, other, []map[string]any{{"net": [][]int{{3, 1}}, "dps": dps8}}, 8)[0]
	if dpsConnects(r) != 1 {
		t.Errorf("a fresh module must register:\n%s", r.lines())
	}
}

// When the hub refuses the kept assignment (the device was moved or made
// again), the program forgets it and registers again.
func TestKeptAssignmentRefusedRegistersAgain(t *testing.T) {
	t.Parallel()
	cfg := keyConfig(func(c *Config) {
		c.DeviceID, c.Host = "", ""
		c.DPS = &DPS{IDScope: "0ne00ABCDEF", RegistrationID: "sn-007"}
	})
	first := map[string]any{"net": [][]int{{3, 1}},
		"dps": map[string]any{"hub": "old.azure-devices.net", "device": "sn-007", "registration_id": "sn-007"}}
	second := map[string]any{"net": [][]int{{3, 1}}, "connect": []string{"auth"},
		"dps": map[string]any{"hub": "new.azure-devices.net", "device": "sn-007", "registration_id": "sn-007"}}
	third := map[string]any{"net": [][]int{{3, 1}}, "dps": map[string]any{"hub": "unused.azure-devices.net"}}
	runs := runBoots(t, cfg, []map[string]any{first, second, third}, 12)
	r := runs[1]
	r.wantOrder(t, "dps ok", "mqtt fail", "dps info", "dps info", "dps ok", "mqtt ok", "online ok")
	if len(r.rec.Connects) != 3 || r.rec.Connects[0].Server != "old.azure-devices.net" ||
		r.rec.Connects[1].Server != DefaultDPSHost || r.rec.Connects[2].Server != "new.azure-devices.net" {
		t.Fatalf("connects %+v\n%s", r.rec.Connects, r.lines())
	}
	// The new assignment is the one kept for the boot after.
	if c := runs[2].rec.Connects; len(c) == 0 || c[0].Server != "new.azure-devices.net" || dpsConnects(runs[2]) != 0 {
		t.Errorf("third boot connected to %+v\n%s", c, runs[2].lines())
	}
}

func TestDPSDisabled(t *testing.T) {
	t.Parallel()
	cfg := keyConfig(func(c *Config) { c.DPS = &DPS{IDScope: "0ne00ABCDEF", RegistrationID: "sn-007"} })
	dps := map[string]any{"status": "disabled"}
	r := runProgram(t, cfg, map[string]any{"net": [][]int{{3, 1}}, "dps": dps}, 3)
	fails := r.find("dps", "fail")
	if len(fails) == 0 || fails[0].Fields["status"] != "disabled" || fails[0].Fields["code"] != "400224" ||
		fails[0].Fields["reason"] != "enrollment disabled" {
		t.Fatalf("dps failures:\n%s", r.lines())
	}
	if len(r.find("mqtt", "ok")) != 0 || r.find("dps", "info")[1].Fields["retry_in"] != "2" {
		t.Errorf("after a refusal the program must retry DPS later:\n%s", r.lines())
	}
}

func TestTokenMode(t *testing.T) {
	t.Parallel()
	sr := url.QueryEscape(testHost + "/devices/" + testID)
	se := int64(testStart + 30) // runs out before the 60 s heartbeat
	token := "SharedAccessSignature sr=" + sr + "&sig=" + signature(t, testKey, sr, se) + "&se=1767225630"
	cfg := keyConfig(func(c *Config) { c.Auth, c.Key, c.Token, c.Heartbeat = AuthToken, "", token, 60 })
	r := runProgram(t, cfg, map[string]any{"net": [][]int{{3, 1}}}, 2)
	r.wantOrder(t, "sas ok", "sas info", "mqtt ok", "online ok")
	if got := r.find("sas", "ok")[0].Detail; got != "mode=token expires=1767225630" {
		t.Errorf("sas ok %q", got)
	}
	if got := r.find("sas", "info")[0].Fields["expires_in"]; got != "30" {
		t.Errorf("warning %+v", r.find("sas", "info"))
	}
	if len(r.find("sas", "fail")) != 0 {
		t.Errorf("a valid token was refused:\n%s", r.lines())
	}
	if r.rec.Connects[0].Password != token {
		t.Errorf("password is not the token as written")
	}
	checkNoSecrets(t, r, token, testKey)
}

func TestTokenForAnotherDevice(t *testing.T) {
	t.Parallel()
	sr := url.QueryEscape(testHost + "/devices/other")
	token := "SharedAccessSignature sr=" + sr + "&sig=" + signature(t, testKey, sr, testStart+7200) + "&se=1767232800"
	cfg := keyConfig(func(c *Config) { c.Auth, c.Key, c.Token = AuthToken, "", token })
	r := runProgram(t, cfg, map[string]any{"net": [][]int{{3, 1}}}, 1)
	if fails := r.find("sas", "fail"); len(fails) != 1 || fails[0].Fields["reason"] != "the token is for another resource" {
		t.Fatalf("sas failures:\n%s", r.lines())
	}
	if len(r.find("sas", "info")) != 0 {
		t.Errorf("warned about a token good for two hours:\n%s", r.lines())
	}
	checkNoSecrets(t, r, token)
}

// Firmware whose clock counts from 2000 still signs with Unix time.
func TestClockFrom2000(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "epoch2000": true}, 1)
	if got := r.find("time", "ok"); len(got) != 1 || got[0].Fields["unix"] != "1767225600" {
		t.Fatalf("time:\n%s", r.lines())
	}
	checkSAS(t, r.rec.Connects[0].Password, testKey, testHost+"/devices/"+testID, testStart+3600, "")
}

func TestClockNotSet(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(func(c *Config) { c.TimeOffset = -testStart + 1000 }), map[string]any{"net": [][]int{{3, 1}}}, 1)
	fail := r.find("time", "fail")
	if len(fail) != 1 || fail[0].Fields["unix"] != "1000" {
		t.Fatalf("time:\n%s", r.lines())
	}
	// It still tries: the hub is the judge, and the clock may come later.
	if len(r.rec.Connects) != 1 {
		t.Errorf("connects %+v", r.rec.Connects)
	}
}

// Ending the session at 80 % of the token's life, the program
// reconnects at once with a new token.
func TestTokenRenewal(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(func(c *Config) { c.TokenTTL = 100; c.Heartbeat = 1000 }), map[string]any{"net": [][]int{{3, 1}}}, 85)
	if len(r.rec.Connects) != 2 || len(r.find("sas", "info")) != 1 {
		t.Fatalf("connects %d:\n%s", len(r.rec.Connects), r.lines())
	}
	checkSAS(t, r.rec.Connects[0].Password, testKey, testHost+"/devices/"+testID, testStart+100, "")
	checkSAS(t, r.rec.Connects[1].Password, testKey, testHost+"/devices/"+testID, testStart+80+100, "")
	if r.rec.Disconnects < 1 {
		t.Errorf("the old connection was not closed")
	}
}

// A token of a few seconds is renewed at half its life at the latest,
// so a hub that honours it not a second longer never drops the module.
func TestShortTokenRenewal(t *testing.T) {
	t.Parallel()
	r := runProgram(t, keyConfig(func(c *Config) { c.TokenTTL = 10; c.Heartbeat = 1000 }), map[string]any{"net": [][]int{{3, 1}}}, 16)
	if len(r.rec.Connects) != 4 || len(r.find("sas", "info")) != 3 {
		t.Fatalf("connects %d:\n%s", len(r.rec.Connects), r.lines())
	}
	for i, c := range r.rec.Connects {
		checkSAS(t, c.Password, testKey, testHost+"/devices/"+testID, testStart+int64(i)*5+10, "")
	}
}
