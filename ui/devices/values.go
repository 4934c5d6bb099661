package devices

import (
	"encoding/json"
	"errors"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// objectOf reads a JSON object typed by the user; empty text is none.
func objectOf(text string) (map[string]any, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil || m == nil {
		return nil, errors.New(lang.L("is not a JSON object such as {\"interval\": 60}"))
	}
	return m, nil
}

// payloadOf reads a method payload typed by the user; empty text is null.
func payloadOf(text string) (json.RawMessage, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	if !json.Valid([]byte(text)) {
		return nil, errors.New(lang.L("The payload is not JSON: quote a text as \"text\", or give an object such as {\"delay\": 5}"))
	}
	return json.RawMessage(text), nil
}
