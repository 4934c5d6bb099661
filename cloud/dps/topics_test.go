package dps

import (
	"testing"
	"time"
)

func TestParseResponseTopic(t *testing.T) {
	tests := []struct {
		topic  string
		ok     bool
		status int
		rid    string
		retry  time.Duration
	}{
		{"$dps/registrations/res/202/?$rid=1&retry-after=3", true, 202, "1", 3 * time.Second},
		{"$dps/registrations/res/200/?$rid=17", true, 200, "17", 0},
		{"$dps/registrations/res/429/?retry-after=30&$rid=2", true, 429, "2", 30 * time.Second},
		{"$dps/registrations/res/202/?$rid=1&retry-after=soon", true, 202, "1", 0},
		{"$dps/registrations/res/202/?$rid=1&retry-after=-4", true, 202, "1", 0},
		{"$dps/registrations/res/202/?retry-after=3", false, 0, "", 0},
		{"$dps/registrations/res/abc/?$rid=1", false, 0, "", 0},
		{"$dps/registrations/res/202", false, 0, "", 0},
		{"$iothub/twin/res/200/?$rid=1", false, 0, "", 0},
		{"$dps/registrations/res/202/?$rid=1&bad=%zz", false, 0, "", 0},
	}
	for _, tc := range tests {
		got, ok := parseResponseTopic(tc.topic)
		if ok != tc.ok || got.status != tc.status || got.rid != tc.rid || got.retryAfter != tc.retry {
			t.Errorf("parseResponseTopic(%q) = %+v, %v; want status %d rid %q retry %v ok %v",
				tc.topic, got, ok, tc.status, tc.rid, tc.retry, tc.ok)
		}
	}
}

func TestRetryWait(t *testing.T) {
	tests := []struct {
		name         string
		hint, lo, hi time.Duration
		want         time.Duration
	}{
		{"hint kept", 3 * time.Second, DefaultMinRetry, DefaultMaxRetry, 3 * time.Second},
		{"no hint", 0, DefaultMinRetry, DefaultMaxRetry, defaultRetry},
		{"below one second", 200 * time.Millisecond, DefaultMinRetry, DefaultMaxRetry, time.Second},
		{"above five minutes", time.Hour, DefaultMinRetry, DefaultMaxRetry, 300 * time.Second},
		{"shortened for a local service", time.Second, time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := retryWait(tc.hint, tc.lo, tc.hi); got != tc.want {
			t.Errorf("%s: retryWait(%v, %v, %v) = %v, want %v", tc.name, tc.hint, tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestStatusRequestTopic(t *testing.T) {
	got := statusRequestTopic("4", "4.d0a6.42d7-8be7&x")
	want := "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=4&operationId=4.d0a6.42d7-8be7%26x"
	if got != want {
		t.Errorf("statusRequestTopic = %q, want %q", got, want)
	}
}
