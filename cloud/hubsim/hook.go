package hubsim

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// brokerHook plugs IoT Hub's rules into the mochi broker: who may
// connect, which topics each client may use, and what a publish means.
type brokerHook struct {
	mqtt.HookBase
	s *Server
}

func (h *brokerHook) ID() string { return "iothub-rules" }

func (h *brokerHook) Provides(b byte) bool {
	return bytes.Contains([]byte{
		mqtt.OnConnect,
		mqtt.OnConnectAuthenticate,
		mqtt.OnACLCheck,
		mqtt.OnSessionEstablish,
		mqtt.OnSessionEstablished,
		mqtt.OnDisconnect,
		mqtt.OnPacketRead,
		mqtt.OnPacketSent,
		mqtt.OnPublish,
	}, []byte{b})
}

// OnConnect refuses MQTT 5 (IoT Hub speaks 3.1.1 on this endpoint; 3.1 is
// refused through MinimumProtocolVersion) and caps the keepalive.
func (h *brokerHook) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	if cl.Properties.ProtocolVersion != 4 {
		connOf(cl).refuse(errors.New("MQTT 5 (IoT Hub speaks MQTT 3.1.1 here)"))
		_ = h.s.mq.SendConnack(cl, packets.ErrUnsupportedProtocolVersion, false, nil)
		return packets.ErrUnsupportedProtocolVersion
	}
	if cl.State.Keepalive > maxKeepalive {
		cl.State.Keepalive = maxKeepalive
	}
	return nil
}

// OnConnectAuthenticate checks the SAS token; a refusal becomes CONNACK
// return code 5, "not authorized", as IoT Hub answers.
func (h *brokerHook) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	info, err := h.s.authenticate(pk)
	if err != nil {
		connOf(cl).refuse(err) // the gate logs it when the connection ends
		return false
	}
	if info.kind == kindDPS {
		// Registration and hub sessions share one broker; keep a DPS
		// client from taking over the session of a device with its id.
		cl.ID = "$dps/" + info.id
	}
	wait := info.tokenExpires.Add(h.s.cfg.TokenGrace).Sub(h.s.cfg.Now())
	info.expiryTimer = time.AfterFunc(wait, func() { cl.Stop(errTokenExpired) })
	h.s.presence.add(cl, info)
	return true
}

// OnACLCheck allows what OnPacketRead already let through; deliveries to a
// client (write false) are the broker's own and always allowed.
func (h *brokerHook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	if !write {
		return true
	}
	info, ok := h.s.presence.info(cl)
	return ok && h.s.classifyPublish(info, topic) != publishForbidden
}

func (h *brokerHook) OnSessionEstablish(cl *mqtt.Client, pk packets.Packet) {
	connOf(cl).markSession()
	h.s.presence.markConnected(cl)
}

// OnSessionEstablished, after the CONNACK, closes what is left of older
// connections of the device, and delivers C2D messages queued while no
// session existed, when the session it resumed already holds the
// subscription.
func (h *brokerHook) OnSessionEstablished(cl *mqtt.Client, pk packets.Packet) {
	h.s.presence.settle(cl)
	if info, ok := h.s.presence.info(cl); ok && info.kind == kindDevice {
		h.s.c2d.flush(info.id)
	}
}

func (h *brokerHook) OnDisconnect(cl *mqtt.Client, err error, expire bool) {
	h.s.logClose(cl, err)
}

// OnPacketRead closes the connection, as IoT Hub does, on a QoS 2 publish,
// a publish or subscription outside the client's topics, a telemetry
// message over IoT Hub's size limit, and a sixth subscription.
func (h *brokerHook) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	var reason error
	switch pk.FixedHeader.Type {
	case packets.Connect:
		connOf(cl).markConnect(pk.Connect.ClientIdentifier)
		return pk, nil
	case packets.Publish:
		reason = h.s.checkPublish(cl, pk)
	case packets.Subscribe:
		reason = h.s.checkSubscribe(cl, pk)
	default:
		return pk, nil
	}
	if reason != nil {
		cl.Stop(reason) // the cause OnDisconnect logs
		return pk, packets.ErrRejectPacket
	}
	return pk, nil
}

// OnPacketSent delivers queued C2D messages once the SUBACK for the
// devicebound filter has reached the device.
func (h *brokerHook) OnPacketSent(cl *mqtt.Client, pk packets.Packet, b []byte) {
	if pk.FixedHeader.Type != packets.Suback {
		return
	}
	if info, ok := h.s.presence.info(cl); ok && info.kind == kindDevice && subscribed(cl, deviceboundFilter(info.id)) {
		h.s.c2d.flush(info.id)
	}
}

// OnPublish acts on what a client sent. Nothing a device publishes is
// routed to other clients, so every publish ends here.
func (h *brokerHook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if cl.Net.Inline { // the hub's own C2D messages: route them
		return pk, nil
	}
	info, ok := h.s.presence.info(cl)
	if !ok {
		return pk, packets.ErrRejectPacket
	}
	h.s.handlePublish(cl, info, pk)
	return pk, packets.CodeSuccessIgnore
}

func (s *Server) classifyPublish(info *clientInfo, topic string) publishKind {
	if info.kind == kindDPS {
		return classifyDPSPublish(topic)
	}
	return classifyDevicePublish(info.id, topic)
}

func (s *Server) checkPublish(cl *mqtt.Client, pk packets.Packet) error {
	if pk.FixedHeader.Qos > 1 {
		return errors.New("QoS 2 publish (IoT Hub supports QoS 0 and 1)")
	}
	info, ok := s.presence.info(cl)
	if !ok {
		return fmt.Errorf("publish to a topic this client may not use: %q", pk.TopicName)
	}
	switch s.classifyPublish(info, pk.TopicName) {
	case publishForbidden:
		return fmt.Errorf("publish to a topic this client may not use: %q", pk.TopicName)
	case publishTelemetry:
		// The message is the body and its properties, here the bag as sent.
		size := len(pk.Payload) + max(0, len(pk.TopicName)-len(telemetryPrefix(info.id)))
		if size > maxMessageSize {
			return fmt.Errorf("a device-to-cloud message of %d bytes (IoT Hub's limit is %d)", size, maxMessageSize)
		}
	}
	return nil
}

func (s *Server) checkSubscribe(cl *mqtt.Client, pk packets.Packet) error {
	info, ok := s.presence.info(cl)
	if !ok {
		return errors.New("subscribe from an unknown connection")
	}
	count := cl.State.Subscriptions.Len()
	for _, f := range pk.Filters {
		allowed := dpsMaySubscribe(f.Filter)
		if info.kind == kindDevice {
			allowed = deviceMaySubscribe(info.id, f.Filter)
		}
		if !allowed {
			return fmt.Errorf("subscription to a topic this client may not use: %q", f.Filter)
		}
		if !subscribed(cl, f.Filter) {
			count++
		}
	}
	if count > maxSubscriptions {
		return fmt.Errorf("more than %d subscriptions", maxSubscriptions)
	}
	return nil
}

// handlePublish dispatches an allowed publish to the part that answers it.
func (s *Server) handlePublish(cl *mqtt.Client, info *clientInfo, pk packets.Packet) {
	switch s.classifyPublish(info, pk.TopicName) {
	case publishTelemetry:
		s.telemetry.add(info.id, pk.TopicName, pk.Payload)
	case publishTwinGet:
		s.answerTwinGet(cl, info.id, pk.TopicName)
	case publishTwinReported:
		s.answerReportedPatch(cl, info.id, pk.TopicName, pk.Payload)
	case publishMethodResponse:
		s.methods.complete(info.id, pk.TopicName, pk.Payload)
	case publishDPSRegister:
		s.dps.register(cl, info, pk.TopicName, pk.Payload)
	case publishDPSStatus:
		s.dps.status(cl, info, pk.TopicName)
	}
}

// sendDirect writes a QoS 0 publish straight to one connection. Twin
// answers, method requests and DPS answers go to one client although
// every device subscribes to the same filter, so they bypass routing.
func sendDirect(cl *mqtt.Client, topic string, payload []byte) error {
	return cl.WritePacket(packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Publish},
		TopicName:   topic,
		Payload:     payload,
	})
}
