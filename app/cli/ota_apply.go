package cli

import (
	"context"
	"errors"
	"flag"
	"time"
)

// otaApplyFlags registers "ota apply": a bundle over the USB cable. Not
// built yet in this build.
func otaApplyFlags(fs *flag.FlagSet) runFunc {
	fs.String("port", "", "serial port of the module's REPL")
	fs.Duration("online-timeout", 5*time.Minute, "how long the new version has to come online")
	fs.Bool("json", false, "print the result as JSON")
	return func(context.Context, *call, []string) error { return errors.New("ota apply: not built yet") }
}
