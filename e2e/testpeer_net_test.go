//go:build linux

// The test peer's network, against the local hub: it lives here because
// device/ never imports cloud/, not even in tests.

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud"
	"qpyhub/cloud/hubsim"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// netTimeout bounds each test; nothing in them waits longer.
const netTimeout = 60 * time.Second

const deviceID = "peer-dev-1"

// netRig is a local hub with one device and a peer with a session open.
type netRig struct {
	ctx  context.Context
	hub  *hubsim.Server
	dev  hubsim.DeviceRecord
	peer *testpeer.Peer
	s    *repl.Session
}

func startNetRig(t *testing.T, scenario map[string]any) *netRig {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), netTimeout)
	t.Cleanup(cancel)
	hub, err := hubsim.New(hubsim.Config{MQTTAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	dev, err := hub.AddDevice(deviceID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := testpeer.Start(ctx, testpeer.Options{Scenario: scenario})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	s, err := repl.Open(ctx, p.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &netRig{ctx: ctx, hub: hub, dev: dev, peer: p, s: s}
}

// token is a SAS token for the rig's device signed with key.
func (r *netRig) token(t *testing.T, key string) string {
	t.Helper()
	tok, err := cloud.NewSASToken(cloud.DeviceResource(r.hub.HostName(), deviceID), key, "", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// prelude defines, on the module, the hub's coordinates and client(),
// which makes an MQTTClient whose callback appends to got.
func (r *netRig) prelude(t *testing.T, token string, ca []byte) {
	t.Helper()
	_, port, err := net.SplitHostPort(r.hub.MQTTAddr())
	if err != nil {
		t.Fatal(err)
	}
	code := fmt.Sprintf(`from umqtt import MQTTClient
HOST = %s
PORT = %s
DEV = %s
TOKEN = %s
CA = %s
got = []


def cb(t, m):
    got.append((t, m))


def client(params):
    c = MQTTClient(DEV, HOST, PORT, user=HOST + '/' + DEV + '/?api-version=2021-04-12',
                   password=TOKEN, keepalive=60, ssl=True, ssl_params=params)
    c.set_callback(cb)
    return c


def next_msg(c):
    while not got:
        c.wait_msg()
    return got.pop(0)
`, py(r.hub.HostName()), port, py(deviceID), py(token), py(string(ca)))
	r.exec(t, code)
}

// exec runs code on the module and fails the test if it raises.
func (r *netRig) exec(t *testing.T, code string) string {
	t.Helper()
	res, err := r.s.Exec(r.ctx, code)
	if err != nil {
		t.Fatalf("%v\nstdout: %s\npeer: %s", err, res.Stdout, r.peer.Stderr())
	}
	return res.Stdout
}

// raises runs code that must raise, and answers the exception.
func (r *netRig) raises(t *testing.T, code string) *repl.PythonError {
	t.Helper()
	res, err := r.s.Exec(r.ctx, code)
	var pe *repl.PythonError
	if !errors.As(err, &pe) {
		t.Fatalf("want a Python exception, got %v\nstdout: %s", err, res.Stdout)
	}
	return pe
}

// py quotes s as a Python string literal.
func py(s string) string { return strconv.Quote(s) }

func randomKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestModuleTalksToTheHubOverVerifiedTLS(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, nil)
	r.prelude(t, r.token(t, r.dev.PrimaryKey), r.hub.CAPEM())

	out := r.exec(t, `c = client({'ca': CA, 'server_hostname': HOST})
c.connect()
print('state', c.get_mqttsta())
print('idle', c.check_msg())
c.ping()
print('pong', c.wait_msg() == b'\xd0')
c.subscribe('devices/' + DEV + '/messages/devicebound/#', 1)
c.subscribe('$iothub/twin/res/#')
c.subscribe('$iothub/methods/POST/#')
print('puback', c.publish('devices/' + DEV + '/messages/events/$.ct=application%2Fjson', '{"heartbeat":1}', qos=1))
c.publish('$iothub/twin/PATCH/properties/reported/?$rid=7', '{"qpyhub":{"model":"EC600N"}}')
print('twin', next_msg(c)[0].decode())
`)
	for _, want := range []string{"state 0\nidle None\npong True\n", "puback True\n", "twin $iothub/twin/res/204/?$rid=7"} {
		if !strings.Contains(out, want) {
			t.Errorf("module printed %q, want %q in it", out, want)
		}
	}
	msg, err := r.hub.WaitTelemetry(r.ctx, deviceID, func(m hubsim.TelemetryMessage) bool {
		return bytes.Contains(m.Payload, []byte(`"heartbeat":1`))
	})
	if err != nil {
		t.Fatalf("telemetry never arrived: %v", err)
	}
	if ct := msg.Properties["$.ct"]; ct != "application/json" {
		t.Errorf("telemetry content type %q, want application/json", ct)
	}
	twin, err := r.hub.Twin(deviceID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(twin, []byte(`"EC600N"`)) {
		t.Errorf("reported properties not in the twin: %s", twin)
	}

	// Cloud to device: the message waits in the socket until read.
	if err := r.hub.SendC2D(deviceID, hubsim.C2DMessage{Payload: []byte("switch on")}); err != nil {
		t.Fatal(err)
	}
	out = r.exec(t, `t, m = next_msg(c)
print('c2d', m.decode(), t.decode())
`)
	if !strings.Contains(out, "c2d switch on devices/"+deviceID+"/messages/devicebound/") {
		t.Errorf("module printed %q, want the C2D message and its topic", out)
	}

	// A direct method: the hub waits for the module's answer.
	type answer struct {
		status  int
		payload json.RawMessage
		err     error
	}
	answered := make(chan answer, 1)
	go func() {
		st, pl, err := r.hub.InvokeMethod(r.ctx, deviceID, "ping", json.RawMessage(`{}`), 30*time.Second)
		answered <- answer{st, pl, err}
	}()
	r.exec(t, `t, m = next_msg(c)
rid = t.decode().split('$rid=')[1]
c.publish('$iothub/methods/res/200/?$rid=' + rid, '{"pong":true}')
c.disconnect()
print('state', c.get_mqttsta())
`)
	a := <-answered
	if a.err != nil || a.status != 200 || !bytes.Contains(a.payload, []byte(`"pong":true`)) {
		t.Fatalf("method answer: %d %s %v", a.status, a.payload, a.err)
	}
	if err := r.hub.WaitConnected(r.ctx, deviceID, false); err != nil {
		t.Fatalf("the device still shows connected after disconnect: %v", err)
	}
}

func TestWrongTokenIsNotAuthorized(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, nil)
	r.prelude(t, r.token(t, randomKey(t)), r.hub.CAPEM())
	pe := r.raises(t, "client({'ca': CA, 'server_hostname': HOST}).connect()")
	if pe.Type != "ValueError" || pe.Message != "MQTT Connect error='5' FAIL" {
		t.Fatalf("connect with a wrong token raised %s: %s, want ValueError: MQTT Connect error='5' FAIL", pe.Type, pe.Message)
	}
}

func TestServerIsVerifiedAgainstTheGivenCA(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, nil)
	other, err := hubsim.New(hubsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r.prelude(t, r.token(t, r.dev.PrimaryKey), other.CAPEM())
	// umqtt wraps ussl's OSError(-9984, text) as the firmware does.
	const verifyFailed = "MQTT Connect error='(-9984, 'X509 - Certificate verification failed, e.g. CRL, CA or signature check failed')' FAIL"
	pe := r.raises(t, "client({'ca': CA, 'server_hostname': HOST}).connect()")
	if pe.Type != "ValueError" || pe.Message != verifyFailed {
		t.Errorf("connect with another hub's CA raised %s: %s, want ValueError: %s", pe.Type, pe.Message, verifyFailed)
	}

	// The right CA but a name the certificate does not carry.
	r.exec(t, "CA = "+py(string(r.hub.CAPEM())))
	pe = r.raises(t, "client({'ca': CA, 'server_hostname': 'myhub.azure-devices.net'}).connect()")
	if pe.Type != "ValueError" || pe.Message != verifyFailed {
		t.Errorf("connect with a wrong server_hostname raised %s: %s, want ValueError: %s", pe.Type, pe.Message, verifyFailed)
	}
	if r.hub.Connected(deviceID) {
		t.Error("the hub shows the device connected after failed handshakes")
	}
}

func TestOldFirmwareTakesNoCAAndDoesNotVerify(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, map[string]any{"ssl_ca_supported": false})
	other, err := hubsim.New(hubsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r.prelude(t, r.token(t, r.dev.PrimaryKey), other.CAPEM())
	pe := r.raises(t, "client({'ca': CA, 'server_hostname': HOST}).connect()")
	// umqtt wraps wrap_socket's TypeError as the firmware does.
	if pe.Type != "ValueError" || pe.Message != "MQTT Connect error='unexpected keyword argument 'ca'' FAIL" {
		t.Fatalf("wrap_socket with ca on old firmware raised %s: %s, want the wrapped TypeError naming 'ca'", pe.Type, pe.Message)
	}
	// The portable pattern: try with the CA, fall back without it. The
	// CA is another hub's, which old firmware never notices.
	out := r.exec(t, `try:
    c = client({'ca': CA, 'server_hostname': HOST})
    c.connect()
    print('tls=verified')
except ValueError as e:
    if 'unexpected keyword argument' not in str(e):
        raise
    c = client({'server_hostname': HOST})
    c.connect()
    print('tls=unverified')
print('puback', c.publish('devices/' + DEV + '/messages/events/', 'old firmware', qos=1))
c.disconnect()
`)
	if !strings.Contains(out, "tls=unverified\npuback True\n") {
		t.Errorf("module printed %q, want tls=unverified and a PUBACK", out)
	}
	if _, err := r.hub.WaitTelemetry(r.ctx, deviceID, func(m hubsim.TelemetryMessage) bool {
		return string(m.Payload) == "old firmware"
	}); err != nil {
		t.Fatalf("telemetry from old firmware never arrived: %v", err)
	}
}

func TestOnlyLoopbackIsReachable(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, map[string]any{"net_hosts": map[string]any{
		"myhub.azure-devices.net": "127.0.0.1",
		"outside.example":         "192.0.2.7",
	}})
	out := r.exec(t, `import usocket, qpy_net
for host in ('198.51.100.1', 'example.com', 'outside.example'):
    try:
        s = usocket.socket()
        s.connect(usocket.getaddrinfo(host, 443)[0][-1])
        print(host, 'connected')
    except OSError as e:
        print(host, e.args[0])
print('mapped', usocket.getaddrinfo('myhub.azure-devices.net', 8883)[0][-1])
s = usocket.socket()
print('bridge', qpy_net.connect(s._sid, '203.0.113.5', 443, 1000).errno)
`)
	for _, want := range []string{
		"198.51.100.1 113\n", "example.com 113\n", "outside.example 113\n",
		"mapped ('127.0.0.1', 8883)\n", "bridge 113\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("module printed %q, want %q in it", out, want)
		}
	}
}

func TestSocketErrorsAreTheFirmwares(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, nil)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := silent.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	out := r.exec(t, fmt.Sprintf(`import usocket
def attempt(name, f):
    try:
        print(name, f())
    except OSError as e:
        print(name, 'OSError', e.args[0])
s = usocket.socket()
attempt('refused', lambda: s.connect(('127.0.0.1', %d)))
s = usocket.socket()
s.connect(('localhost', %d))
s.settimeout(0)
attempt('nonblocking', lambda: s.recv(10))
s.settimeout(0.2)
attempt('timeout', lambda: s.recv(10))
s.settimeout(None)
print('sent', s.send(b'ping'))
`, closedPort, silent.Addr().(*net.TCPAddr).Port))
	for _, want := range []string{"refused OSError 111\n", "nonblocking OSError 11\n", "timeout OSError 110\n", "sent 4\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("module printed %q, want %q in it", out, want)
		}
	}
	conn := <-accepted
	defer conn.Close()
	buf := make([]byte, 4)
	if _, err := conn.Read(buf); err != nil || string(buf) != "ping" {
		t.Fatalf("server read %q, %v; want ping", buf, err)
	}
	if _, err := conn.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	out = r.exec(t, "print(s.read(4), s.recv(10))")
	if out != "b'pong' b''\n" {
		t.Errorf("after the server wrote pong and closed, module printed %q, want b'pong' b''", out)
	}
}

func TestNoDataCallNoConnection(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, map[string]any{"data_active": 0})
	r.prelude(t, r.token(t, r.dev.PrimaryKey), r.hub.CAPEM())
	pe := r.raises(t, "client({'ca': CA, 'server_hostname': HOST}).connect()")
	if pe.Type != "ValueError" || pe.Message != "MQTT Connect error='113' FAIL" {
		t.Fatalf("connect without a data call raised %s: %s, want ValueError: MQTT Connect error='113' FAIL", pe.Type, pe.Message)
	}
}

func TestCtrlCInterruptsABlockedRecv(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	term, err := r.s.Terminal(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Release()
	readTerminal(r.ctx, t, term, ">>> ")
	code := fmt.Sprintf(`import usocket
s = usocket.socket()
s.connect(('127.0.0.1', %d))
try:
    print('blocked')
    s.recv(10)
    print('recv returned')
except KeyboardInterrupt:
    print('interrupted')
print('later', s.recv(10))
`, ln.Addr().(*net.TCPAddr).Port)
	// Paste mode (Ctrl-E … Ctrl-D) runs the block as one program.
	if _, err := term.Write([]byte("\x05" + strings.ReplaceAll(code, "\n", "\r") + "\x04")); err != nil {
		t.Fatal(err)
	}
	readTerminal(r.ctx, t, term, "blocked\r\n")
	conn := <-accepted
	defer conn.Close()
	if _, err := term.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	readTerminal(r.ctx, t, term, "interrupted\r\n")
	// The socket outlives the interrupt, and nothing sent later is lost.
	if _, err := conn.Write([]byte("after")); err != nil {
		t.Fatal(err)
	}
	out := readTerminal(r.ctx, t, term, ">>> ")
	if !strings.Contains(out, "later b'after'") || strings.Contains(out, "recv returned") {
		t.Fatalf("after Ctrl-C the module printed %q, want later b'after'", out)
	}
}

// readTerminal collects terminal output until it contains want.
func readTerminal(ctx context.Context, t *testing.T, term *repl.Terminal, want string) string {
	t.Helper()
	var got []byte
	for !bytes.Contains(got, []byte(want)) {
		select {
		case b, ok := <-term.Output():
			if !ok {
				t.Fatalf("terminal closed (%v) before %q; got %q", term.Err(), want, got)
			}
			got = append(got, b...)
		case <-ctx.Done():
			t.Fatalf("waiting for %q: got %q", want, got)
		}
	}
	return string(got)
}

func TestSoftRebootClosesSockets(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	r.exec(t, fmt.Sprintf("import usocket\ns = usocket.socket()\ns.connect(('127.0.0.1', %d))\n", ln.Addr().(*net.TCPAddr).Port))
	conn := <-accepted
	defer conn.Close()
	if _, err := r.s.SoftReset(r.ctx); err != nil {
		t.Fatal(err)
	}
	if dl, ok := r.ctx.Deadline(); ok {
		conn.SetReadDeadline(dl)
	}
	if n, err := conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("after a soft reboot the server read %d bytes, %v; want EOF", n, err)
	}
}

func TestRegistrationThroughDPS(t *testing.T) {
	t.Parallel()
	r := startNetRig(t, map[string]any{"net_hosts": map[string]any{"global.azure-devices-provisioning.net": "127.0.0.1"}})
	groupKey := randomKey(t)
	if err := r.hub.AddEnrollmentGroup("tray", groupKey, true); err != nil {
		t.Fatal(err)
	}
	const regID = "866327040000001"
	devKey, err := cloud.DeriveDeviceKey(groupKey, regID)
	if err != nil {
		t.Fatal(err)
	}
	scope := r.hub.DPSIDScope()
	tok, err := cloud.NewSASToken(cloud.DPSResource(scope, regID), devKey, "registration", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, port, err := net.SplitHostPort(r.hub.MQTTAddr())
	if err != nil {
		t.Fatal(err)
	}
	out := r.exec(t, fmt.Sprintf(`import ujson
from umqtt import MQTTClient
got = []
c = MQTTClient(%[1]s, 'global.azure-devices-provisioning.net', %[2]s,
               user=%[3]s + '/registrations/' + %[1]s + '/api-version=2019-03-31',
               password=%[4]s, keepalive=60, ssl=True,
               ssl_params={'ca': %[5]s, 'server_hostname': 'localhost'})
c.set_callback(lambda t, m: got.append((t.decode(), m)))
c.connect()
c.subscribe('$dps/registrations/res/#')
c.publish('$dps/registrations/PUT/iotdps-register/?$rid=1', ujson.dumps({'registrationId': %[1]s}))
rid = 1
while True:
    while not got:
        c.wait_msg()
    t, m = got.pop(0)
    doc = ujson.loads(m)
    if not t.startswith('$dps/registrations/res/202/'):
        break
    rid += 1
    c.publish('$dps/registrations/GET/iotdps-get-operationstatus/?$rid=' + str(rid) + '&operationId=' + doc['operationId'], '')
c.disconnect()
print(t.split('?')[0], doc['status'], doc['registrationState']['deviceId'])
`, py(regID), port, py(scope), py(tok), py(string(r.hub.CAPEM()))))
	if want := "$dps/registrations/res/200/ assigned " + regID + "\n"; out != want {
		t.Fatalf("registration printed %q, want %q", out, want)
	}
	if _, ok := r.hub.Device(regID); !ok {
		t.Fatal("the hub has no device for the registration")
	}
}
