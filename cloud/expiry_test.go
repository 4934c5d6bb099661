package cloud

import (
	"strconv"
	"testing"
	"time"
)

func TestParseTTL(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Duration
		reason string
	}{
		{"1h", time.Hour, ""},
		{"90m", 90 * time.Minute, ""},
		{" 1h30m ", 90 * time.Minute, ""},
		{"30d", 30 * 24 * time.Hour, ""},
		{"1y", 365 * 24 * time.Hour, ""},
		{"100y", 100 * 365 * 24 * time.Hour, ""},
		{"101y", 0, ReasonTooLong},
		{"99999999999999y", 0, ReasonTooLong},
		{"900000h", 0, ReasonTooLong},
		{"0s", 0, ReasonNotPositive},
		{"0d", 0, ReasonNotPositive},
		{"-1h", 0, ReasonNotPositive},
		{"-1d", 0, ReasonNotDuration},
		{"1.5d", 0, ReasonNotDuration},
		{"d", 0, ReasonNotDuration},
		{"", 0, ReasonNotDuration},
		{"tomorrow", 0, ReasonNotDuration},
		{"12", 0, ReasonNotDuration},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTTL(tc.in)
			if tc.reason != "" {
				assertFieldError(t, err, "ttl", tc.reason)
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParseTTL(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestLifetimeWarning(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want bool
	}{
		{time.Hour, false},
		{30 * Day, false},
		{30*Day + time.Second, true},
		{Year, true},
	}
	for _, tc := range tests {
		if got := LifetimeWarning(tc.d); got != tc.want {
			t.Errorf("LifetimeWarning(%v) = %v", tc.d, got)
		}
	}
}

func TestExpiryPresets(t *testing.T) {
	presets := ExpiryPresets()
	want := []time.Duration{time.Hour, Day, 30 * Day, Year}
	if len(presets) != len(want) {
		t.Fatalf("got %d presets", len(presets))
	}
	for i, p := range presets {
		if p.Lifetime != want[i] || p.Label == "" {
			t.Errorf("preset %d = %+v, want lifetime %v", i, p, want[i])
		}
	}
	if LifetimeWarning(presets[2].Lifetime) {
		t.Error("the 30-day preset must not warn")
	}
}

func TestCheckExpiry(t *testing.T) {
	now := time.Unix(1000, 0)
	tests := []struct {
		expiry int64
		ok     bool
	}{{1001, true}, {1000, false}, {10, false}}
	for _, tc := range tests {
		err := CheckExpiry(time.Unix(tc.expiry, 0), now)
		if tc.ok {
			if err != nil {
				t.Errorf("CheckExpiry(%d) = %v", tc.expiry, err)
			}
			continue
		}
		assertFieldError(t, err, "expiry", ReasonInPast)
	}
}

// Unix seconds past 9999-12-31 are no date a hub (or RFC 3339) can
// express: se=9223372036854775807 must be refused, not shown as the year
// 292277026596.
func TestParseSASTokenExpiryRange(t *testing.T) {
	const sig = "kcWxXAK2OAaAoq2oCkaGzX2NMqDB8nCyNuq2fPYCDhk%3D"
	last := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
	tok, err := ParseSASToken("sr=uri&sig=" + sig + "&se=" + strconv.FormatInt(last, 10))
	if err != nil || tok.Expiry.Year() != 9999 {
		t.Fatalf("last second of 9999: %+v, %v", tok, err)
	}
	for _, se := range []string{strconv.FormatInt(last+1, 10), "9223372036854775807", "9223372036854775808", "99999999999999999999999"} {
		_, err := ParseSASToken("sr=uri&sig=" + sig + "&se=" + se)
		assertFieldError(t, err, "se", ReasonAfterYear9999)
	}
}
