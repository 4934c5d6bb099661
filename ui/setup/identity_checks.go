package setup

import (
	"strings"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/provision"
	"qpyhub/cloud"
	"qpyhub/ui/widgets"
)

// checkDeviceString accepts one device's connection string for a single
// module; a new token can only be made from one that holds the key.
func (d *identityStep) checkDeviceString(text string, modules int, token, strict bool) bool {
	f := d.ConnString
	if text == "" {
		if strict {
			f.SetError(&cloud.FieldError{Field: "connection string", Reason: cloud.ReasonMissing})
		}
		return false
	}
	cs, err := cloud.ParseConnectionString(text)
	switch {
	case err != nil:
	case !cs.IsDevice():
		err = &cloud.FieldError{Field: "connection string", Reason: cloud.ReasonPolicyString}
	case cs.X509:
		err = &cloud.FieldError{Field: "connection string", Reason: cloud.ReasonNoX509}
	case token && cs.SharedAccessKey == "":
		err = errTokenOnly
	case modules > 1:
		err = errOneDeviceForTray
	}
	if err != nil {
		showNamedError(f, err)
		return false
	}
	return true
}

// checkPolicyString accepts a hub shared access policy's connection
// string in f; notPolicy says what to paste instead of a device's.
func (d *identityStep) checkPolicyString(f *widgets.InputField, text string, strict bool, notPolicy fieldHint) bool {
	if text == "" {
		if strict {
			f.SetError(&cloud.FieldError{Field: "connection string", Reason: cloud.ReasonMissing})
		}
		return false
	}
	cs, err := cloud.ParseConnectionString(text)
	if err == nil && (cs.IsDevice() || cs.SharedAccessKeyName == "" || cs.SharedAccessKey == "") {
		err = notPolicy
	}
	if err != nil {
		showNamedError(f, err)
		return false
	}
	return true
}

// checkTemplate validates an id template through the id it gives for an
// example module, shown as a live preview. A tray needs a per-module
// placeholder, or every module would claim the same id.
func (d *identityStep) checkTemplate(f *widgets.InputField, preview *widget.Label, tmpl string, modules int, strict bool, check func(string) error) bool {
	preview.SetText("")
	if tmpl == "" {
		if strict {
			f.SetError(&cloud.FieldError{Field: "template", Reason: cloud.ReasonMissing})
		}
		return false
	}
	id, err := provision.Expand(tmpl, exampleModule)
	switch {
	case err != nil || strings.ContainsAny(id, "{}"):
		err = errUnknownHole
	case modules > 1 && !perModule(tmpl):
		err = errSameIDForAll
	default:
		err = check(id)
	}
	if err != nil {
		f.SetError(err)
		return false
	}
	preview.SetText(lang.L("For example: {{.ID}}", map[string]any{"ID": id}))
	return true
}

// showNamedError shows err under f with the part it names ("SharedAccessKey
// is not base64"): a connection string has several parts.
func showNamedError(f *widgets.InputField, err error) {
	f.ShowErrorText(widgets.ErrorText(err))
}

// exampleModule fills the preview: an EC600N as it answers the check.
var exampleModule = provision.Facts{Model: "EC600N", IMEI: "866327040000001", ICCID: "89860012345678901234", Port: "/dev/ttyUSB2"}

// perModule tells whether a template gives each module its own id.
func perModule(tmpl string) bool {
	for _, p := range []string{"{imei}", "{iccid}", "{port}"} {
		if strings.Contains(tmpl, p) {
			return true
		}
	}
	return false
}
