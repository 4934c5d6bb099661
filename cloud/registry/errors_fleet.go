package registry

import (
	"errors"
	"net/http"
	"strings"
)

// Kinds of failure of the query, twin, method and job calls.
var (
	ErrBadQuery      = errors.New("the hub cannot run this query: check the WHERE clause (e.g. tags.site = 'a' AND properties.reported.model = 'EC600N')")
	ErrDeviceOffline = errors.New("the device is not connected, or its program does not listen for direct methods: start it and try again")
	ErrMethodTimeout = errors.New("the device did not answer the method in time: allow a longer timeout or check its program")
	ErrJobNotFound   = errors.New("the hub has no job with this id")
	ErrJobExists     = errors.New("the hub already has a job with this id: choose another")
)

// IoT Hub error codes that tell the fleet calls' 404s and 409s apart.
const (
	codeDeviceNotOnline = 404103
	codeJobNotFound     = 404002
)

// refine gives a failed fleet call a kind that fits it: a 404 of a method
// call is an offline device when the hub says so, a 400 of a query is a
// bad query, and so on. Other failures keep their kind.
func refine(err error, call string) error {
	var re *RequestError
	if !errors.As(err, &re) {
		return err
	}
	switch {
	case call == "query" && re.Status == http.StatusBadRequest:
		re.Kind = ErrBadQuery
	case call == "method" && re.Status == http.StatusNotFound && (re.Code == codeDeviceNotOnline || re.Code == 0 && strings.Contains(re.Message, "DeviceNotOnline")):
		re.Kind = ErrDeviceOffline
	case call == "method" && re.Status == http.StatusGatewayTimeout:
		re.Kind = ErrMethodTimeout
	case call == "job" && re.Status == http.StatusNotFound:
		re.Kind = ErrJobNotFound
	case call == "job" && re.Status == http.StatusConflict:
		re.Kind = ErrJobExists
	case call == "job" && re.Status == http.StatusBadRequest:
		re.Kind = ErrBadQuery
	}
	return err
}
