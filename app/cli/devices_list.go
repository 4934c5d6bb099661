package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/registry"
)

// listPageSize is how many twins each query page of devices list asks for.
const listPageSize = 200

// devicesListFlags registers "devices list": every device the query
// matches, page by page, as a table or one JSON object per line.
func devicesListFlags(fs *flag.FlagSet) runFunc {
	var hub devicesHub
	hub.register(fs, true)
	query := fs.String("query", "", lang.L("only the devices this condition matches, e.g. \"WHERE tags.site = 'a'\""))
	asJSON := fs.Bool("json", false, lang.L("print one JSON object per device"))
	return func(ctx context.Context, c *call, _ []string) error {
		rc, err := hub.client(c)
		if err != nil {
			return err
		}
		out := &outputWriter{w: c.stdout}
		table := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		if !*asJSON {
			fmt.Fprintln(table, lang.L("DEVICE\tSTATUS\tCONNECTION\tLAST ACTIVITY\tMODEL\tFIRMWARE\tAPP"))
		}
		enc := json.NewEncoder(out)
		err = rc.QueryPages(ctx, *query, listPageSize, func(twins []registry.Twin) error {
			for _, tw := range twins {
				s := registry.Summary(tw)
				if *asJSON {
					_ = enc.Encode(s)
					continue
				}
				fmt.Fprintf(table, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.DeviceID, dash(s.Status), dash(s.ConnectionState),
					dash(s.LastActivityTime), dash(s.Model), dash(s.Firmware), dash(s.AppVersion))
			}
			return nil
		})
		if err != nil {
			if ce := queryArgError(err); ce != nil {
				return ce
			}
			return failedUnlessKnown(lang.L("Could not list the devices"), err)
		}
		_ = table.Flush()
		if out.err != nil {
			return outputFailed(out.err)
		}
		return nil
	}
}

// queryArgError turns a query the hub cannot run into a bad --query.
func queryArgError(err error) error {
	if errors.Is(err, registry.ErrBadQuery) {
		return badArg("--query", lang.L(registry.ErrBadQuery.Error()))
	}
	return nil
}

// devicesShowFlags registers "devices show": one device's summary and
// its whole twin.
func devicesShowFlags(fs *flag.FlagSet) runFunc {
	var hub devicesHub
	hub.register(fs, true)
	asJSON := fs.Bool("json", false, lang.L("print the whole twin as JSON"))
	return func(ctx context.Context, c *call, words []string) error {
		rc, err := hub.client(c)
		if err != nil {
			return err
		}
		if err := checkDeviceIDs(words); err != nil {
			return err
		}
		tw, err := rc.GetTwin(ctx, words[0])
		if err != nil {
			return failedUnlessKnown(lang.L("Could not read the device's twin"), err)
		}
		if *asJSON {
			return writeJSON(c.stdout, tw)
		}
		return printTwin(c, tw)
	}
}

// printTwin shows the summary as "name: value" lines, then the tags and
// both property sets as JSON.
func printTwin(c *call, tw registry.Twin) error {
	s := registry.Summary(tw)
	out := &outputWriter{w: c.stdout}
	table := tabwriter.NewWriter(out, 0, 4, 1, ' ', 0)
	heartbeat := ""
	if s.Heartbeat != nil {
		heartbeat = fmt.Sprintf("%d s", *s.Heartbeat)
	}
	for _, row := range [][2]string{
		{lang.L("Device"), s.DeviceID}, {lang.L("Status"), s.Status}, {lang.L("Connection"), s.ConnectionState},
		{lang.L("Last activity"), s.LastActivityTime}, {lang.L("Model"), s.Model}, {"IMEI", s.IMEI}, {"ICCID", s.ICCID},
		{lang.L("Firmware"), s.Firmware}, {lang.L("Application"), s.AppVersion}, {lang.L("Heartbeat"), heartbeat},
	} {
		fmt.Fprintf(table, "%s:\t%s\n", row[0], dash(row[1]))
	}
	_ = table.Flush()
	for _, part := range []struct {
		name string
		v    any
	}{{"tags", tw.Tags}, {"properties.desired", tw.Properties.Desired}, {"properties.reported", tw.Properties.Reported}} {
		b, _ := json.MarshalIndent(part.v, "", "  ")
		fmt.Fprintf(out, "%s: %s\n", part.name, b)
	}
	if out.err != nil {
		return outputFailed(out.err)
	}
	return nil
}
