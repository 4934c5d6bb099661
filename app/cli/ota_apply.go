package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/ota"
)

// otaApplyFlags registers "ota apply": a bundle over the USB cable, with
// the checks, the journaled apply and the trial of an update over the
// air, and no cloud on this side.
func otaApplyFlags(fs *flag.FlagSet) runFunc {
	port := fs.String("port", "", lang.L("serial port of the module's REPL, for example /dev/ttyUSB2 or COM5 (see qpyhub ports)"))
	online := fs.Duration("online-timeout", ota.DefaultOnlineTimeout, lang.L("how long the new version has to come online before the module puts the old files back"))
	asJSON := fs.Bool("json", false, lang.L("print the result as JSON"))
	return func(ctx context.Context, c *call, words []string) error {
		if strings.TrimSpace(*port) == "" {
			return badArg("--port", lang.L("is missing: name the module's REPL port (qpyhub ports lists them)"))
		}
		if err := checkPositive("--online-timeout", *online, "5m"); err != nil {
			return err
		}
		if *online < time.Second {
			return badArg("--online-timeout", lang.L("must be at least one second, for example 5m"))
		}
		b, err := ota.OpenBundle(words[0])
		if err != nil {
			return failed(lang.L("Could not read the bundle"), err)
		}
		progress := func(p ota.USBProgress) {
			if p.Line != "" && !*asJSON {
				fmt.Fprintln(c.stderr, p.Line)
			}
		}
		res, err := ota.ApplyOverUSB(ctx, *port, b, ota.USBOptions{OnlineTimeout: *online}, progress)
		if err != nil && res.State == "" {
			return failed(lang.L("Could not apply the bundle"), err)
		}
		if *asJSON {
			if werr := writeJSON(c.stdout, res); werr != nil {
				return werr
			}
		} else {
			fmt.Fprintln(c.stdout, usbOutcome(res))
		}
		if res.State != ota.StateDone {
			return failed(lang.L("The update did not reach done"), errors.New(string(res.State)+": "+res.Error))
		}
		return nil
	}
}

// usbOutcome is the one line that says how an update over the cable
// ended.
func usbOutcome(res ota.USBResult) string {
	switch {
	case res.Unchanged:
		return lang.L("the module already runs version {{.Version}}: nothing to do", map[string]any{"Version": res.Version})
	case res.State == ota.StateDone:
		return lang.L("version {{.Version}} came online: done", map[string]any{"Version": res.Version})
	case res.State == ota.StateRolledBack:
		return lang.L("version {{.Version}} was rolled back: {{.Reason}}", map[string]any{"Version": res.Version, "Reason": res.Error})
	default:
		return lang.L("version {{.Version}} failed: {{.Reason}}", map[string]any{"Version": res.Version, "Reason": res.Error})
	}
}
