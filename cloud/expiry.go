package cloud

import (
	"strconv"
	"strings"
	"time"
)

// Day and Year are the units ParseTTL adds to Go's durations. A year is
// 365 days: token lifetimes need no calendar.
const (
	Day  = 24 * time.Hour
	Year = 365 * Day
)

// longLifetime is where LifetimeWarning starts to warn.
const longLifetime = 30 * Day

// maxTTL keeps expiries far from int64 overflow.
const maxTTL = 100 * Year

// ExpiryPreset is one lifetime a user can pick from a list.
type ExpiryPreset struct {
	Label    string // English source text, translated by the UI
	Lifetime time.Duration
}

// ExpiryPresets returns the lifetimes offered in the UI, shortest first.
func ExpiryPresets() []ExpiryPreset {
	return []ExpiryPreset{
		{Label: "1 hour", Lifetime: time.Hour},
		{Label: "1 day", Lifetime: Day},
		{Label: "30 days", Lifetime: 30 * Day},
		{Label: "1 year", Lifetime: Year},
	}
}

// ParseTTL reads a token lifetime: a Go duration ("90m", "12h"), or a
// whole number of days or years ("30d", "1y"). It must be positive and at
// most 100 years.
func ParseTTL(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if n, unit, ok := cutUnit(s); ok {
		count, err := strconv.ParseInt(n, 10, 64)
		if err != nil || !isDecimal(n) {
			return 0, fieldErr("ttl", ReasonNotDuration)
		}
		if count > int64(maxTTL/unit) {
			return 0, fieldErr("ttl", ReasonTooLong)
		}
		d = time.Duration(count) * unit
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fieldErr("ttl", ReasonNotDuration)
		}
	}
	if d <= 0 {
		return 0, fieldErr("ttl", ReasonNotPositive)
	}
	if d > maxTTL {
		return 0, fieldErr("ttl", ReasonTooLong)
	}
	return d, nil
}

// cutUnit splits "30d" into "30" and Day.
func cutUnit(s string) (string, time.Duration, bool) {
	switch {
	case strings.HasSuffix(s, "d"):
		return strings.TrimSuffix(s, "d"), Day, true
	case strings.HasSuffix(s, "y"):
		return strings.TrimSuffix(s, "y"), Year, true
	}
	return "", 0, false
}

// LifetimeWarning reports whether a token lifetime deserves a warning. A
// SAS token cannot be revoked: once leaked it stays valid until it expires
// or the device key is rolled, which cuts off every token of that device.
// Past 30 days that risk outweighs the convenience.
func LifetimeWarning(lifetime time.Duration) bool {
	return lifetime > longLifetime
}

// CheckExpiry refuses an expiry that is not after now.
func CheckExpiry(expiry, now time.Time) error {
	if !expiry.After(now) {
		return fieldErr("expiry", ReasonInPast)
	}
	return nil
}
