package cli

import (
	"context"
	"flag"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/hubclient"
)

// answerTimeout bounds one automatic method answer.
const answerTimeout = 10 * time.Second

// monitorFlags registers the flags of "qpyhub monitor": it connects as the
// device and prints what the cloud sends until ctx ends (Ctrl+C),
// answering the methods named by --reply-method.
func monitorFlags(fs *flag.FlagSet) runFunc {
	var conn hubConnFlags
	conn.register(fs)
	asJSON := fs.Bool("json", false, lang.L("print one JSON object per line for each event"))
	replies := methodReplies{}
	fs.Var(replies, "reply-method", lang.L("answer calls of a method by itself: NAME=STATUS:JSON, for example reboot=200:{\"ok\":true} (repeatable)"))
	return func(ctx context.Context, c *call, _ []string) error {
		s, err := conn.connect(ctx, c)
		if err != nil {
			return err
		}
		defer s.Close()
		show := printEventText
		if *asJSON {
			show = printEventJSON
		}
		out := &outputWriter{w: c.stdout}
		return monitorEvents(ctx, c, s, replies, func(ev hubclient.Event) error {
			show(out, ev)
			return out.err
		})
	}
}

// monitorEvents prints events until ctx ends or the session stops. It
// fails when the session ended by itself (a pasted token expired, another
// connection took the device) or the output cannot be written. Once the
// output fails it stops reading, so the hub keeps the messages it could
// not print.
func monitorEvents(ctx context.Context, c *call, s *hubclient.Session, replies methodReplies, show func(hubclient.Event) error) error {
	var ended error
	for {
		select {
		case <-ctx.Done():
			s.Close()
			for ev := range s.Events() { // the final "disconnected"
				_ = show(ev)
			}
			return ended
		case ev, ok := <-s.Events():
			if !ok {
				return ended
			}
			if err := show(ev); err != nil {
				s.Close()
				for range s.Events() {
				}
				return outputFailed(err)
			}
			switch e := ev.(type) {
			case *hubclient.ConnectionState:
				if e.State == hubclient.StateExpired {
					ended = errSaid // the event printed says it
				}
				if e.State == hubclient.StateDisconnected && e.Reason == hubclient.ReasonDisplaced {
					c.note(lang.L(e.Reason))
					ended = errSaid
				}
			case *hubclient.MethodCall:
				if r, ok := replies[e.Name]; ok {
					answerMethod(ctx, c, s, e, r)
				}
			}
		}
	}
}

// answerMethod sends the canned answer; a failure is said and the
// monitor goes on.
func answerMethod(ctx context.Context, c *call, s *hubclient.Session, call *hubclient.MethodCall, r methodReply) {
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if err := s.AnswerMethod(ctx, call.RID, r.status, r.payload); err != nil {
		c.fail(failed(lang.L("Could not answer method {{.Name}}", map[string]any{"Name": quote(call.Name)}), err))
	}
}
