package hubclient

import (
	"context"
	"errors"
	"time"
)

// Renewal and retry timing. MQTT cannot refresh a token in place, so the
// session reconnects with a new one at renewFraction of its lifetime, as
// the Azure SDKs do.
const (
	renewFraction   = 0.8
	expiryWarning   = 5 * time.Minute
	firstRetryDelay = 500 * time.Millisecond
	maxRetryDelay   = 30 * time.Second
)

// supervise keeps the session connected until Close or token expiry.
func (s *Session) supervise(conn *connection) {
	for {
		retryDelay, ok := s.watch(conn)
		if !ok {
			return
		}
		if conn, ok = s.reconnect(retryDelay); !ok {
			return
		}
	}
}

// watch waits while conn is up. It returns when conn must be replaced,
// with the delay before the first new attempt, or false when the session
// has stopped.
func (s *Session) watch(conn *connection) (time.Duration, bool) {
	renew, warn, expire := s.timersFor(conn.expiry)
	defer renew.Stop()
	defer warn.Stop()
	defer expire.Stop()
	for {
		select {
		case <-s.done:
			s.stop(StateDisconnected, ReasonClosed)
			return 0, false
		case <-renew.C:
			s.dropConnection(true)
			s.emitState(StateReconnecting, ReasonRenewing, nil, conn.expiry)
			return 0, true
		case <-warn.C:
			s.emitState(StateConnected, ReasonTokenExpiring, nil, conn.expiry)
		case <-expire.C:
			s.stop(StateExpired, ReasonTokenExpired)
			return 0, false
		case loss := <-s.lost:
			if loss.gen != conn.gen {
				continue // from a connection already replaced
			}
			s.dropConnection(false)
			if s.tokenOnly() && !s.cfg.Now().Before(conn.expiry) {
				s.stop(StateExpired, ReasonTokenExpired)
				return 0, false
			}
			reason := lostReason(loss.err)
			if reason != ReasonClosedByHub {
				s.displaced.clear()
			} else if s.displaced.closedByHub(time.Since(conn.since)) {
				s.log.Warn("giving the device up to another connection", "device", s.cfg.Identity.DeviceID)
				s.stop(StateDisconnected, ReasonDisplaced)
				return 0, false
			}
			s.emitState(StateReconnecting, reason, loss.err, conn.expiry)
			return firstRetryDelay, true
		}
	}
}

// timersFor plans the token's end: with a key, a renewal at 80 % of the
// remaining lifetime; with only a pasted token, a warning and the stop.
// Timers that do not apply never fire.
func (s *Session) timersFor(expiry time.Time) (renew, warn, expire *time.Timer) {
	never := func() *time.Timer {
		t := time.NewTimer(time.Hour)
		t.Stop()
		return t
	}
	left := expiry.Sub(s.cfg.Now())
	if !s.tokenOnly() {
		return time.NewTimer(time.Duration(float64(left) * renewFraction)), never(), never()
	}
	warnIn := left - expiryWarning
	if left > expiryWarning {
		warn = time.NewTimer(warnIn)
	} else {
		warn = time.NewTimer(0)
	}
	return never(), warn, time.NewTimer(left)
}

// tokenOnly reports whether the session has a pasted token but no key.
func (s *Session) tokenOnly() bool { return s.cfg.Identity.Key == "" }

// connectFirst makes the first connection. A connection the hub accepts
// and drops again before it is set up is how another connection of the
// device shows (it took the device straight back), so Connect tries again
// until the displacement score says to give up.
func (s *Session) connectFirst(ctx context.Context) (*connection, error) {
	s.displaced.clear() // a Connect retried after a failure starts afresh
	for {
		conn, err := s.connectOnce(ctx)
		var ce *ConnectError
		if err == nil || !errors.As(err, &ce) || ce.Reason != ReasonClosedByHub {
			return conn, err
		}
		if s.displaced.closedByHub(0) {
			return nil, &ConnectError{Reason: ReasonDisplaced, Addr: ce.Addr, Err: ce.Err}
		}
		s.emitState(StateConnecting, ReasonClosedByHub, err, time.Time{})
		t := time.NewTimer(firstRetryDelay)
		select {
		case <-t.C:
		case <-s.done:
			t.Stop()
			return nil, ErrClosed
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
	}
}

// reconnect tries until it connects, the session closes, or a pasted
// token expires. Failures are reported as reconnecting states with the
// reason, and retried with a doubling delay.
func (s *Session) reconnect(delay time.Duration) (*connection, bool) {
	for {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-s.done:
				t.Stop()
				s.stop(StateDisconnected, ReasonClosed)
				return nil, false
			case <-t.C:
			}
		}
		conn, err := s.connectOnce(context.Background())
		if err == nil {
			s.emitState(StateConnected, "", nil, conn.expiry)
			return conn, true
		}
		var ce *ConnectError
		switch {
		case errors.Is(err, ErrClosed):
			s.stop(StateDisconnected, ReasonClosed)
			return nil, false
		case errors.As(err, &ce) && ce.Reason == ReasonTokenExpired:
			s.stop(StateExpired, ReasonTokenExpired)
			return nil, false
		case errors.As(err, &ce) && ce.Reason == ReasonClosedByHub: // accepted, then dropped at once
			if s.displaced.closedByHub(0) {
				s.stop(StateDisconnected, ReasonDisplaced)
				return nil, false
			}
		default:
			s.displaced.clear() // the hub or the network, not a rival
		}
		s.emitState(StateReconnecting, reasonOf(err), err, time.Time{})
		delay = min(max(2*delay, firstRetryDelay), maxRetryDelay)
	}
}
