// Package localeinit maps the "C.UTF-8" and "POSIX" locales of servers and
// containers to English before Fyne's lang package reads the locale.
//
// Fyne's lang package looks the locale up in its own init and logs three
// lines of "Error parsing user locale C" to stderr when it meets "C.UTF-8",
// which would break the one-line error output of every command. Go
// initializes packages in import-path order, so this package lives in a
// module whose path ("early.qpyhub/…") sorts before "fyne.io/…": its init
// runs first. It imports nothing but the standard library.
package localeinit

import (
	"os"
	"strings"
)

func init() { Settle(os.Getenv, os.Setenv) }

// Settle sets LANGUAGE=en when the effective locale is a C or POSIX
// variant and LANGUAGE is unset; a real locale is left alone.
func Settle(getenv func(string) string, setenv func(string, string) error) {
	if getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		if v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			_ = setenv("LANGUAGE", "en")
		}
		return
	}
}
