package hubsim

import (
	"fmt"
	"net/http"
)

// ServiceError is a failure IoT Hub would report with an HTTP status and
// an error code (the REST endpoints send it as the response). Callers tell
// kinds apart with errors.As and the Code field.
type ServiceError struct {
	Status  int    // HTTP status, e.g. 404
	Code    int    // IoT Hub error code, e.g. 404103
	Name    string // IoT Hub error name, e.g. "DeviceNotOnline"
	Message string // what happened and what to do
}

func (e *ServiceError) Error() string {
	return fmt.Sprintf("hubsim: %s (%d): %s", e.Name, e.Code, e.Message)
}

// IoT Hub error codes that hubsim reports.
const (
	CodeArgumentInvalid     = 400004
	CodeUnauthorized        = 401002
	CodeDeviceNotFound      = 404001
	CodeFileNotFound        = 404011
	CodeDeviceNotOnline     = 404103
	CodeDeviceAlreadyExists = 409001
	CodePreconditionFailed  = 412002
	CodeMessageTooLarge     = 413001
	CodeQueueDepthExceeded  = 403002
	CodeGatewayTimeout      = 504101
)

func errBadRequest(msg string) *ServiceError {
	return &ServiceError{http.StatusBadRequest, CodeArgumentInvalid, "ArgumentInvalid", msg}
}

// errTooLarge answers a request body over its limit; size is -1 when the
// body did not announce its length.
func errTooLarge(size, limit int64) *ServiceError {
	msg := fmt.Sprintf("the request body exceeds the %d bytes this call takes", limit)
	if size >= 0 {
		msg = fmt.Sprintf("the request body has %d bytes; this call takes at most %d", size, limit)
	}
	return &ServiceError{http.StatusRequestEntityTooLarge, CodeMessageTooLarge, "MessageTooLarge", msg}
}

func errUnauthorized(msg string) *ServiceError {
	return &ServiceError{http.StatusUnauthorized, CodeUnauthorized, "IotHubUnauthorizedAccess", msg}
}

func errDeviceNotFound(id string) *ServiceError {
	return &ServiceError{http.StatusNotFound, CodeDeviceNotFound, "DeviceNotFound",
		fmt.Sprintf("device %q is not registered; create it first", id)}
}

func errDeviceExists(id string) *ServiceError {
	return &ServiceError{http.StatusConflict, CodeDeviceAlreadyExists, "DeviceAlreadyExists",
		fmt.Sprintf("device %q already exists; send If-Match to update it", id)}
}

func errDeviceNotOnline(id string) *ServiceError {
	return &ServiceError{http.StatusNotFound, CodeDeviceNotOnline, "DeviceNotOnline",
		fmt.Sprintf("device %q is not connected or has not subscribed to $iothub/methods/POST/#", id)}
}

func errMethodTimeout(id, method string) *ServiceError {
	return &ServiceError{http.StatusGatewayTimeout, CodeGatewayTimeout, "GatewayTimeout",
		fmt.Sprintf("timed out waiting for device %q to answer method %q", id, method)}
}

func errPreconditionFailed(msg string) *ServiceError {
	return &ServiceError{http.StatusPreconditionFailed, CodePreconditionFailed, "PreconditionFailed", msg}
}

func errQueueFull(id string) *ServiceError {
	return &ServiceError{http.StatusForbidden, CodeQueueDepthExceeded, "DeviceMaximumQueueDepthExceeded",
		fmt.Sprintf("device %q already has %d cloud-to-device messages waiting; connect it to drain the queue", id, maxC2DQueue)}
}
