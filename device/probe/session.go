package probe

import (
	"context"
	"errors"

	"qpyhub/device/repl"
)

// OverSession runs the probe over an open REPL session. An exception
// raised by the script is no transport failure: Run then reads what the
// module printed and says what went wrong.
func OverSession(s *repl.Session) Executor {
	return ExecFunc(func(ctx context.Context, code string) (string, string, error) {
		res, err := s.Exec(ctx, code)
		var pe *repl.PythonError
		if errors.As(err, &pe) {
			return res.Stdout, res.Stderr, nil
		}
		return res.Stdout, res.Stderr, err
	})
}
