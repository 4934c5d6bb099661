//go:build linux

package testpeer

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"qpyhub/device/repl"
)

// umqttPrelude defines, on the module, client() and the helpers the
// umqtt tests share.
const umqttPrelude = `from umqtt import MQTTClient
import ujson, utime, _qpyscenario
got = []
errs = []


def cb(t, m):
    got.append((t, m))


def client(port, params=None, keepalive=0, ssl=True, host='localhost'):
    c = MQTTClient('dev', host, port, user='u', password='p', keepalive=keepalive,
                   ssl=ssl, ssl_params=params or {}, reconn=False)
    c.set_callback(cb)
    c.error_register_cb(errs.append)
    return c


def attempt(c):
    try:
        print('answer', c.connect())
    except Exception as e:
        print(type(e).__name__ + ': ' + str(e))
    print('state', c.get_mqttsta())


def scenario(doc):
    f = open('/qpy_scenario.json', 'w')
    f.write(ujson.dumps(doc))
    f.close()
    _qpyscenario.reload()


def until(f, n=1000):
    # f() polled every 20 ms, at most n times; its last answer.
    for i in range(n):
        v = f()
        if v:
            return v
        utime.sleep_ms(20)
    return f()
`

// umqttModule is a peer with the prelude loaded.
type umqttModule struct {
	ctx context.Context
	s   *repl.Session
	p   *Peer
}

func startUmqttModule(t *testing.T, scenario map[string]any) *umqttModule {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	p, err := Start(ctx, Options{Scenario: scenario})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	s, err := repl.Open(ctx, p.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	m := &umqttModule{ctx: ctx, s: s, p: p}
	m.run(t, umqttPrelude)
	return m
}

// run executes code on the module and answers what it printed; a
// traceback fails the test.
func (m *umqttModule) run(t *testing.T, code string) string {
	t.Helper()
	res, err := m.s.Exec(m.ctx, code)
	if err != nil {
		t.Fatalf("%v\nstdout: %s\npeer: %s", err, res.Stdout, m.p.Stderr())
	}
	return res.Stdout
}

// Each way a connection can fail reaches the program as the ValueError
// QuecPython's umqtt raises, with its words.
func TestUmqttConnectFailsAsTheFirmware(t *testing.T) {
	t.Parallel()
	plain := startMQTTServer(t, false)
	secure := startMQTTServer(t, true)
	other := newTestCA(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	m := startUmqttModule(t, nil)

	cases := []struct {
		name   string
		python string            // runs attempt() on some client
		server func(c *mqttConn) // plays the connection, if one is made
		srv    *mqttServer       // which server the client dials
		want   string            // the line attempt() prints
	}{
		{name: "refused, not authorized", srv: plain, python: "attempt(client(%d, ssl=False))",
			server: func(c *mqttConn) { c.accept(t, 5) },
			want:   "ValueError: MQTT Connect error='5' FAIL"},
		{name: "refused, bad user name or password", srv: plain, python: "attempt(client(%d, ssl=False))",
			server: func(c *mqttConn) { c.accept(t, 4) },
			want:   "ValueError: MQTT Connect Error='4' Server Actively FIN Disconnected.Need Check Connection parameters"},
		{name: "reset after CONNECT", srv: plain, python: "attempt(client(%d, ssl=False))",
			server: func(c *mqttConn) { c.expect(t, pktConnect); c.reset(t) },
			want:   "ValueError: MQTT Connect Error='104' Server Actively RST Disconnected.Need Check addr&port"},
		{name: "closed after CONNECT", srv: secure, python: "attempt(client(%d))",
			server: func(c *mqttConn) { c.expect(t, pktConnect); c.conn.Close() },
			want:   "ValueError: MQTT Connect Error='107' Server Actively FIN Disconnected.Need Check Connection parameters"},
		{name: "no CONNACK", srv: plain, python: "scenario({'mqtt_timeout': 1})\nattempt(client(%d, ssl=False))\nscenario({})",
			server: func(c *mqttConn) { c.expect(t, pktConnect) },
			want:   "ValueError: MQTT Connect Error='110' Timeout.Need Check Network"},
		{name: "not a CONNACK", srv: plain, python: "attempt(client(%d, ssl=False))",
			server: func(c *mqttConn) { c.expect(t, pktConnect); c.write(t, pktSuback, []byte{0, 1, 0}) },
			want:   "ValueError: MQTT Connect error='' FAIL"},
		{name: "nothing listening", python: "attempt(client(" + strconv.Itoa(closedPort) + "))",
			want: "ValueError: MQTT Connect error='111' FAIL"},
		{name: "unknown host", python: "attempt(client(8883, host='nowhere.example'))",
			want: "ValueError: MQTT Connect error='DNS Parsing 'nowhere.example'' FAIL"},
		{name: "server not signed by the CA", srv: secure, python: "attempt(client(%d, {'ca': " + strconv.Quote(other.pem) + ", 'server_hostname': 'localhost'}))",
			server: func(c *mqttConn) { _, _, _ = c.read() },
			want:   "ValueError: MQTT Connect error='(-9984, 'X509 - Certificate verification failed, e.g. CRL, CA or signature check failed')' FAIL"},
		{name: "CA refused by v1.12 ussl", srv: secure, python: "scenario({'old_firmware': True})\nattempt(client(%d, {'ca': 'x'}))\nscenario({})",
			want: "ValueError: MQTT Connect error='unexpected keyword argument 'ca'' FAIL"},
		{name: "CA refused by a terse build", srv: secure, python: "scenario({'ssl_ca_supported': False, 'ssl_kwarg_error': 'terse'})\nattempt(client(%d, {'ca': 'x'}))\nscenario({})",
			want: "ValueError: MQTT Connect error='unexpected keyword argument' FAIL"},
		{name: "CA refused by the C argument parser", srv: secure, python: "scenario({'ssl_ca_supported': False, 'ssl_kwarg_error': 'parser'})\nattempt(client(%d, {'ca': 'x'}))\nscenario({})",
			want: "ValueError: MQTT Connect error='extra keyword arguments given' FAIL"},
	}
	for _, tc := range cases {
		code := tc.python
		done := make(chan struct{})
		if tc.srv != nil {
			code = fmt.Sprintf(code, tc.srv.port())
			go func() {
				defer close(done)
				if tc.server != nil {
					tc.server(tc.srv.next())
				}
			}()
		} else {
			close(done)
		}
		out := m.run(t, code)
		<-done
		if !strings.Contains(out, tc.want+"\nstate -1\n") {
			t.Errorf("%s: module printed %q, want %q and state -1", tc.name, out, tc.want)
		}
	}
}

// umqtt refuses a keepalive under 5 s when the client is made, as the
// firmware's does.
func TestUmqttKeepaliveAtLeastFive(t *testing.T) {
	t.Parallel()
	m := startUmqttModule(t, nil)
	out := m.run(t, `for k in (0, 4, 5):
    try:
        client(1883, keepalive=k)
        print(k, 'ok')
    except ValueError as e:
        print(k, e)
`)
	if out != "0 ok\n4 inport parameter error : keepalive >= 5S\n5 ok\n" {
		t.Errorf("module printed %q", out)
	}
}

// Once the server has closed the connection, the firmware's umqtt says
// so only through get_mqttsta(): publish drops the message and answers
// None, check_msg and wait_msg answer None at once.
func TestUmqttAfterTheServerCloses(t *testing.T) {
	t.Parallel()
	srv := startMQTTServer(t, true)
	m := startUmqttModule(t, nil)
	conns := make(chan *mqttConn, 1)
	go func() {
		c := srv.next()
		c.accept(t, 0)
		conns <- c
	}()
	out := m.run(t, fmt.Sprintf("c = client(%d, {'ca': %q, 'server_hostname': 'localhost'})\nattempt(c)\n", srv.port(), srv.ca.pem))
	if out != "answer 0\nstate 0\n" {
		t.Fatalf("connect: module printed %q", out)
	}
	c := <-conns
	c.closeWrite(t)
	out = m.run(t, `print('state', until(lambda: c.get_mqttsta() == 2) and c.get_mqttsta())
print('publish', c.publish('t', 'lost', qos=0), c.publish('t', 'lost too', qos=1))
print('check', c.check_msg(), c.check_msg())
print('wait', c.wait_msg())
c.ping()
print('state', c.get_mqttsta(), got, errs)
c.disconnect()
print('after disconnect', c.get_mqttsta())
`)
	// wait_msg must not block: the test's deadline would end it.
	want := "state 2\npublish None None\ncheck None None\nwait None\nstate 2 [] []\nafter disconnect -1\n"
	if out != want {
		t.Errorf("module printed %q, want %q", out, want)
	}
	kinds, err := c.rest()
	if err != nil || len(kinds) != 0 {
		t.Errorf("after the server closed, the module still sent packets %x (%v)", kinds, err)
	}
}

// A reset connection shows as -1, and reading it raises the socket's
// error (the program passes reconn=False).
func TestUmqttAfterAReset(t *testing.T) {
	t.Parallel()
	srv := startMQTTServer(t, false)
	m := startUmqttModule(t, nil)
	conns := make(chan *mqttConn, 1)
	go func() {
		c := srv.next()
		c.accept(t, 0)
		conns <- c
	}()
	m.run(t, fmt.Sprintf("c = client(%d, ssl=False)\nattempt(c)\n", srv.port()))
	(<-conns).reset(t)
	out := m.run(t, `print('state', until(lambda: c.get_mqttsta() != 0) and c.get_mqttsta())
try:
    c.check_msg()
except OSError as e:
    print('check', e.args[0])
print('publish', c.publish('t', 'x'))
`)
	if out != "state -1\ncheck 104\npublish None\n" {
		t.Errorf("module printed %q", out)
	}
}

// wait_msg and check_msg answer as the firmware's do: b'\xd0' for a
// PINGRESP, the first byte for a QoS 1 PUBLISH (acknowledged), None for
// a QoS 0 one; the callback gets both.
func TestUmqttAnswersOfWaitMsg(t *testing.T) {
	t.Parallel()
	srv := startMQTTServer(t, true)
	m := startUmqttModule(t, nil)
	acked := make(chan error, 1)
	go func() {
		c := srv.next()
		c.accept(t, 0)
		c.expect(t, pktPingreq)
		c.write(t, pktPingresp, nil)
		c.publish(t, "a/1", "one", 1)
		c.publish(t, "a/0", "zero", 0)
		body := c.expect(t, pktPuback)
		if len(body) != 2 || body[1] != 7 {
			acked <- fmt.Errorf("PUBACK %x, want packet id 7", body)
			return
		}
		acked <- nil
	}()
	out := m.run(t, fmt.Sprintf(`c = client(%d, {'ca': %q})
c.connect()
c.ping()
print(c.wait_msg(), c.wait_msg(), c.wait_msg(), got)
`, srv.port(), srv.ca.pem))
	if out != "b'\\xd0' 50 None [(b'a/1', b'one'), (b'a/0', b'zero')]\n" {
		t.Errorf("module printed %q", out)
	}
	if err := <-acked; err != nil {
		t.Error(err)
	}
}

// With a keepalive, umqtt pings like the firmware's ping thread; a ping
// left unanswered is told to the error callback only: the state still
// says connected, so a program has to track the answers itself.
func TestUmqttUnansweredPing(t *testing.T) {
	t.Parallel()
	srv := startMQTTServer(t, true)
	m := startUmqttModule(t, nil)
	pings := make(chan int, 1)
	go func() {
		c := srv.next()
		c.accept(t, 0)
		kinds, _ := c.rest() // never answers
		n := 0
		for _, k := range kinds {
			if k == pktPingreq {
				n++
			}
		}
		pings <- n
	}()
	out := m.run(t, fmt.Sprintf(`c = client(%d, {'ca': %q}, keepalive=5)
c.connect()
print(until(lambda: c.check_msg() or errs), c.get_mqttsta())
c.disconnect()
`, srv.port(), srv.ca.pem))
	if out != "['Send ping timeout.'] 0\n" {
		t.Errorf("module printed %q", out)
	}
	if n := <-pings; n != 1 {
		t.Errorf("the module sent %d PINGREQ, want 1 before giving up", n)
	}
}

// ussl takes a bundle of PEM certificates as the CA; the server's CA
// need not come first.
func TestUsslTakesACABundle(t *testing.T) {
	t.Parallel()
	srv := startMQTTServer(t, true)
	m := startUmqttModule(t, nil)
	bundle := newTestCA(t).pem + srv.ca.pem
	go func() { srv.next().accept(t, 0) }()
	out := m.run(t, fmt.Sprintf("c = client(%d, {'ca': %q, 'server_hostname': 'localhost'})\nattempt(c)\nc.disconnect()\n", srv.port(), bundle))
	if out != "answer 0\nstate 0\n" {
		t.Errorf("module printed %q", out)
	}
}
