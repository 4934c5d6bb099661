package hubclient

import "time"

// Telling a rival connection from a hub restart.
//
// IoT Hub allows one connection per device id: when another client
// connects with the same id, the hub closes the older connection, and
// MQTT 3.1.1 gives no reason. Two programs holding one identity that both
// reconnect after a loss take the device from each other for ever, each
// kicking the other off within seconds. A hub restart, a failover or a
// network fault looks different: the hub closes a connection that had been
// up for a while, or the next attempt fails, or the loss is a timeout
// rather than a close.
//
// So the session scores each connection the hub closes (EOF or reset) by
// how long it had lived: closed within quickDropWindow of its CONNACK it
// scores 2, within recentDropWindow 1. A close after longer, a loss that
// is not a close, or a failed attempt clears the score. At displacedScore
// the session stops with ReasonDisplaced. Two sessions fighting from the
// start exchange the device about three times before one stops; against
// an established connection (older than recentDropWindow) the newcomer is
// the one that stops, because the first kick of the established one does
// not count. A rival that takes the device back only minutes later (a
// module noticing after its keepalive) still makes the session stop after
// four such losses. A hub that restarts twice within seconds of the
// session connecting, coming back each time before the session's first
// retry, would be mistaken for a rival; that is rare, and the session then
// stops with advice rather than looping.
const (
	quickDropWindow  = 10 * time.Second
	recentDropWindow = 5 * time.Minute
	displacedScore   = 4
)

// displacementWatch keeps the score; only the supervisor goroutine uses it.
type displacementWatch struct {
	score int
}

// closedByHub scores a connection the hub closed after it lived for
// lived, and reports whether the session should give the device up.
func (w *displacementWatch) closedByHub(lived time.Duration) bool {
	switch {
	case lived < quickDropWindow:
		w.score += 2
	case lived < recentDropWindow:
		w.score++
	default:
		w.score = 0
	}
	return w.score >= displacedScore
}

// clear forgets the score: the trouble is the hub or the network.
func (w *displacementWatch) clear() { w.score = 0 }
