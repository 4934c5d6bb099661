package hubclient

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Topic filters a device subscribes to (PROTOCOLS §2). Modules cannot
// receive cloud-to-device messages, so they use only the last three.
const (
	TwinResponseFilter = "$iothub/twin/res/#"
	DesiredPatchFilter = "$iothub/twin/PATCH/properties/desired/#"
	MethodCallFilter   = "$iothub/methods/POST/#"
)

const (
	twinResponsePrefix = "$iothub/twin/res/"
	desiredPatchPrefix = "$iothub/twin/PATCH/properties/desired/"
	methodCallPrefix   = "$iothub/methods/POST/"
	c2dSegment         = "messages/devicebound"
)

// ErrBadTopic is wrapped by every topic parse error.
var ErrBadTopic = errors.New("unexpected topic from the hub")

// C2DFilter is the subscription for cloud-to-device messages to deviceID.
func C2DFilter(deviceID string) string {
	return "devices/" + deviceID + "/" + c2dSegment + "/#"
}

// TelemetryTopic is where a device (moduleID empty) or a module publishes
// telemetry, with the bag appended. The trailing slash is kept even for an
// empty bag, as the hub's SDKs do.
func TelemetryTopic(deviceID, moduleID string, bag PropertyBag) string {
	var sb strings.Builder
	sb.WriteString("devices/")
	sb.WriteString(deviceID)
	if moduleID != "" {
		sb.WriteString("/modules/")
		sb.WriteString(moduleID)
	}
	sb.WriteString("/messages/events/")
	sb.WriteString(bag.Encode())
	return sb.String()
}

// ParseC2DTopic splits "devices/{id}/messages/devicebound/{bag}" into the
// device id and the decoded bag.
func ParseC2DTopic(topic string) (deviceID string, bag PropertyBag, err error) {
	rest, ok := strings.CutPrefix(topic, "devices/")
	if !ok {
		return "", PropertyBag{}, fmt.Errorf("%w: %q is not a cloud-to-device topic", ErrBadTopic, topic)
	}
	deviceID, rest, ok = strings.Cut(rest, "/")
	if !ok || deviceID == "" {
		return "", PropertyBag{}, fmt.Errorf("%w: %q names no device", ErrBadTopic, topic)
	}
	rest, ok = strings.CutPrefix(rest, c2dSegment)
	if !ok {
		return "", PropertyBag{}, fmt.Errorf("%w: %q is not a cloud-to-device topic", ErrBadTopic, topic)
	}
	if rest != "" {
		if rest, ok = strings.CutPrefix(rest, "/"); !ok {
			return "", PropertyBag{}, fmt.Errorf("%w: %q is not a cloud-to-device topic", ErrBadTopic, topic)
		}
	}
	bag, err = ParsePropertyBag(rest)
	if err != nil {
		return "", PropertyBag{}, err
	}
	return deviceID, bag, nil
}

// TwinGetTopic asks for the whole twin; the answer carries the same rid.
func TwinGetTopic(rid string) string {
	return "$iothub/twin/GET/?$rid=" + escapeComponent(rid)
}

// TwinPatchReportedTopic sends a reported-properties patch.
func TwinPatchReportedTopic(rid string) string {
	return "$iothub/twin/PATCH/properties/reported/?$rid=" + escapeComponent(rid)
}

// TwinResponse is what "$iothub/twin/res/{status}/?$rid=…&$version=…" says.
// Version is 0 when the hub sent none (a GET answer).
type TwinResponse struct {
	Status  int
	RID     string
	Version int
}

// ParseTwinResponseTopic reads a twin answer topic.
func ParseTwinResponseTopic(topic string) (TwinResponse, error) {
	rest, ok := strings.CutPrefix(topic, twinResponsePrefix)
	if !ok {
		return TwinResponse{}, fmt.Errorf("%w: %q is not a twin response", ErrBadTopic, topic)
	}
	statusText, query, ok := strings.Cut(rest, "/")
	if !ok {
		return TwinResponse{}, fmt.Errorf("%w: %q has no request id", ErrBadTopic, topic)
	}
	status, err := parseStatus(statusText)
	if err != nil {
		return TwinResponse{}, fmt.Errorf("%w: %q: %w", ErrBadTopic, topic, err)
	}
	bag, err := parseQuery(query)
	if err != nil {
		return TwinResponse{}, err
	}
	r := TwinResponse{Status: status}
	r.RID, _ = bag.Get("$rid")
	if v, ok := bag.Get("$version"); ok {
		if r.Version, err = strconv.Atoi(v); err != nil {
			return TwinResponse{}, fmt.Errorf("%w: %q: version %q is not a number", ErrBadTopic, topic, v)
		}
	}
	return r, nil
}

// ParseDesiredPatchTopic reads the version from
// "$iothub/twin/PATCH/properties/desired/?$version=n".
func ParseDesiredPatchTopic(topic string) (version int, err error) {
	rest, ok := strings.CutPrefix(topic, desiredPatchPrefix)
	if !ok {
		return 0, fmt.Errorf("%w: %q is not a desired-properties patch", ErrBadTopic, topic)
	}
	bag, err := parseQuery(rest)
	if err != nil {
		return 0, err
	}
	v, ok := bag.Get("$version")
	if !ok {
		return 0, fmt.Errorf("%w: %q has no version", ErrBadTopic, topic)
	}
	if version, err = strconv.Atoi(v); err != nil {
		return 0, fmt.Errorf("%w: %q: version %q is not a number", ErrBadTopic, topic, v)
	}
	return version, nil
}

// ParseMethodCallTopic reads "$iothub/methods/POST/{name}/?$rid={rid}".
func ParseMethodCallTopic(topic string) (name, rid string, err error) {
	rest, ok := strings.CutPrefix(topic, methodCallPrefix)
	if !ok {
		return "", "", fmt.Errorf("%w: %q is not a method call", ErrBadTopic, topic)
	}
	name, query, ok := strings.Cut(rest, "/")
	if !ok || name == "" {
		return "", "", fmt.Errorf("%w: %q names no method", ErrBadTopic, topic)
	}
	bag, err := parseQuery(query)
	if err != nil {
		return "", "", err
	}
	rid, ok = bag.Get("$rid")
	if !ok || rid == "" {
		return "", "", fmt.Errorf("%w: %q has no request id", ErrBadTopic, topic)
	}
	return name, rid, nil
}

// MethodResponseTopic is where the answer to method call rid goes.
func MethodResponseTopic(status int, rid string) string {
	return "$iothub/methods/res/" + strconv.Itoa(status) + "/?$rid=" + escapeComponent(rid)
}

// parseQuery decodes the "?k=v&…" tail of a twin or method topic.
func parseQuery(s string) (PropertyBag, error) {
	if s == "" {
		return PropertyBag{}, nil
	}
	q, ok := strings.CutPrefix(s, "?")
	if !ok {
		return PropertyBag{}, fmt.Errorf("%w: %q should start with '?'", ErrBadTopic, s)
	}
	return ParsePropertyBag(q)
}

func parseStatus(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 999 {
		return 0, fmt.Errorf("status %q is not an HTTP status", s)
	}
	return n, nil
}
