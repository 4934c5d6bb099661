package cli

import (
	"context"
	"errors"
	"flag"
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

// sasDecodeFlags registers the flags of "qpyhub sas decode": it shows
// what a pasted token grants and until when, and with --key whether it
// was signed with that key. A signature that does not match fails after
// printing, so scripts can rely on the status.
func sasDecodeFlags(fs *flag.FlagSet) runFunc {
	key := fs.String("key", "", lang.L("key to check the signature with, base64 (or set QPYHUB_KEY)"))
	asJSON := fs.Bool("json", false, lang.L("print one JSON object"))
	return func(ctx context.Context, c *call, words []string) error {
		return sasCommand{c}.decode(ctx, words, *key, *asJSON)
	}
}

func (c sasCommand) decode(ctx context.Context, words []string, key string, asJSON bool) error {
	text := strings.Join(words, " ")
	if text == "-" {
		var err error
		if text, err = c.readStdin(ctx); err != nil {
			return failed(lang.L("cannot read the token from standard input"), err)
		}
	}
	tok, err := cloud.ParseSASToken(text)
	if err != nil {
		return fieldError("TOKEN", err)
	}
	out := sasDecodeJSON{
		Resource: tok.Resource, EncodedResource: tok.EncodedResource, KeyName: tok.KeyName,
		ExpiresAt: tok.Expiry.Format(time.RFC3339), Expired: tok.ExpiredAt(c.now()),
	}
	key, keySrc := c.secret(key, "key", envKey)
	if key != "" {
		ok, err := tok.Verify(key)
		if err != nil {
			return fieldError(keySrc, err)
		}
		out.SignatureValid = &ok
	}
	if asJSON {
		err = writeJSON(c.stdout, out)
	} else {
		err = c.printRows(decodeRows(out))
	}
	if err == nil && out.SignatureValid != nil && !*out.SignatureValid {
		return errSaid // the output says the signature does not match
	}
	return err
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
