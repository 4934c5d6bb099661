package hubsim

import (
	"net/url"
	"strconv"
	"strings"
)

// Topic names and filters of IoT Hub's MQTT surface (device side) and of
// DPS registration.
const (
	filterTwinResponses = "$iothub/twin/res/#"
	filterDesired       = "$iothub/twin/PATCH/properties/desired/#"
	filterMethods       = "$iothub/methods/POST/#"
	filterDPSResponses  = "$dps/registrations/res/#"

	topicTwinGet        = "$iothub/twin/GET/"
	topicTwinReported   = "$iothub/twin/PATCH/properties/reported/"
	topicMethodResponse = "$iothub/methods/res/"
	topicDPSRegister    = "$dps/registrations/PUT/iotdps-register/"
	topicDPSStatus      = "$dps/registrations/GET/iotdps-get-operationstatus/"
)

// publishKind says what a publish from a client asks for.
type publishKind int

const (
	publishForbidden publishKind = iota
	publishTelemetry
	publishTwinGet
	publishTwinReported
	publishMethodResponse
	publishDPSRegister
	publishDPSStatus
)

func telemetryPrefix(deviceID string) string {
	return "devices/" + deviceID + "/messages/events/"
}

func deviceboundFilter(deviceID string) string {
	return "devices/" + deviceID + "/messages/devicebound/#"
}

func deviceboundTopic(deviceID string) string {
	return "devices/" + deviceID + "/messages/devicebound/"
}

// classifyDevicePublish tells which of IoT Hub's topics a device publish
// goes to; everything else is forbidden.
func classifyDevicePublish(deviceID, topic string) publishKind {
	switch {
	case strings.HasPrefix(topic, telemetryPrefix(deviceID)),
		topic == strings.TrimSuffix(telemetryPrefix(deviceID), "/"):
		return publishTelemetry
	case strings.HasPrefix(topic, topicTwinGet+"?"):
		return publishTwinGet
	case strings.HasPrefix(topic, topicTwinReported+"?"):
		return publishTwinReported
	case strings.HasPrefix(topic, topicMethodResponse):
		if _, _, ok := parseMethodResponse(topic); ok {
			return publishMethodResponse
		}
	}
	return publishForbidden
}

// deviceMaySubscribe reports whether a device may subscribe to filter.
func deviceMaySubscribe(deviceID, filter string) bool {
	switch filter {
	case deviceboundFilter(deviceID), filterTwinResponses, filterDesired, filterMethods:
		return true
	}
	return false
}

// classifyDPSPublish does for a DPS client what classifyDevicePublish does
// for a device.
func classifyDPSPublish(topic string) publishKind {
	switch {
	case strings.HasPrefix(topic, topicDPSRegister+"?"):
		return publishDPSRegister
	case strings.HasPrefix(topic, topicDPSStatus+"?"):
		return publishDPSStatus
	}
	return publishForbidden
}

func dpsMaySubscribe(filter string) bool {
	return filter == filterDPSResponses
}

// topicQuery returns the query parameters after the '?' of a topic.
func topicQuery(topic string) url.Values {
	_, q, ok := strings.Cut(topic, "?")
	if !ok {
		return url.Values{}
	}
	v, err := url.ParseQuery(q)
	if err != nil {
		return url.Values{}
	}
	return v
}

// parseMethodResponse reads "$iothub/methods/res/{status}/?$rid={rid}".
func parseMethodResponse(topic string) (status int, rid string, ok bool) {
	rest := strings.TrimPrefix(topic, topicMethodResponse)
	code, query, found := strings.Cut(rest, "/?")
	if !found {
		return 0, "", false
	}
	status, err := strconv.Atoi(code)
	if err != nil {
		return 0, "", false
	}
	rid = topicQuery("?" + query).Get("$rid")
	return status, rid, rid != ""
}
