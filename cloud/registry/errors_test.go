package registry

import (
	"errors"
	"testing"
)

func TestEveryKindIsListed(t *testing.T) {
	listed := map[string]bool{}
	for _, r := range Reasons() {
		if r == "" || listed[r] {
			t.Errorf("reason %q empty or listed twice", r)
		}
		listed[r] = true
	}
	kinds := []error{kindOfTransport(errors.New("connection refused")), ErrTimeout}
	for status := 300; status < 600; status++ {
		kinds = append(kinds, kindOfStatus(status))
	}
	for _, k := range kinds {
		if !listed[k.Error()] {
			t.Errorf("kind %q is not in Reasons()", k)
		}
	}
}

func TestKindOfStatus(t *testing.T) {
	tests := map[int]error{
		401: ErrUnauthorized, 403: ErrUnauthorized, 404: ErrDeviceNotFound, 409: ErrDeviceExists,
		429: ErrThrottled, 500: ErrHubFailure, 503: ErrHubFailure, 400: ErrRejected, 412: ErrRejected,
	}
	for status, want := range tests {
		if got := kindOfStatus(status); got != want {
			t.Errorf("kindOfStatus(%d) = %q, want %q", status, got, want)
		}
	}
}
