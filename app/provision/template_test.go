package provision

import (
	"errors"
	"testing"
)

func TestExpand(t *testing.T) {
	facts := Facts{Model: "EC600N CNLC", IMEI: "866327040000001", ICCID: "89860012345678901234", Port: "/dev/ttyUSB2"}
	tests := []struct {
		tmpl, want string
		reason     string
	}{
		{DefaultDeviceIDTemplate, "ec600n-cnlc-866327040000001", ""},
		{DefaultRegistrationIDTemplate, "866327040000001", ""},
		{"plant7-{iccid}", "plant7-89860012345678901234", ""},
		{"{port}-{imei}", "ttyUSB2-866327040000001", ""},
		{"fixed", "fixed", ""},
		{"{serial}", "", ReasonUnknownPlaceholder},
		{"{imei", "", ReasonUnclosed},
	}
	for _, tc := range tests {
		got, err := Expand(tc.tmpl, facts)
		var te *TemplateError
		switch {
		case tc.reason == "" && (err != nil || got != tc.want):
			t.Errorf("Expand(%q) = %q, %v; want %q", tc.tmpl, got, err, tc.want)
		case tc.reason != "" && (!errors.As(err, &te) || te.Reason != tc.reason):
			t.Errorf("Expand(%q) error %v; want reason %q", tc.tmpl, err, tc.reason)
		}
	}
}

func TestExpandRefusesMissingValues(t *testing.T) {
	// No SIM: the module reports no ICCID, so {iccid} cannot make an id.
	_, err := Expand("dev-{iccid}", Facts{Model: "EC600N", IMEI: "1"})
	var te *TemplateError
	if !errors.As(err, &te) || te.Reason != ReasonNoValue || te.Placeholder != "{iccid}" {
		t.Fatalf("error %v, want ReasonNoValue for {iccid}", err)
	}
}

func TestPortName(t *testing.T) {
	for in, want := range map[string]string{
		"/dev/ttyUSB2": "ttyUSB2",
		"COM5":         "COM5",
		`\\.\COM12`:    "COM12",
		"/dev/pts/3":   "3",
		"/dev/tty:odd": "tty-odd",
	} {
		if got := portName(in); got != want {
			t.Errorf("portName(%q) = %q, want %q", in, got, want)
		}
	}
}
