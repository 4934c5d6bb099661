package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/hubclient"
)

// sendFlags registers the flags of "qpyhub send": it connects as the
// device, sends one telemetry message and ends once the hub acknowledged
// it.
func sendFlags(fs *flag.FlagSet) runFunc {
	var conn hubConnFlags
	conn.register(fs)
	propsFlag := fs.String("properties", "", lang.L("application properties: key=value,key2=value2"))
	contentType := fs.String("content-type", "", lang.L("content type of the payload, for example application/json (sets $.ct and $.ce=utf-8)"))
	timeout := fs.Duration("timeout", 30*time.Second, lang.L("give up when the hub has not acknowledged within this time"))
	return func(ctx context.Context, c *call, words []string) error {
		props, bad := parseProperties(*propsFlag)
		if bad != "" {
			return badArg("--properties", lang.L("has a part without key=value:")+" "+quote(bad))
		}
		if err := checkPositive("--timeout", *timeout, "30s"); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		s, err := conn.connect(ctx, c)
		if err != nil {
			return err
		}
		defer s.Close()
		var sys hubclient.SystemProperties
		if *contentType != "" {
			sys.ContentType, sys.ContentEncoding = *contentType, "utf-8"
		}
		if err := s.SendTelemetry(ctx, []byte(words[0]), props, sys); err != nil {
			return failedUnlessKnown(lang.L("the hub did not acknowledge the message"), err)
		}
		fmt.Fprintln(c.stdout, lang.L("Sent; the hub acknowledged the message."))
		return nil
	}
}

// parseProperties reads "k=v,k2=v2"; bad is the first part without a key.
func parseProperties(s string) (props map[string]string, bad string) {
	props = map[string]string{}
	if s == "" {
		return props, ""
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, part
		}
		props[k] = v
	}
	return props, ""
}
