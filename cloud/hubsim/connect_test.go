package hubsim

import (
	"strings"
	"testing"
	"time"

	"qpyhub/cloud"
)

func TestConnectAuthentication(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{
		{DeviceID: "dev1"}, {DeviceID: "dev2"}, {DeviceID: "off", Status: StatusDisabled},
	}})
	dev1, _ := s.Device("dev1")
	dev2, _ := s.Device("dev2")
	off, _ := s.Device("off")
	host := s.HostName()
	hour := time.Now().Add(time.Hour)
	res := func(id string) string { return cloud.DeviceResource(host, id) }

	tests := []struct {
		name     string
		login    login
		wantCode byte
	}{
		{"primary key", login{clientID: "dev1", username: cloud.MQTTUsername(host, "dev1", ""),
			password: deviceToken(t, res("dev1"), dev1.PrimaryKey, hour)}, 0},
		{"secondary key", login{clientID: "dev1", username: cloud.MQTTUsername(host, "dev1", ""),
			password: deviceToken(t, res("dev1"), dev1.SecondaryKey, hour)}, 0},
		{"old username form", login{clientID: "dev1", username: host + "/dev1/api-version=2018-06-30",
			password: deviceToken(t, res("dev1"), dev1.PrimaryKey, hour)}, 0},
		{"SDK client type suffix", login{clientID: "dev1", username: cloud.MQTTUsername(host, "dev1", "") + "&DeviceClientType=qpyhub%2F1.0",
			password: deviceToken(t, res("dev1"), dev1.PrimaryKey, hour)}, 0},
		{"bad signature", login{clientID: "dev1", username: cloud.MQTTUsername(host, "dev1", ""),
			password: deviceToken(t, res("dev1"), dev2.PrimaryKey, hour)}, 5},
		{"expired token", login{clientID: "dev1", username: cloud.MQTTUsername(host, "dev1", ""),
			password: deviceToken(t, res("dev1"), dev1.PrimaryKey, time.Now().Add(-time.Minute))}, 5},
		{"token for another device", login{clientID: "dev1", username: cloud.MQTTUsername(host, "dev1", ""),
			password: deviceToken(t, res("dev2"), dev2.PrimaryKey, hour)}, 5},
		{"device id case changed", login{clientID: "DEV1", username: cloud.MQTTUsername(host, "DEV1", ""),
			password: deviceToken(t, res("DEV1"), dev1.PrimaryKey, hour)}, 5},
		{"username names another host", login{clientID: "dev1", username: cloud.MQTTUsername("other.azure-devices.net", "dev1", ""),
			password: deviceToken(t, res("dev1"), dev1.PrimaryKey, hour)}, 5},
		{"client id differs from username", login{clientID: "dev2", username: cloud.MQTTUsername(host, "dev1", ""),
			password: deviceToken(t, res("dev1"), dev1.PrimaryKey, hour)}, 5},
		{"disabled device", login{clientID: "off", username: cloud.MQTTUsername(host, "off", ""),
			password: deviceToken(t, res("off"), off.PrimaryKey, hour)}, 5},
		{"unregistered device", login{clientID: "ghost", username: cloud.MQTTUsername(host, "ghost", ""),
			password: deviceToken(t, res("ghost"), dev1.PrimaryKey, hour)}, 5},
		{"password not a token", login{clientID: "dev1", username: cloud.MQTTUsername(host, "dev1", ""),
			password: dev1.PrimaryKey}, 5},
		{"MQTT 3.1", login{clientID: "dev1", username: cloud.MQTTUsername(host, "dev1", ""),
			password: deviceToken(t, res("dev1"), dev1.PrimaryKey, hour), protocol: 3}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.login.clean = true
			ss, code, err := dial(t, s, tc.login)
			if code != tc.wantCode {
				t.Fatalf("CONNACK code = %d (%v), want %d", code, err, tc.wantCode)
			}
			if tc.wantCode != 0 {
				return
			}
			if err := s.WaitConnected(waitCtx(t), tc.login.clientID, true); err != nil {
				t.Fatal(err)
			}
			ss.client.Disconnect(0)
			if err := s.WaitConnected(waitCtx(t), tc.login.clientID, false); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestPolicyTokenConnectsDevice(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	tests := []struct {
		policy   string
		wantCode byte
	}{
		{"device", 0},      // has DeviceConnect
		{"iothubowner", 0}, // has DeviceConnect
		{"service", 5},     // lacks it
	}
	for _, tc := range tests {
		t.Run(tc.policy, func(t *testing.T) {
			cs, err := cloud.ParseConnectionString(s.PolicyConnectionString(tc.policy))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := cloud.NewSASToken(s.HostName(), cs.SharedAccessKey, tc.policy, time.Now().Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			l := login{clientID: "dev1", username: cloud.MQTTUsername(s.HostName(), "dev1", ""), password: tok, clean: true}
			if _, code, err := dial(t, s, l); code != tc.wantCode {
				t.Fatalf("code %d (%v), want %d", code, err, tc.wantCode)
			}
		})
	}
}

func TestForbiddenUseClosesConnection(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}, {DeviceID: "dev2"}}})
	tests := []struct {
		name string
		act  func(ss *session)
	}{
		{"publish to another device's events", func(ss *session) {
			ss.client.Publish("devices/dev2/messages/events/", 1, false, "x")
		}},
		{"publish QoS 0 to a free topic", func(ss *session) {
			ss.client.Publish("sensors/temp", 0, false, "x")
		}},
		{"publish QoS 2 to telemetry", func(ss *session) {
			ss.client.Publish("devices/dev1/messages/events/", 2, false, "x")
		}},
		{"subscribe to another device's C2D", func(ss *session) {
			ss.client.Subscribe("devices/dev2/messages/devicebound/#", 1, nil)
		}},
		{"subscribe to everything", func(ss *session) {
			ss.client.Subscribe("#", 0, nil)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss := connect(t, s, deviceLogin(t, s, "dev1"))
			tc.act(ss)
			ss.waitLost(t)
			if err := s.WaitConnected(waitCtx(t), "dev1", false); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAllowedTopicsKeepConnection(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	ss := connect(t, s, deviceLogin(t, s, "dev1"))
	ss.subscribe(t, deviceboundFilter("dev1"), filterTwinResponses, filterDesired, filterMethods)
	ss.publish(t, "devices/dev1/messages/events/a=1", 1, []byte("x"))
	ss.publish(t, "$iothub/twin/GET/?$rid=1", 1, nil)
	if m := ss.next(t); m.Topic() != "$iothub/twin/res/200/?$rid=1" {
		t.Fatalf("twin answer on %q", m.Topic())
	}
	if !ss.client.IsConnectionOpen() || !s.Connected("dev1") {
		t.Fatal("allowed use closed the connection")
	}
}

// With no grace (the zero TokenGrace) the hub drops a connection when its
// token expires: the drop the hub records falls within a second after the
// token's expiry.
func TestTokenExpiryClosesConnection(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	rec, _ := s.Device("dev1")
	l := deviceLogin(t, s, "dev1")
	l.password = deviceToken(t, cloud.DeviceResource(s.HostName(), "dev1"), rec.PrimaryKey, time.Now().Add(5*time.Second))
	tok, err := cloud.ParseSASToken(l.password)
	if err != nil {
		t.Fatal(err)
	}
	ss := connect(t, s, l)
	if err := s.WaitConnected(waitCtx(t), "dev1", true); err != nil {
		t.Fatal(err)
	}
	ss.waitLost(t)
	if err := s.WaitConnected(waitCtx(t), "dev1", false); err != nil {
		t.Fatal(err)
	}
	d, ok := s.LastDisconnect("dev1")
	if !ok {
		t.Fatal("the hub recorded no disconnect")
	}
	if d.At.Before(tok.Expiry) || !d.At.Before(tok.Expiry.Add(time.Second)) {
		t.Fatalf("dropped at %s, token expired at %s: want within a second after", d.At.Format(time.RFC3339Nano), tok.Expiry.Format(time.RFC3339))
	}
	if !strings.Contains(d.Reason, "expired") {
		t.Fatalf("reason %q does not say the token expired", d.Reason)
	}
}

// A grace honours a token past its expiry, at connect as afterwards.
func TestTokenGraceHonoursAnExpiredToken(t *testing.T) {
	s := startHub(t, Config{TokenGrace: time.Hour, Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	rec, _ := s.Device("dev1")
	l := deviceLogin(t, s, "dev1")
	l.password = deviceToken(t, cloud.DeviceResource(s.HostName(), "dev1"), rec.PrimaryKey, time.Now().Add(-time.Minute))
	connect(t, s, l)
	if !s.Connected("dev1") {
		t.Fatal("the device is not connected")
	}
}

func TestSecondConnectionKicksFirst(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	first := connect(t, s, deviceLogin(t, s, "dev1"))
	second := connect(t, s, deviceLogin(t, s, "dev1"))
	first.waitLost(t)
	if !second.client.IsConnectionOpen() {
		t.Fatal("the second connection was closed too")
	}
	// The hub still counts the device as connected, through the second.
	if !s.Connected("dev1") {
		t.Fatal("device counted as disconnected after the takeover")
	}
	second.subscribe(t, filterTwinResponses)
	second.publish(t, "$iothub/twin/GET/?$rid=7", 0, nil)
	if m := second.next(t); m.Topic() != "$iothub/twin/res/200/?$rid=7" {
		t.Fatalf("second connection got %q", m.Topic())
	}
}

func TestWebSocketConnection(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	l := deviceLogin(t, s, "dev1")
	l.broker = s.WSURL()
	ss := connect(t, s, l)
	ss.publish(t, "devices/dev1/messages/events/", 1, []byte("over websockets"))
	m, err := s.WaitTelemetry(waitCtx(t), "dev1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Payload) != "over websockets" {
		t.Fatalf("payload %q", m.Payload)
	}
}
