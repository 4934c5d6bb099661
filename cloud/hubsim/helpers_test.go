package hubsim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"qpyhub/cloud"
)

// waitLimit bounds every wait in these tests; nothing normally takes
// more than a fraction of it.
const waitLimit = 15 * time.Second

// startHub runs a hub on loopback ports chosen by the system and closes
// it when the test ends.
func startHub(t testing.TB, cfg Config) *Server {
	t.Helper()
	cfg.MQTTAddr = "127.0.0.1:0"
	if cfg.WSAddr == "" {
		cfg.WSAddr = "127.0.0.1:0"
	}
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = "127.0.0.1:0"
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		s.Close()
	})
	if err := s.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return s
}

// waitCtx is a context for one wait, ended with the test.
func waitCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}

func clientTLS(t testing.TB, s *Server) *tls.Config {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CAPEM()) {
		t.Fatal("CAPEM holds no certificate")
	}
	return &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
}

// deviceToken signs a device token with key, valid until expiry.
func deviceToken(t testing.TB, resource, key string, expiry time.Time) string {
	t.Helper()
	tok, err := cloud.NewSASToken(resource, key, "", expiry)
	if err != nil {
		t.Fatalf("NewSASToken: %v", err)
	}
	return tok
}

// session is one paho connection to the hub with its events as channels.
type session struct {
	client   paho.Client
	lost     chan error
	received chan paho.Message
}

// login describes how a test client connects.
type login struct {
	broker   string // default ssl://MQTTAddr
	clientID string
	username string
	password string
	clean    bool
	protocol uint // default 4
	noAck    bool // leave received messages unacknowledged
}

// deviceLogin is a correct login for a registered device.
func deviceLogin(t testing.TB, s *Server, id string) login {
	rec, ok := s.Device(id)
	if !ok {
		t.Fatalf("device %s not registered", id)
	}
	return login{
		clientID: id,
		username: cloud.MQTTUsername(s.HostName(), id, ""),
		password: deviceToken(t, cloud.DeviceResource(s.HostName(), id), rec.PrimaryKey, time.Now().Add(time.Hour)),
		clean:    true,
	}
}

// dial connects and returns the session and the CONNACK return code.
func dial(t testing.TB, s *Server, l login) (*session, byte, error) {
	t.Helper()
	if l.broker == "" {
		l.broker = "ssl://" + s.MQTTAddr()
	}
	if l.protocol == 0 {
		l.protocol = 4
	}
	ss := &session{lost: make(chan error, 1), received: make(chan paho.Message, 256)}
	opts := paho.NewClientOptions().
		AddBroker(l.broker).
		SetClientID(l.clientID).
		SetUsername(l.username).
		SetPassword(l.password).
		SetTLSConfig(clientTLS(t, s)).
		SetProtocolVersion(l.protocol).
		SetCleanSession(l.clean).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetConnectTimeout(waitLimit).
		SetKeepAlive(60 * time.Second).
		SetOrderMatters(true).
		SetAutoAckDisabled(l.noAck).
		SetDefaultPublishHandler(func(_ paho.Client, m paho.Message) { ss.received <- m }).
		SetConnectionLostHandler(func(_ paho.Client, err error) { ss.lost <- err })
	ss.client = paho.NewClient(opts)
	tok := ss.client.Connect()
	if !tok.WaitTimeout(waitLimit) {
		t.Fatal("CONNECT got no answer in time")
	}
	code := tok.(*paho.ConnectToken).ReturnCode()
	if tok.Error() == nil {
		t.Cleanup(func() { ss.client.Disconnect(0) })
	}
	return ss, code, tok.Error()
}

// connect dials and fails the test unless the hub accepts.
func connect(t testing.TB, s *Server, l login) *session {
	t.Helper()
	ss, code, err := dial(t, s, l)
	if err != nil {
		t.Fatalf("connect %s: code %d, %v", l.clientID, code, err)
	}
	return ss
}

func (ss *session) subscribe(t testing.TB, filters ...string) {
	t.Helper()
	for _, f := range filters {
		tok := ss.client.Subscribe(f, 1, nil)
		if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
			t.Fatalf("subscribe %s: %v", f, tok.Error())
		}
	}
}

func (ss *session) publish(t testing.TB, topic string, qos byte, payload []byte) {
	t.Helper()
	tok := ss.client.Publish(topic, qos, false, payload)
	if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// next returns the next message the session receives.
func (ss *session) next(t testing.TB) paho.Message {
	t.Helper()
	select {
	case m := <-ss.received:
		return m
	case err := <-ss.lost:
		t.Fatalf("connection lost while waiting for a message: %v", err)
	case <-time.After(waitLimit):
		t.Fatal("no message arrived in time")
	}
	return nil
}

// waitLost waits for the hub to close the connection.
func (ss *session) waitLost(t testing.TB) error {
	t.Helper()
	select {
	case err := <-ss.lost:
		return err
	case <-time.After(waitLimit):
		t.Fatal("the hub did not close the connection")
	}
	return nil
}

func asServiceError(err error) (*ServiceError, bool) {
	var se *ServiceError
	ok := errors.As(err, &se)
	return se, ok
}
