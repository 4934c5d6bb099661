package testpeer

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"testing"
	"time"
)

// MQTT packet types the scripted server speaks.
const (
	pktConnect    = 0x10
	pktConnack    = 0x20
	pktPublish    = 0x30
	pktPuback     = 0x40
	pktSubscribe  = 0x80
	pktSuback     = 0x90
	pktPingreq    = 0xC0
	pktPingresp   = 0xD0
	pktDisconnect = 0xE0
)

// ioTimeout bounds every read and write of the scripted server.
const ioTimeout = 20 * time.Second

// testCA is a certificate authority and a server certificate it signed
// for localhost and 127.0.0.1.
type testCA struct {
	pem    string
	server tls.Certificate
}

func newTestCA(t *testing.T) testCA {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "testpeer scripted CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return testCA{
		pem:    string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})),
		server: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
	}
}

// mqttServer is a loopback MQTT server whose every connection is played
// by the test, so the module's umqtt can meet a server that refuses,
// resets, closes or stops answering.
type mqttServer struct {
	t     *testing.T
	ln    net.Listener
	ca    testCA
	conns chan *mqttConn
}

// startMQTTServer listens on 127.0.0.1; with useTLS every connection is
// TLS with a certificate from a new CA (s.ca.pem).
func startMQTTServer(t *testing.T, useTLS bool) *mqttServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &mqttServer{t: t, ln: ln, conns: make(chan *mqttConn, 8)}
	if useTLS {
		s.ca = newTestCA(t)
	}
	go s.serve(useTLS)
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *mqttServer) serve(useTLS bool) {
	for {
		raw, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &mqttConn{raw: raw.(*net.TCPConn), conn: raw}
		if useTLS {
			c.conn = tls.Server(raw, &tls.Config{Certificates: []tls.Certificate{s.ca.server}})
		}
		c.r = bufio.NewReader(c.conn)
		s.conns <- c
	}
}

func (s *mqttServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// next answers the next connection the module made.
func (s *mqttServer) next() *mqttConn {
	s.t.Helper()
	select {
	case c := <-s.conns:
		s.t.Cleanup(func() { c.conn.Close() })
		return c
	case <-time.After(ioTimeout):
		s.t.Fatal("the module never connected to the scripted server")
		return nil
	}
}

// mqttConn is one connection of the scripted server.
type mqttConn struct {
	raw  *net.TCPConn
	conn net.Conn // raw, or TLS over it
	r    *bufio.Reader
}

// read answers the next packet's first byte and body.
func (c *mqttConn) read() (byte, []byte, error) {
	if err := c.conn.SetReadDeadline(time.Now().Add(ioTimeout)); err != nil {
		return 0, nil, err
	}
	first, err := c.r.ReadByte()
	if err != nil {
		return 0, nil, err
	}
	n, shift := 0, 0
	for {
		b, err := c.r.ReadByte()
		if err != nil {
			return 0, nil, err
		}
		n |= int(b&0x7F) << shift
		if b&0x80 == 0 {
			break
		}
		if shift += 7; shift > 21 {
			return 0, nil, errors.New("bad remaining length")
		}
	}
	body := make([]byte, n)
	_, err = io.ReadFull(c.r, body)
	return first, body, err
}

// expect reads a packet and fails the test unless it is of type kind.
func (c *mqttConn) expect(t *testing.T, kind byte) []byte {
	t.Helper()
	first, body, err := c.read()
	if err != nil {
		t.Fatalf("waiting for packet 0x%02X: %v", kind, err)
	}
	if first&0xF0 != kind {
		t.Fatalf("got packet 0x%02X, want 0x%02X", first, kind)
	}
	return body
}

func (c *mqttConn) write(t *testing.T, first byte, body []byte) {
	t.Helper()
	head := []byte{first}
	n := len(body)
	for {
		d := byte(n & 0x7F)
		if n >>= 7; n > 0 {
			d |= 0x80
		}
		head = append(head, d)
		if n == 0 {
			break
		}
	}
	if err := c.conn.SetWriteDeadline(time.Now().Add(ioTimeout)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.conn.Write(append(head, body...)); err != nil {
		t.Fatalf("write packet 0x%02X: %v", first, err)
	}
}

// accept reads the CONNECT and answers CONNACK with code.
func (c *mqttConn) accept(t *testing.T, code byte) {
	t.Helper()
	c.expect(t, pktConnect)
	c.write(t, pktConnack, []byte{0, code})
}

// publish sends a PUBLISH to the module (packet id 7 at QoS 1).
func (c *mqttConn) publish(t *testing.T, topic, payload string, qos byte) {
	t.Helper()
	body := append([]byte{byte(len(topic) >> 8), byte(len(topic))}, topic...)
	if qos > 0 {
		body = append(body, 0, 7)
	}
	c.write(t, pktPublish|qos<<1, append(body, payload...))
}

// reset drops the connection with a TCP RST.
func (c *mqttConn) reset(t *testing.T) {
	t.Helper()
	if err := c.raw.SetLinger(0); err != nil {
		t.Fatal(err)
	}
	c.raw.Close()
}

// closeWrite ends the server's side (TLS close_notify, or a TCP FIN) and
// keeps reading, so the test can see what the module still sends.
func (c *mqttConn) closeWrite(t *testing.T) {
	t.Helper()
	var err error
	if tc, ok := c.conn.(*tls.Conn); ok {
		err = tc.CloseWrite()
	} else {
		err = c.raw.CloseWrite()
	}
	if err != nil {
		t.Fatalf("close the server's side: %v", err)
	}
}

// rest answers every packet the module sends until it closes its side.
func (c *mqttConn) rest() ([]byte, error) {
	var kinds []byte
	for {
		first, _, err := c.read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return kinds, nil
			}
			return kinds, fmt.Errorf("after %x: %w", kinds, err)
		}
		kinds = append(kinds, first)
	}
}
