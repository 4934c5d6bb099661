package widgets

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/settings"
)

// ParseConsoleCapacity reads how many messages the console keeps, as the
// Console and the Settings screen let it be typed: a whole number from 1
// to settings.MaxConsoleCapacity.
func ParseConsoleCapacity(text string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 1 || n > settings.MaxConsoleCapacity {
		return 0, capacityError{}
	}
	return n, nil
}

// ValidateConsoleCapacity is ParseConsoleCapacity as an entry's validator.
func ValidateConsoleCapacity(text string) error {
	_, err := ParseConsoleCapacity(text)
	return err
}

// capacityError explains the allowed range; its text is translated.
type capacityError struct{}

func (capacityError) Error() string {
	return lang.L("a number from 1 to {{.Max}}", map[string]any{"Max": settings.MaxConsoleCapacity})
}
