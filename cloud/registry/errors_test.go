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
		kinds = append(kinds, kindOfAnswer(status, ""), kindOfAnswer(status, "does not allow access"))
	}
	for _, k := range kinds {
		if !listed[k.Error()] {
			t.Errorf("kind %q is not in Reasons()", k)
		}
	}
}

func TestKindOfStatus(t *testing.T) {
	tests := map[int]error{
		401: ErrKeyRefused, 403: ErrHubRefused, 404: ErrDeviceNotFound, 409: ErrDeviceExists,
		429: ErrThrottled, 500: ErrHubFailure, 503: ErrHubFailure, 400: ErrRejected, 412: ErrRejected,
	}
	for status, want := range tests {
		if got := kindOfAnswer(status, ""); got != want {
			t.Errorf("kindOfAnswer(%d) = %q, want %q", status, got, want)
		}
	}
}

// IoT Hub answers 401 both for a token it cannot verify and for a policy
// without the right; only the message tells them apart. The bodies are
// the forms Microsoft's troubleshooting pages and SDK issues show.
func TestKindOfUnauthorizedAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"bad signature", 401, `{"Message":"ErrorCode:IotHubUnauthorizedAccess;Unauthorized","ExceptionMessage":"Tracking ID:0-G:4-TimeStamp:09/23/2019 16:17:08"}`, ErrKeyRefused},
		{"new form", 401, `{"errorCode":401002,"trackingId":"ada7","message":"Unauthorized","timestampUtc":"2019-09-05T11:05:04Z"}`, ErrKeyRefused},
		{"no body", 401, ``, ErrKeyRefused},
		{"rule without the right", 401, `{"Message":"ErrorCode:IotHubUnauthorized;Authorization rule 'registryRead' does not allow access for 'PUT /devices/dev1'","ExceptionMessage":"Tracking ID:1"}`, ErrNoRights},
		{"principal without a role", 401, `{"Message":"ErrorCode:IotHubUnauthorized;Principal tech@example.com is not authorized for GET on /twins/John due to no assigned permissions","ExceptionMessage":"Tracking ID:2"}`, ErrNoRights},
		{"local hub without the right", 401, `{"Message":"ErrorCode:IotHubUnauthorizedAccess;policy \"registryRead\" lacks the RegistryWrite right this call needs","errorCode":401002}`, ErrNoRights},
		{"forbidden right", 403, `{"Message":"ErrorCode:IotHubUnauthorized;Authorization rule 'service' does not allow access for 'DELETE /devices/d'"}`, ErrNoRights},
		{"quota", 403, `{"Message":"ErrorCode:IotHubQuotaExceeded;Total number of messages on IotHub 'h' exceeded the allocated quota","ExceptionMessage":"Tracking ID:3"}`, ErrHubRefused},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, msg := hubMessage([]byte(tc.body))
			if got := kindOfAnswer(tc.status, msg); got != tc.want {
				t.Errorf("kindOfAnswer(%d, %q) = %q, want %q", tc.status, msg, got, tc.want)
			}
		})
	}
}
