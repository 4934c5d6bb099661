package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/ota"
)

// otaCommand is the row of "qpyhub ota": updates over the air, from the
// bundle to each module's progress.
func otaCommand() command {
	return command{
		name:    "ota",
		summary: "Update the application on modules over the air: bundle, start, follow",
		usage: []string{
			"qpyhub ota pack DIR --version V -o FILE [--json]",
			"qpyhub ota show FILE [--json]",
			"qpyhub ota start FILE (--device ID... | --query \"WHERE …\") [--storage-connection-string CS [--container C] [--url-ttl 168h] | --base-url URL] [--retry] [--json]",
			"qpyhub ota status [--device ID... | --query \"WHERE …\"] [--watch] [--json]",
			"qpyhub ota apply FILE --port P [--online-timeout D] [--json]",
		},
		about: []string{"A bundle holds an application's files for /usr and a manifest of their sizes and SHA-256. start hosts the files (the local hub serves them itself; with Azure, a storage container gives read-only URLs that expire, or give --base-url where you serve them) and sets desired.qpyhub.ota on each module; status shows what each module reports. start and status take the hub flags of devices (--hub-connection-string or QPYHUB_HUB_CONNECTION_STRING, --ca, --rest)."},
		actions: []command{
			{name: "pack", usage: []string{"qpyhub ota pack DIR --version V -o FILE [--json]"},
				about: []string{"Packs the files under DIR for /usr (DIR/x/y.py goes to /usr/x/y.py), leaving out what DIR/.qpyhubignore names; at most 1 MiB per file and 4 MiB in all."},
				words: words{name: "DIR", min: 1, max: 1}, flags: otaPackFlags, badValue: [2]string{"--json", "maybe"}},
			{name: "show", usage: []string{"qpyhub ota show FILE [--json]"}, words: words{name: "FILE", min: 1, max: 1}, flags: otaShowFlags, badValue: [2]string{"--json", "maybe"}},
			{name: "start", usage: []string{"qpyhub ota start FILE (--device ID... | --query \"WHERE …\") [--storage-connection-string CS [--container C] [--url-ttl 168h] | --base-url URL] [--retry] [--json]"},
				about: []string{"Hosts the bundle's files and asks each module for the version: with --device each twin in turn, with --query one job of the hub. --retry asks again modules whose update failed (same files, the retry count plus one). The storage connection string may come from QPYHUB_STORAGE_CONNECTION_STRING; its key never leaves this computer."},
				words: words{name: "FILE", min: 1, max: 1}, flags: otaStartFlags, badValue: [2]string{"--url-ttl", "soon"}},
			{name: "status", usage: []string{"qpyhub ota status [--device ID... | --query \"WHERE …\"] [--watch] [--json]"},
				about: []string{"One row per module: the version its update is about, the state (idle, downloading, verifying, applying, done, failed, rolled-back), the progress and the error. --watch follows until every update has ended, and exits 0 only if all are done."},
				flags: otaStatusFlags, badValue: [2]string{"--interval", "soon"}},
			{name: "apply", usage: []string{"qpyhub ota apply FILE --port P [--online-timeout D] [--json]"}, words: words{name: "FILE", min: 1, max: 1}, flags: otaApplyFlags, badValue: [2]string{"--online-timeout", "soon"}},
		},
	}
}

// otaPackFlags registers "ota pack".
func otaPackFlags(fs *flag.FlagSet) runFunc {
	version := fs.String("version", "", lang.L("the version the files make up, e.g. 1.2.0"))
	out := fs.String("o", "", lang.L("the bundle file to write"))
	asJSON := fs.Bool("json", false, lang.L("print the manifest as JSON"))
	return func(_ context.Context, c *call, words []string) error {
		if *version == "" {
			return badArg("--version", lang.L("is missing: give the version the files make up, e.g. 1.2.0"))
		}
		if err := ota.CheckVersion(*version); err != nil {
			return badArg("--version", manifestWhy(err))
		}
		if *out == "" {
			return badArg("-o", lang.L("is missing: give the bundle file to write"))
		}
		m, err := ota.PackFile(words[0], *version, *out)
		if err != nil {
			return failed(lang.L("Could not pack the bundle"), err)
		}
		if *asJSON {
			return writeJSON(c.stdout, m)
		}
		fmt.Fprintln(c.stdout, lang.L("{{.File}}: version {{.Version}}, {{.Count}} files, {{.Bytes}} bytes",
			map[string]any{"File": *out, "Version": m.Version, "Count": len(m.Files), "Bytes": m.TotalSize()}))
		return nil
	}
}

// manifestWhy is the reason of a manifest error without its field.
func manifestWhy(err error) string {
	var me *ota.ManifestError
	if errors.As(err, &me) {
		return me.Reason
	}
	return err.Error()
}

// otaShowFlags registers "ota show": the manifest of a bundle, checked.
func otaShowFlags(fs *flag.FlagSet) runFunc {
	asJSON := fs.Bool("json", false, lang.L("print the manifest as JSON"))
	return func(_ context.Context, c *call, words []string) error {
		b, err := ota.OpenBundle(words[0])
		if err != nil {
			return failed(lang.L("Could not open the bundle"), err)
		}
		if *asJSON {
			return writeJSON(c.stdout, b.Manifest)
		}
		out := &outputWriter{w: c.stdout}
		fmt.Fprintln(out, lang.L("version {{.Version}}, {{.Count}} files, {{.Bytes}} bytes",
			map[string]any{"Version": b.Manifest.Version, "Count": len(b.Manifest.Files), "Bytes": b.Manifest.TotalSize()}))
		table := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(table, lang.L("PATH\tSIZE\tSHA-256"))
		for _, f := range b.Manifest.Files {
			fmt.Fprintf(table, "%s\t%d\t%s\n", f.Path, f.Size, f.SHA256)
		}
		_ = table.Flush()
		if out.err != nil {
			return outputFailed(out.err)
		}
		return nil
	}
}
