package cli

import (
	"encoding/json"
	"io"

	"fyne.io/fyne/v2/lang"
)

// writeJSON prints v as indented JSON, the form every --json but the
// line-per-event ones takes.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return outputFailed(err)
	}
	return nil
}

// outputFailed is the failure to write the command's output (a closed
// pipe, a full disk).
func outputFailed(err error) error { return failed(lang.L("Could not write the output"), err) }

// outputWriter keeps the first error writing the output.
type outputWriter struct {
	w   io.Writer
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	o.err = err
	return n, err
}

// dash stands for a value that is not known.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
