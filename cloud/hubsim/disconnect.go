package hubsim

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Disconnect is the end of a device's connection as the hub saw it.
type Disconnect struct {
	At     time.Time // on the hub's clock (Config.Now)
	Reason string    // in plain words; never a key or token
}

// Reasons the hub itself ends a connection.
var (
	errTokenExpired    = errors.New("its SAS token expired")
	errIdentityChanged = errors.New("the device identity was disabled or deleted")
	errHubClosed       = errors.New("the hub closed")
)

// LastDisconnect returns how the device's most recent connection ended.
func (s *Server) LastDisconnect(deviceID string) (Disconnect, bool) {
	return s.presence.lastDisconnect(deviceID)
}

// closeReason says why a session ended: the cause the connection was
// stopped with, else the error that ended its read loop.
func closeReason(cl *mqtt.Client, err error) string {
	cause := cl.StopCause()
	if cause == nil {
		cause = err
	}
	var netErr interface{ Timeout() bool }
	switch {
	case cause == nil || errors.Is(cause, packets.CodeDisconnect):
		return "the client disconnected"
	case errors.Is(cause, packets.ErrSessionTakenOver):
		return "another connection of the same device took over (IoT Hub allows one per device)"
	case errors.Is(cause, packets.ErrPacketTooLarge):
		return fmt.Sprintf("the client sent a packet larger than %d bytes (IoT Hub's limit)", maxPacketSize)
	case errors.Is(cause, os.ErrDeadlineExceeded) || (errors.As(cause, &netErr) && netErr.Timeout()):
		return "nothing arrived within one and a half keepalive intervals"
	case errors.Is(cause, io.EOF):
		return "the client closed the connection"
	}
	return cause.Error()
}

// logClose records and logs the end of an established session.
func (s *Server) logClose(cl *mqtt.Client, err error) {
	reason := closeReason(cl, err)
	info, ok := s.presence.remove(cl, Disconnect{At: s.cfg.Now(), Reason: reason})
	id := cl.ID
	if ok {
		id = info.id
	}
	s.log.Info("connection closed", "client", id, "remote", cl.Net.Remote, "reason", reason)
}
