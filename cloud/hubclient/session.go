package hubclient

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"qpyhub/cloud"
)

// Session is one device's connection to IoT Hub. It reconnects by itself
// (with a fresh token when it has the key) until Close, until a pasted
// token expires, or until it finds another connection using the device.
// All methods are safe for concurrent use.
//
// The hub allows one connection per device id, and MQTT 3.1.1 does not say
// why a connection ends: a session pushed off once reports
// ReasonClosedByHub and reconnects, as after a hub restart; a session
// whose new connections are closed again soon after they are made gives
// the device up and ends with ReasonDisplaced (see displacement.go)
// instead of pushing the other client off in turn for ever.
type Session struct {
	cfg    Config
	broker *url.URL
	log    *slog.Logger
	events *eventQueue
	twin   *pendingRequests

	mu      sync.Mutex
	started bool
	closed  bool
	current *connection   // nil while not connected
	ready   chan struct{} // closed when current becomes non-nil
	gen     uint64        // numbers connection attempts; stale signals are ignored
	ended   string        // the final state's reason, once stopped

	displaced displacementWatch // the supervisor's alone

	lost     chan connLoss
	done     chan struct{} // closed by Close
	stopped  chan struct{} // closed when the supervisor ends
	stopOnce sync.Once
}

// connection is one paho client from CONNACK until it is dropped.
type connection struct {
	client mqttClient
	gen    uint64
	since  time.Time     // when the hub accepted it (monotonic)
	expiry time.Time     // when its token expires
	gone   chan struct{} // closed when the session stops using it
}

// connLoss is paho's report that connection gen dropped.
type connLoss struct {
	gen uint64
	err error
}

// New checks cfg and prepares a session; nothing is dialed until Connect.
func New(cfg Config) (*Session, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	broker, err := cfg.brokerURL()
	if err != nil {
		return nil, err
	}
	if _, err := cfg.tlsConfig(broker); err != nil {
		return nil, err // a bad CA file fails here, before any dialing
	}
	return &Session{
		cfg:     cfg,
		broker:  broker,
		log:     cfg.Logger,
		events:  newEventQueue(cfg.EventBuffer),
		twin:    newPendingRequests(),
		ready:   make(chan struct{}),
		lost:    make(chan connLoss, 4),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}, nil
}

// Events delivers what happens, in order, until the session ends; then
// the channel is closed. A cloud-to-device message is acknowledged to the
// hub when it is read here, so none is lost to a slow reader: the hub
// holds back the rest, and what is still unread when the session ends is
// delivered on the device's next connection. Of the other events, the
// oldest is dropped when EventBuffer of them wait, and counted in
// ConnectionState.Dropped. After the session ends, read to the end of
// the channel.
func (s *Session) Events() <-chan Event { return s.events.events() }

// Addr is the URL the session dials.
func (s *Session) Addr() string { return s.broker.String() }

// Connect dials the hub, subscribes, and starts keeping the connection up.
// It returns the first attempt's error as a *ConnectError with advice; a
// failed Connect may be retried.
func (s *Session) Connect(ctx context.Context) error {
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return ErrClosed
	case s.started:
		s.mu.Unlock()
		return errors.New("hubclient: Connect called twice")
	}
	s.started = true
	s.mu.Unlock()

	s.emitState(StateConnecting, "", nil, time.Time{})
	conn, err := s.connectFirst(ctx)
	if err != nil {
		s.emitState(StateDisconnected, reasonOf(err), err, time.Time{})
		s.mu.Lock()
		s.started = false
		closing := s.closed
		s.mu.Unlock()
		if closing { // Close ran meanwhile and waits for the end
			s.stop(StateDisconnected, ReasonClosed)
		}
		return err
	}
	s.emitState(StateConnected, "", nil, conn.expiry)
	go s.supervise(conn)
	return nil
}

// Close disconnects, stops reconnecting and closes Events. It is safe to
// call more than once and from any goroutine.
func (s *Session) Close() {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	started := s.started
	s.mu.Unlock()
	if already {
		<-s.stopped
		return
	}
	close(s.done)
	if !started {
		s.stop(StateDisconnected, ReasonClosed)
	}
	<-s.stopped
}

// stop ends the session once: drops the connection, reports the final
// state and closes Events.
func (s *Session) stop(state State, reason string) {
	s.stopOnce.Do(func() {
		s.dropConnection(true)
		s.mu.Lock()
		s.closed = true
		s.ended = reason
		s.mu.Unlock()
		s.twin.failAll()
		s.emitState(state, reason, nil, time.Time{})
		s.events.close()
		close(s.stopped)
	})
}

// emitState reports a connection state; err adds its text as detail.
func (s *Session) emitState(state State, reason string, err error, expiry time.Time) {
	ev := &ConnectionState{State: state, Reason: reason, Addr: s.broker.Host, TokenExpiresAt: expiry, Time: s.cfg.Now()}
	if err != nil {
		ev.Detail = err.Error()
	}
	s.log.Info("hub connection", "state", state, "reason", reason, "addr", s.broker.Host)
	s.events.push(ev)
}

// reasonOf picks the advice out of a connect error.
func reasonOf(err error) string {
	var ce *ConnectError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	var cfgErr *cloud.FieldError
	if errors.As(err, &cfgErr) {
		return cfgErr.Reason
	}
	return ReasonConnectionLost
}

// setConnection makes conn the current connection and wakes waiters.
func (s *Session) setConnection(conn *connection) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current = conn
	close(s.ready)
}

// dropConnection forgets the current connection; graceful sends DISCONNECT.
func (s *Session) dropConnection(graceful bool) {
	s.mu.Lock()
	conn := s.current
	if conn != nil {
		s.current = nil
		s.ready = make(chan struct{})
	}
	s.mu.Unlock()
	if conn == nil {
		return
	}
	close(conn.gone)
	if graceful {
		conn.client.Disconnect(250)
	}
}

// waitConnection returns the current connection, waiting for one if the
// session is between connections.
func (s *Session) waitConnection(ctx context.Context) (*connection, error) {
	for {
		s.mu.Lock()
		conn, ready, closed := s.current, s.ready, s.closed
		s.mu.Unlock()
		if closed {
			return nil, s.closedError()
		}
		if conn != nil {
			return conn, nil
		}
		select {
		case <-ready:
		case <-s.stopped:
			return nil, s.closedError()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// closedError says why calls fail on a session that ended: an
// *EndedError when it ended by itself, else ErrClosed.
func (s *Session) closedError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended != "" && s.ended != ReasonClosed {
		return &EndedError{Reason: s.ended}
	}
	return ErrClosed
}

// Connected reports whether a connection is up right now.
func (s *Session) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current != nil
}

// Dropped is how many events were discarded because Events was not read.
func (s *Session) Dropped() uint64 { return s.events.droppedCount() }
