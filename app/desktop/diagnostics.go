package desktop

import (
	"fmt"
	"log/slog"
	"runtime"
	"strings"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/applog"
	"qpyhub/device/ports"
	"qpyhub/ui"
	"qpyhub/ui/console"
)

// recentLogLines is how many warnings and errors a support request
// carries: enough to see what led up to a failure, short enough to paste.
const recentLogLines = 20

// diagnostics answers the About screen's log folder and "copy
// diagnostics". It implements ui.Diagnostics.
type diagnostics struct {
	version   string
	logDir    string
	hub       console.LocalHub // nil when the local hub is not running
	hubErr    error            // why it is not
	listPorts func() ([]ports.Port, error)
}

func newDiagnostics(logDir string, services ui.Services) diagnostics {
	return diagnostics{version: services.Version, logDir: logDir, hub: services.LocalHub, hubErr: services.LocalHubErr, listPorts: ports.List}
}

// LogFolder implements ui.Diagnostics.
func (d diagnostics) LogFolder() string { return d.logDir }

// Text implements ui.Diagnostics: what support needs to know about this
// program and machine. All of it passes through the redactor, since the
// log lines and error texts come from places that may hold a secret.
func (d diagnostics) Text() string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	line("qpyhub " + d.version)
	line(lang.L("Go version: {{.Version}}", map[string]any{"Version": runtime.Version()}))
	line(lang.L("System: {{.OS}}/{{.Arch}}", map[string]any{"OS": runtime.GOOS, "Arch": runtime.GOARCH}))
	line(lang.L("Locale: {{.Locale}}", map[string]any{"Locale": lang.SystemLocale().String()}))
	switch {
	case d.hub != nil:
		line(lang.L("Local hub address: {{.Addr}}", map[string]any{"Addr": d.hub.Address()}))
	case d.hubErr != nil:
		line(lang.L("Local hub not running: {{.Error}}", map[string]any{"Error": d.hubErr.Error()}))
	default:
		line(lang.L("Local hub not running."))
	}
	d.writePorts(line)
	d.writeRecentLog(line)
	return applog.Redact(b.String())
}

func (d diagnostics) writePorts(line func(string)) {
	list, err := d.listPorts()
	switch {
	case err != nil:
		line(lang.L("Serial ports could not be listed: {{.Error}}", map[string]any{"Error": err.Error()}))
		return
	case len(list) == 0:
		line(lang.L("No serial ports found."))
		return
	}
	line(lang.L("Serial ports:"))
	for _, p := range list {
		id := "-"
		if p.VID != 0 {
			id = fmt.Sprintf("%04X:%04X", p.VID, p.PID)
		}
		s := fmt.Sprintf("  %s  %s  %s", p.Name, id, p.Role)
		if p.Model != "" {
			s += "  " + p.Model
		}
		line(s)
	}
}

func (d diagnostics) writeRecentLog(line func(string)) {
	lines, err := applog.Recent(d.logDir, recentLogLines, slog.LevelWarn)
	switch {
	case err != nil:
		line(lang.L("The log could not be read: {{.Error}}", map[string]any{"Error": err.Error()}))
	case len(lines) == 0:
		line(lang.L("No warnings or errors in the log."))
	default:
		line(lang.L("Recent warnings and errors in the log:"))
		for _, l := range lines {
			line("  " + l)
		}
	}
}
