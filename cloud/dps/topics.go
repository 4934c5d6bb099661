package dps

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Topics of DPS registration over MQTT (PROTOCOLS.md §3).
const (
	ResponseFilter = "$dps/registrations/res/#"
	responsePrefix = "$dps/registrations/res/"
	registerTopic  = "$dps/registrations/PUT/iotdps-register/?$rid="
	statusTopic    = "$dps/registrations/GET/iotdps-get-operationstatus/?$rid="
)

// response is one DPS answer, read from its topic and body.
type response struct {
	status     int
	rid        string
	retryAfter time.Duration // 0 when DPS gave no hint
	body       []byte
}

// parseResponseTopic reads "$dps/registrations/res/{status}/?$rid={rid}[&retry-after={s}]".
func parseResponseTopic(topic string) (response, bool) {
	rest, ok := strings.CutPrefix(topic, responsePrefix)
	if !ok {
		return response{}, false
	}
	code, query, ok := strings.Cut(rest, "/?")
	if !ok {
		return response{}, false
	}
	status, err := strconv.Atoi(code)
	if err != nil || status < 100 || status > 999 {
		return response{}, false
	}
	values, err := url.ParseQuery(query)
	if err != nil || values.Get("$rid") == "" {
		return response{}, false
	}
	r := response{status: status, rid: values.Get("$rid")}
	if s, err := strconv.Atoi(values.Get("retry-after")); err == nil && s > 0 {
		r.retryAfter = time.Duration(s) * time.Second
	}
	return r, true
}

// statusRequestTopic asks for the state of an operation.
func statusRequestTopic(rid, operationID string) string {
	return statusTopic + rid + "&operationId=" + url.QueryEscape(operationID)
}

// retryWait is how long to wait before the next request: DPS's hint, or
// a default when it gave none, clamped to [lo, hi].
func retryWait(hint, lo, hi time.Duration) time.Duration {
	if hint <= 0 {
		hint = defaultRetry
	}
	return clamp(hint, lo, hi)
}

func clamp(d, lo, hi time.Duration) time.Duration {
	if d < lo {
		return lo
	}
	if d > hi {
		return hi
	}
	return d
}
