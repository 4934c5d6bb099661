package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"text/tabwriter"

	"fyne.io/fyne/v2/lang"

	"qpyhub/device/modfs"
)

// The actions of "qpyhub fs", as the command table names them: the module
// path each works on, whether it writes there, and what it does.

func fsList() fsAction { return fsAction{target: firstWord, do: fsCommand.list} }
func fsGet() fsAction  { return fsAction{target: firstWord, do: fsCommand.get} }
func fsRun() fsAction  { return fsAction{target: firstWord, do: fsCommand.run} }

func fsPut() fsAction {
	return fsAction{target: putTarget, writes: true, local: checkPutSource, do: fsCommand.put, switches: forceSwitch}
}

// forceSwitch is --force: send files the module already has.
func forceSwitch(set *flag.FlagSet, o *fsSwitches) {
	set.BoolVar(&o.force, "force", false, lang.L("send files even when the module already has them (same size and SHA-256)"))
}

func fsRemove() fsAction { return fsAction{target: firstWord, writes: true, do: fsCommand.remove} }
func fsMkdir() fsAction  { return fsAction{target: firstWord, writes: true, do: fsCommand.mkdir} }

type fsEntryJSON struct {
	Name  string `json:"name"`
	Size  int64  `json:"size"`
	IsDir bool   `json:"dir"`
}

func (c fsCommand) list(ctx context.Context, fs *modfs.FS, args []string) error {
	dir := "/usr"
	if len(args) == 1 {
		dir = args[0]
	}
	entries, err := fs.List(ctx, dir)
	if err != nil {
		return err
	}
	if c.asJSON {
		out := make([]fsEntryJSON, 0, len(entries))
		for _, e := range entries {
			out = append(out, fsEntryJSON{e.Name, e.Size, e.IsDir})
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(entries) == 0 {
		fmt.Fprintln(c.stdout, lang.L("{{.Dir}} is empty.", map[string]any{"Dir": dir}))
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t\n", lang.L("SIZE"), lang.L("NAME"))
	for _, e := range entries {
		if e.IsDir {
			fmt.Fprintf(tw, "-\t%s/\t\n", e.Name)
		} else {
			fmt.Fprintf(tw, "%d\t%s\t\n", e.Size, e.Name)
		}
	}
	return tw.Flush()
}

func (c fsCommand) put(ctx context.Context, fs *modfs.FS, args []string) error {
	f, err := os.Open(args[0])
	if err != nil {
		return &localFileError{phrase: phraseLocalRead, err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &localFileError{phrase: phraseLocalRead, err: err}
	}
	target := putTarget(args)
	res, err := fs.PutFile(ctx, target, f, st.Size(), modfs.PutOptions{Force: c.force})
	if err != nil {
		return err
	}
	if c.asJSON {
		result := "sent"
		if res.Skipped {
			result = "skipped"
		}
		return writeJSON(c.stdout, fsPutJSON{Path: target, Size: st.Size(), Result: result})
	}
	values := map[string]any{"Size": st.Size(), "Path": target}
	if res.Skipped {
		fmt.Fprintln(c.stdout, lang.L("{{.Path}} is up to date ({{.Size}} bytes): nothing sent; --force sends it anyway.", values))
		return nil
	}
	fmt.Fprintln(c.stdout, lang.L("Copied {{.Size}} bytes to {{.Path}}.", values))
	return nil
}

// fsPutJSON is what put --json prints: result is "sent", or "skipped"
// when the module already had the file.
type fsPutJSON struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	Result string `json:"result"`
}

func (c fsCommand) get(ctx context.Context, fs *modfs.FS, args []string) error {
	local := path.Base(args[0])
	if len(args) == 2 {
		local = args[1]
	}
	// The time allowed grows with the file's size, known from the module.
	entry, err := fs.Stat(ctx, args[0])
	if err != nil {
		return err
	}
	ctx, cancel := c.budget.context(entry.Size)
	defer cancel()
	if local == "-" {
		_, err := fs.Get(ctx, args[0], c.stdout, nil)
		return err
	}
	f, err := os.Create(local)
	if err != nil {
		return &localFileError{phrase: phraseLocalWrite, err: err}
	}
	n, err := fs.Get(ctx, args[0], f, nil)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = &localFileError{phrase: phraseLocalWrite, err: cerr}
	}
	if err != nil {
		os.Remove(local) // a partial copy would look complete
		return err
	}
	fmt.Fprintln(c.stdout, lang.L("Copied {{.Size}} bytes to {{.Path}}.", map[string]any{"Size": n, "Path": local}))
	return nil
}

func (c fsCommand) remove(ctx context.Context, fs *modfs.FS, args []string) error {
	if err := fs.Remove(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, lang.L("Removed {{.Path}}.", map[string]any{"Path": args[0]}))
	return nil
}

func (c fsCommand) mkdir(ctx context.Context, fs *modfs.FS, args []string) error {
	if err := fs.Mkdir(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, lang.L("Made folder {{.Path}}.", map[string]any{"Path": args[0]}))
	return nil
}

// run prints the script's output as it is; an exception it raised
// becomes the one error line.
func (c fsCommand) run(ctx context.Context, fs *modfs.FS, args []string) error {
	res, err := fs.Run(ctx, args[0])
	io.WriteString(c.stdout, res.Stdout)
	return err
}
