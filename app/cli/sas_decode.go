package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
)

// maxTokenBytes bounds what "sas decode -" reads from stdin; real tokens
// are a few hundred bytes.
const maxTokenBytes = 64 << 10

// sasDecodeJSON is what "sas decode --json" prints.
type sasDecodeJSON struct {
	Resource        string `json:"resource"`
	EncodedResource string `json:"encodedResource"`
	ExpiresAt       string `json:"expiresAt"`
	KeyName         string `json:"keyName"`
	Expired         bool   `json:"expired"`
	SignatureValid  *bool  `json:"signatureValid,omitempty"`
}

// decode shows what a pasted token grants and until when, and with --key
// whether it was signed with that key. A signature that does not match
// exits 1 after printing, so scripts can rely on the status.
func (c sasCommand) decode(ctx context.Context, args []string) int {
	var key string
	var asJSON bool
	fs := flag.NewFlagSet("sas decode", flag.ContinueOnError)
	fs.StringVar(&key, "key", "", lang.L("key to check the signature with, base64 (or set QPYHUB_KEY)"))
	fs.BoolVar(&asJSON, "json", false, lang.L("print one JSON object"))
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), lang.L("Usage:"))
		fmt.Fprintln(fs.Output(), "  qpyhub sas decode TOKEN|- [--key K] [--json]")
		fmt.Fprintln(fs.Output(), lang.L("TOKEN - reads the token from standard input."))
		fs.PrintDefaults()
	}
	words, code, done := c.parseInterspersed(fs, args)
	if done {
		return code
	}
	if len(words) == 0 {
		return c.usageLine("TOKEN", "", lang.L(cloud.ReasonMissing))
	}
	text := strings.Join(words, " ")
	if text == "-" {
		var err error
		if text, err = c.readStdin(ctx); err != nil {
			fmt.Fprintln(c.stderr, "qpyhub sas: "+lang.L("cannot read the token from standard input")+": "+err.Error())
			return 1
		}
	}
	tok, err := cloud.ParseSASToken(text)
	if err != nil {
		return c.fieldError("TOKEN", err)
	}
	out := sasDecodeJSON{
		Resource: tok.Resource, EncodedResource: tok.EncodedResource, KeyName: tok.KeyName,
		ExpiresAt: tok.Expiry.Format(time.RFC3339), Expired: tok.ExpiredAt(c.now()),
	}
	key, keySrc := c.secret(key, "key", envKey)
	if key != "" {
		ok, err := tok.Verify(key)
		if err != nil {
			return c.fieldError(keySrc, err)
		}
		out.SignatureValid = &ok
	}
	if asJSON {
		code = c.writeJSON(out)
	} else {
		code = c.printRows(decodeRows(out))
	}
	if code == 0 && out.SignatureValid != nil && !*out.SignatureValid {
		return 1
	}
	return code
}

func decodeRows(d sasDecodeJSON) [][2]string {
	keyName, status := d.KeyName, lang.L("valid")
	if keyName == "" {
		keyName = lang.L("(none: device or module key)")
	}
	if d.Expired {
		status = lang.L("expired")
	}
	rows := [][2]string{
		{lang.L("Resource"), d.Resource},
		{lang.L("Key name"), keyName},
		{lang.L("Expires at"), d.ExpiresAt},
		{lang.L("Status"), status},
	}
	if d.SignatureValid != nil {
		sig := lang.L("matches the key")
		if !*d.SignatureValid {
			sig = lang.L("does NOT match the key")
		}
		rows = append(rows, [2]string{lang.L("Signature"), sig})
	}
	return rows
}

// parseInterspersed parses flags that may come before or after the
// positional words ("decode TOKEN --key K").
func (c sasCommand) parseInterspersed(fs *flag.FlagSet, args []string) (words []string, code int, done bool) {
	for {
		if code, done := c.parseFlags(fs, args); done {
			return nil, code, true
		}
		if fs.NArg() == 0 {
			return words, 0, false
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readStdin reads the token, giving up when ctx ends.
func (c sasCommand) readStdin(ctx context.Context) (string, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(c.stdin, maxTokenBytes+1))
		done <- result{b, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-done:
		if r.err == nil && len(r.b) > maxTokenBytes {
			r.err = errors.New(lang.L("input is larger than 64 KiB"))
		}
		return string(r.b), r.err
	}
}
