package explain

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/device/modfs"
	"qpyhub/device/ports"
	"qpyhub/device/repl"
)

func TestLineAndText(t *testing.T) {
	speak(t, "en")
	pathErr := &modfs.PathError{Op: "stat", Path: "/usr/x", Cause: modfs.ErrNotFound}
	portsErr := &ports.Error{Message: ports.PhraseCannotList, NextStep: ports.AdviceCannotList, Err: errors.New("permission denied")}
	fieldErr := fmt.Errorf("sas: %w", &cloud.FieldError{Field: "expiry", Reason: cloud.ReasonInPast})
	tests := []struct {
		name       string
		err        error
		line, text string
	}{
		{"phrase and values", pathErr, modfs.ErrNotFound.Error() + " [stat /usr/x]", modfs.ErrNotFound.Error()},
		{"phrase, advice and values", portsErr,
			ports.PhraseCannotList + ": " + ports.AdviceCannotList + " [permission denied]",
			ports.PhraseCannotList + "\n" + ports.AdviceCannotList},
		{"field", fieldErr,
			"expiry is in the past: Choose a later expiry, or make a new token. [sas]",
			"expiry is in the past\nChoose a later expiry, or make a new token."},
		{"unknown", errors.New("strange {{.Thing}}"), "strange {{.Thing}}", "strange {{.Thing}}"},
	}
	for _, tc := range tests {
		if got := Line(tc.err); got != tc.line {
			t.Errorf("%s: Line = %q, want %q", tc.name, got, tc.line)
		}
		if got := Text(tc.err); got != tc.text {
			t.Errorf("%s: Text = %q, want %q", tc.name, got, tc.text)
		}
	}
	if x := Explain(nil); x != (Explanation{}) {
		t.Errorf("Explain(nil) = %+v, want nothing", x)
	}
}

func TestKnows(t *testing.T) {
	for _, err := range []error{nil, errors.New("strange"), fmt.Errorf("x: %w", errors.New(repl.ErrBusy.Error()+" again"))} {
		if Knows(err) {
			t.Errorf("Knows(%v) = true", err)
		}
	}
	for _, err := range []error{repl.ErrBusy, fmt.Errorf("x: %w", &hubclient.EndedError{Reason: hubclient.ReasonClosed})} {
		if !Knows(err) {
			t.Errorf("Knows(%v) = false", err)
		}
	}
}

// A message shown next to its field leaves the field's name out.
func TestWithoutField(t *testing.T) {
	speak(t, "en")
	x := Explain(&cloud.FieldError{Field: "HostName", Reason: cloud.ReasonHostPort}).WithoutField()
	if x.What != cloud.ReasonHostPort || x.Field != "" || x.Next == "" {
		t.Errorf("WithoutField = %+v", x)
	}
	plain := Explain(repl.ErrBusy)
	if plain.WithoutField() != plain {
		t.Errorf("WithoutField changed an error about no field: %+v", plain.WithoutField())
	}
}

// The Chinese rendering is Chinese, not the English key passed through.
func TestChineseIsShown(t *testing.T) {
	speak(t, "zh_Hans")
	for _, err := range []error{repl.ErrBusy, &hubclient.StatusError{Op: "twin get", Status: 400}, &cloud.FieldError{Field: "expiry", Reason: cloud.ReasonInPast}} {
		if text := Text(err); !strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("Text(%v) = %q, not Chinese", err, text)
		}
	}
}
