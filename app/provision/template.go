package provision

import (
	"path/filepath"
	"strings"
)

// Module facts a template can use.
type Facts struct {
	Model string // as the module reports it, e.g. "EC600N"
	IMEI  string
	ICCID string
	Port  string // the port path; its last element is used
}

// Template reasons, constant English phrases for translation.
const (
	ReasonUnknownPlaceholder = "has an unknown placeholder: use {model}, {imei}, {iccid} or {port}"
	ReasonUnclosed           = "has a '{' without a matching '}'"
	ReasonNoValue            = "uses a value the module did not report"
)

// TemplateError says why a template cannot give an id.
type TemplateError struct {
	Reason      string
	Placeholder string // the placeholder concerned, e.g. "{iccid}"; may be empty
}

func (e *TemplateError) Error() string {
	if e.Placeholder == "" {
		return "template " + e.Reason
	}
	return "template " + e.Reason + " (" + e.Placeholder + ")"
}

// Expand fills a device-id or registration-id template. {model} is
// lower-cased with spaces turned into '-', so "EC600N" gives "ec600n";
// {port} is the last element of the port path ("ttyUSB2", "COM5").
func Expand(tmpl string, f Facts) (string, error) {
	var b strings.Builder
	for rest := tmpl; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:open])
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return "", &TemplateError{Reason: ReasonUnclosed}
		}
		name := rest[open : open+end+1]
		value, known := f.value(name)
		if !known {
			return "", &TemplateError{Reason: ReasonUnknownPlaceholder, Placeholder: name}
		}
		if value == "" {
			return "", &TemplateError{Reason: ReasonNoValue, Placeholder: name}
		}
		b.WriteString(value)
		rest = rest[open+end+1:]
	}
	return b.String(), nil
}

func (f Facts) value(placeholder string) (string, bool) {
	switch placeholder {
	case "{model}":
		return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(f.Model)), " ", "-"), true
	case "{imei}":
		return strings.TrimSpace(f.IMEI), true
	case "{iccid}":
		return strings.TrimSpace(f.ICCID), true
	case "{port}":
		return portName(f.Port), true
	}
	return "", false
}

// portName is the last element of a port path, with characters an id
// may not hold replaced by '-'.
func portName(port string) string {
	name := filepath.Base(strings.ReplaceAll(strings.TrimSpace(port), `\`, "/"))
	if name == "." || name == "/" {
		return ""
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '-'
	}, name)
}

// sampleFacts stand in for a module when a template is checked before
// any module answered.
var sampleFacts = Facts{Model: "EC600N", IMEI: "866327040000001", ICCID: "89860012345678901234", Port: "/dev/ttyUSB2"}

// checkTemplate expands tmpl with sample facts and validates the result.
func checkTemplate(field, tmpl string, validate func(field, id string) error) error {
	id, err := Expand(tmpl, sampleFacts)
	if err != nil {
		return &PlanError{field, err.(*TemplateError).Reason}
	}
	if err := validate(field, id); err != nil {
		return &PlanError{field, ReasonBadIDChars}
	}
	return nil
}

// ReasonBadIDChars: the template gives an id IoT Hub or DPS refuses.
const ReasonBadIDChars = "gives an id with characters IoT Hub does not allow, or longer than 128 characters"
