package hubsim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// Server is one local hub: an MQTT broker with IoT Hub's rules, DPS on the
// same listener, and the REST endpoints.
type Server struct {
	cfg       Config
	log       *slog.Logger
	ca        *certAuthority
	reg       *registry
	mq        *mqtt.Server
	presence  *presence
	telemetry *telemetryStore
	twins     *twinStore
	c2d       *c2dQueue
	methods   *methodCalls
	dps       *dpsService
	jobs      *jobStore
	files     *fileStore

	mu        sync.Mutex
	started   bool
	mqttAddr  string
	ws        *wsListener
	http      *http.Server
	httpAddr  string
	closeOnce sync.Once
}

// New prepares a hub: it loads the registry, takes the CA kept there (or
// makes one) and issues the server certificate. Nothing listens until
// Start.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	reg, err := newRegistry(cfg.RegistryFile, cfg.Devices)
	if err != nil {
		return nil, err
	}
	ca, err := hubCA(cfg, reg, cfg.Logger)
	if err != nil {
		return nil, err
	}
	files, err := newFileStore(filesDir(cfg.RegistryFile), cfg.Now)
	if err != nil {
		return nil, err
	}
	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumQos = 1             // QoS 2 subscriptions are granted QoS 1
	caps.RetainAvailable = 0        // IoT Hub does not store retained messages
	caps.MinimumProtocolVersion = 4 // MQTT 3.1.1
	caps.MaximumPacketSize = maxPacketSize
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		ca:        ca,
		reg:       reg,
		presence:  newPresence(),
		telemetry: newTelemetryStore(cfg.TelemetryKeep, cfg.TelemetryKeepBytes, cfg.Now),
		twins:     newTwinStore(),
		methods:   newMethodCalls(),
		jobs:      newJobStore(),
		files:     files,
	}
	s.mq = mqtt.New(&mqtt.Options{
		InlineClient: true,
		Capabilities: caps,
		// The broker's own log is for broker faults only: at lower levels
		// it prints packets.
		Logger: slog.New(levelFloor{cfg.Logger.Handler(), slog.LevelError}),
	})
	s.c2d = newC2DQueue(s.presence.device, cfg.Now)
	s.dps = newDPSService(s)
	if err := s.mq.AddHook(&brokerHook{s: s}, nil); err != nil {
		return nil, fmt.Errorf("hubsim: install broker rules: %w", err)
	}
	if err := s.mq.AddHook(&c2dHook{q: s.c2d}, nil); err != nil {
		return nil, fmt.Errorf("hubsim: install cloud-to-device delivery: %w", err)
	}
	return s, nil
}

// Start opens the listeners; they accept connections when it returns.
// Cancelling ctx closes the hub, as Close does.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("hubsim: Start called twice")
	}
	s.started = true
	tlsCfg := s.ca.serverTLS()
	policy := connPolicy{connectTimeout: s.cfg.ConnectTimeout, log: s.log}
	tcp, err := newTLSListener(s.cfg.MQTTAddr, tlsCfg, policy)
	if err != nil {
		return fmt.Errorf("hubsim: listen for MQTT on %s (is the port taken? pick another with --listen): %w", s.cfg.MQTTAddr, err)
	}
	if err := s.mq.AddListener(tcp); err != nil {
		_ = tcp.ln.Close()
		return fmt.Errorf("hubsim: add MQTT listener: %w", err)
	}
	s.mqttAddr = tcp.Address()
	if s.cfg.WSAddr != "" {
		ws, err := newWSListener(s.cfg.WSAddr, tlsCfg, policy)
		if err != nil {
			return fmt.Errorf("hubsim: listen for WebSockets on %s (is the port taken?): %w", s.cfg.WSAddr, err)
		}
		if err := s.mq.AddListener(ws); err != nil {
			return fmt.Errorf("hubsim: add WebSocket listener: %w", err)
		}
		s.ws = ws
	}
	if s.cfg.HTTPAddr != "" {
		if err := s.startHTTP(tlsCfg); err != nil {
			return err
		}
	}
	if err := s.mq.Serve(); err != nil {
		return fmt.Errorf("hubsim: start broker: %w", err)
	}
	context.AfterFunc(ctx, func() { _ = s.Close() })
	s.log.Info("local hub started", "host", s.cfg.HostName, "mqtt", s.mqttAddr)
	return nil
}

func (s *Server) startHTTP(tlsCfg *tls.Config) error {
	ln, err := tls.Listen("tcp", s.cfg.HTTPAddr, tlsCfg)
	if err != nil {
		return fmt.Errorf("hubsim: listen for HTTPS on %s (is the port taken?): %w", s.cfg.HTTPAddr, err)
	}
	s.httpAddr = ln.Addr().String()
	s.http = &http.Server{Handler: s.restHandler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: s.cfg.ConnectTimeout, ErrorLog: quietLog()}
	go func() { _ = s.http.Serve(ln) }()
	return nil
}

// Close stops the listeners and drops every connection.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		started, httpSrv := s.started, s.http
		s.mu.Unlock()
		if httpSrv != nil {
			_ = httpSrv.Close()
		}
		s.jobs.close() // before the connections go, so method jobs end cleanly
		for _, cl := range s.presence.all() {
			s.presence.remove(cl, Disconnect{At: s.cfg.Now(), Reason: errHubClosed.Error()})
		}
		if started {
			_ = s.mq.Close()
		}
		s.c2d.close(s.log) // reports the messages it held
	})
	return nil
}

// CAPEM returns the CA certificate (PEM) that clients must trust.
func (s *Server) CAPEM() []byte { return append([]byte(nil), s.ca.caPEM...) }

// HostName returns the hub host name used in SAS resources and usernames.
func (s *Server) HostName() string { return s.cfg.HostName }

// MQTTAddr returns the host:port the MQTT listener got.
func (s *Server) MQTTAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return loopbackAddr(s.mqttAddr)
}

// WSURL returns the WebSocket address, or "" when that listener is off.
func (s *Server) WSURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ws == nil {
		return ""
	}
	return "wss://" + loopbackAddr(s.ws.Address()) + wsPath
}

// HTTPURL returns the REST base address, or "" when that listener is off.
func (s *Server) HTTPURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpAddr == "" {
		return ""
	}
	return "https://" + loopbackAddr(s.httpAddr)
}

// loopbackAddr turns a wildcard listen address into one a local client
// can dial.
func loopbackAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// Connected reports whether a device has a live MQTT session.
func (s *Server) Connected(deviceID string) bool {
	return s.presence.device(deviceID) != nil
}

// WaitConnected waits until the device's connection state is want.
func (s *Server) WaitConnected(ctx context.Context, deviceID string, want bool) error {
	for {
		changed := s.presence.changed.wait()
		if s.Connected(deviceID) == want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("hubsim: waiting for device %q to be connected=%v: %w", deviceID, want, ctx.Err())
		case <-changed:
		}
	}
}

// levelFloor passes on only records at or above a level.
type levelFloor struct {
	slog.Handler
	floor slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.floor && h.Handler.Enabled(ctx, l)
}

func (h levelFloor) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFloor{h.Handler.WithAttrs(a), h.floor}
}

func (h levelFloor) WithGroup(name string) slog.Handler {
	return levelFloor{h.Handler.WithGroup(name), h.floor}
}

// quietLog silences net/http's own error log (TLS handshake noise from
// clients that do not trust the CA).
func quietLog() *log.Logger {
	return log.New(io.Discard, "", 0)
}
