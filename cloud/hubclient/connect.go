package hubclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"qpyhub/cloud"
	"qpyhub/cloud/internal/connfail"
)

// mqttClient is the part of paho's client the session uses.
type mqttClient = mqtt.Client

const connectTimeout = 30 * time.Second

// connectOnce makes one paho client, connects it with a token minted now,
// and subscribes. paho's own reconnect is off: paho warns that a client
// must not be reused after Disconnect, and the session needs a new token
// on every connect anyway, so each connection gets a new client.
func (s *Session) connectOnce(ctx context.Context) (*connection, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // Close cancels an attempt in progress
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()

	now := s.cfg.Now()
	creds, err := cloud.DeviceMQTTCredentialsAt(now, s.cfg.Identity, now.Add(s.cfg.TokenTTL), s.cfg.WebSocket)
	if err != nil {
		var fe *cloud.FieldError
		if errors.As(err, &fe) && fe.Reason == cloud.ReasonExpired {
			return nil, &ConnectError{Reason: ReasonTokenExpired, Addr: s.broker.Host}
		}
		return nil, fmt.Errorf("hubclient: credentials: %w", err)
	}

	tlsCfg, err := s.cfg.tlsConfig(s.broker)
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	s.gen++
	gen := s.gen
	s.mu.Unlock()

	opts := s.pahoOptions(creds, tlsCfg, gen)
	if s.broker.Scheme == "wss" {
		opts.SetCustomOpenConnectionFn(s.cfg.webSocketOpener(ctx, tlsCfg))
	}
	client := mqtt.NewClient(opts)
	if err := connfail.Wait(ctx, client.Connect()); err != nil {
		client.Disconnect(0)
		if ctx.Err() != nil && s.isClosed() {
			return nil, ErrClosed
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		reason, cause := connfail.Reason(err, connectReasons)
		return nil, &ConnectError{Reason: reason, Addr: s.broker.Host, Err: cause}
	}
	if err := s.subscribe(ctx, client); err != nil {
		client.Disconnect(0)
		return nil, err
	}
	conn := &connection{client: client, gen: gen, since: time.Now(), expiry: creds.ExpiresAt, gone: make(chan struct{})}
	s.setConnection(conn)
	return conn, nil
}

// pahoOptions builds the client options for one connection.
func (s *Session) pahoOptions(creds cloud.MQTTCredentials, tlsCfg *tls.Config, gen uint64) *mqtt.ClientOptions {
	username, password := creds.Username, creds.Password
	opts := mqtt.NewClientOptions().
		AddBroker(s.broker.String()).
		SetClientID(creds.ClientID).
		SetCredentialsProvider(func() (string, string) { return username, password }).
		SetProtocolVersion(4).
		SetTLSConfig(tlsCfg).
		SetKeepAlive(s.cfg.KeepAlive).
		SetCleanSession(s.cfg.CleanSession).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetConnectTimeout(connectTimeout).
		SetWriteTimeout(connectTimeout).
		SetDialer(&net.Dialer{Timeout: connectTimeout}).
		SetOrderMatters(true).    // handlers never block, and C2D order is kept
		SetAutoAckDisabled(true). // dispatch acknowledges; C2D once read
		SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) { s.dispatch(m) }).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			select {
			case s.lost <- connLoss{gen: gen, err: err}:
			default: // a loss is already waiting; one is enough
			}
		})
	return opts
}

// subscribe asks for everything the hub may send; a module identity
// cannot receive cloud-to-device messages, so it skips that filter.
func (s *Session) subscribe(ctx context.Context, client mqtt.Client) error {
	filters := map[string]byte{
		TwinResponseFilter: 0,
		DesiredPatchFilter: 0,
		MethodCallFilter:   0,
	}
	if s.cfg.Identity.ModuleID == "" {
		filters[C2DFilter(s.cfg.Identity.DeviceID)] = 1
	}
	tok := client.SubscribeMultiple(filters, nil)
	if err := connfail.Wait(ctx, tok); err != nil {
		reason := ReasonSubscribe
		if !client.IsConnectionOpen() { // dropped, not refused
			reason = ReasonClosedByHub
		}
		return &ConnectError{Reason: reason, Addr: s.broker.Host, Err: err}
	}
	for topic, code := range tok.(*mqtt.SubscribeToken).Result() {
		if code == 0x80 {
			return &ConnectError{Reason: ReasonSubscribe, Addr: s.broker.Host, Err: fmt.Errorf("filter %s refused", topic)}
		}
	}
	return nil
}

func (s *Session) isClosed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}
