package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/ota"
	"qpyhub/cloud/registry"
)

// otaStatusFlags registers "ota status": each module's reported update,
// once or until every update has ended.
func otaStatusFlags(fs *flag.FlagSet) runFunc {
	var hub devicesHub
	hub.register(fs, true)
	var devices deviceList
	fs.Var(&devices, "device", lang.L("a module to show, by device id (repeatable)"))
	query := fs.String("query", "", lang.L("only the devices this condition matches, e.g. \"WHERE tags.site = 'a'\""))
	watch := fs.Bool("watch", false, lang.L("follow until every update has ended; exit 0 only if all are done"))
	interval := fs.Duration("interval", 2*time.Second, lang.L("how often --watch reads the twins"))
	asJSON := fs.Bool("json", false, lang.L("print one JSON object per module"))
	return func(ctx context.Context, c *call, _ []string) error {
		targets := ota.Targets{DeviceIDs: devices, Query: *query, All: len(devices) == 0 && *query == ""}
		if err := otaTargets(targets); err != nil {
			return err
		}
		if err := checkPositive("--interval", *interval, "2s"); err != nil {
			return err
		}
		rc, err := hub.client(c)
		if err != nil {
			return err
		}
		if *watch {
			return watchStatus(ctx, c, rc, targets, *interval, *asJSON)
		}
		list, err := ota.Status(ctx, rc, targets)
		if err != nil {
			return statusFailed(err)
		}
		if *asJSON {
			err = printStatusJSON(c.stdout, list)
		} else {
			err = printStatusTable(c.stdout, list)
		}
		if err != nil {
			return err
		}
		return problems(c, list)
	}
}

func statusFailed(err error) error {
	if ce := queryArgError(err); ce != nil {
		return ce
	}
	return failedUnlessKnown(lang.L("Could not read the modules' update status"), err)
}

// watchStatus prints a module's row whenever it changes, until every
// update has ended; it succeeds only if all are done.
func watchStatus(ctx context.Context, c *call, rc *registry.Client, targets ota.Targets, every time.Duration, asJSON bool) error {
	shown := map[string]string{}
	var last []ota.DeviceStatus
	var writeErr error
	err := ota.Watch(ctx, rc, targets, every, func(list []ota.DeviceStatus) {
		last = list
		for _, s := range list {
			line := statusRow(s)
			if shown[s.DeviceID] == line || writeErr != nil {
				continue
			}
			shown[s.DeviceID] = line
			if asJSON {
				writeErr = printStatusJSON(c.stdout, []ota.DeviceStatus{s})
			} else {
				_, writeErr = fmt.Fprintln(c.stdout, line)
			}
		}
	})
	switch {
	case writeErr != nil:
		return outputFailed(writeErr)
	case ctx.Err() != nil:
		return failed(lang.L("Interrupted before every update ended"), nil)
	case err != nil:
		return statusFailed(err)
	}
	if err := problems(c, last); err != nil {
		return err
	}
	if !ota.AllDone(last) {
		c.note(lang.L("not every module runs the new version: see the rows above"))
		return errSaid
	}
	return nil
}

// statusRow is one module's row as tab-free text.
func statusRow(s ota.DeviceStatus) string {
	return fmt.Sprintf("%s  %s  %s  %d%%  %s", s.DeviceID, dash(s.Version), stateWord(s), s.Progress, dash(s.Error))
}

// stateWord is the state, with "no report yet" for a module that has
// never reported.
func stateWord(s ota.DeviceStatus) string {
	if s.NoReport {
		return lang.L("idle (no report yet)")
	}
	return string(s.State)
}

func printStatusTable(w io.Writer, list []ota.DeviceStatus) error {
	out := &outputWriter{w: w}
	table := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(table, lang.L("DEVICE\tVERSION\tSTATE\tPROGRESS\tERROR"))
	for _, s := range list {
		fmt.Fprintf(table, "%s\t%s\t%s\t%d%%\t%s\n", s.DeviceID, dash(s.Version), stateWord(s), s.Progress, dash(s.Error))
	}
	_ = table.Flush()
	if out.err != nil {
		return outputFailed(out.err)
	}
	return nil
}

func printStatusJSON(w io.Writer, list []ota.DeviceStatus) error {
	out := &outputWriter{w: w}
	enc := json.NewEncoder(out)
	for _, s := range list {
		_ = enc.Encode(s)
	}
	if out.err != nil {
		return outputFailed(out.err)
	}
	return nil
}

// problems prints one line per module whose twin could not be read.
func problems(c *call, list []ota.DeviceStatus) error {
	n := 0
	for _, s := range list {
		if s.ReadErr != nil {
			c.failAbout(s.DeviceID, s.ReadErr)
			n++
		}
	}
	if n > 0 {
		return errSaid
	}
	return nil
}
