package explain

import (
	"context"
	"errors"
	"strings"
	"sync"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/provision"
	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/registry"
	"qpyhub/device/modfs"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
)

// Explanation is an error told to a technician.
type Explanation struct {
	What   string // what happened, translated
	Next   string // the next step, translated; "" when What says it
	Detail string // the error's own text less the phrase: the values, for the log and the curious
	// Field is the translated name of the input at fault, "" when the
	// error names none; What then begins with it.
	Field string
	bare  string // What without Field
}

// phrased is the error contract of the core packages.
type phrased interface {
	error
	Phrase() string
	Advice() string
}

// Explain finds what err is about and words it in the user's language.
// The outermost error of the chain that answers the contract, or is a
// known sentinel, speaks; an error it knows nothing of is told by its own
// text.
func Explain(err error) Explanation {
	if err == nil {
		return Explanation{}
	}
	hit := find(err)
	if hit == nil {
		return Explanation{What: err.Error()}
	}
	return explainHit(err, hit)
}

// Knows reports whether Explain has words for err, so a caller can give
// its own wording to an error it would otherwise show raw.
func Knows(err error) bool { return err != nil && find(err) != nil }

// Line is the command line's one-line form: "What: Next [Detail]".
func Line(err error) string { return Explain(err).Line() }

// Text is the window's form: What, then Next on its own line.
func Text(err error) string { return Explain(err).Text() }

// Line is x in one line: "What: Next [Detail]", leaving out what is empty.
func (x Explanation) Line() string {
	s := x.What
	if x.Next != "" {
		s += ": " + x.Next
	}
	if x.Detail != "" {
		s += " [" + x.Detail + "]"
	}
	return s
}

// Text is What, then Next on its own line when there is one.
func (x Explanation) Text() string {
	if x.Next == "" {
		return x.What
	}
	return x.What + "\n" + x.Next
}

// WithoutField is x as shown beside its field: What without the field's
// name, which the form already shows.
func (x Explanation) WithoutField() Explanation {
	if x.Field != "" {
		x.What, x.Field = x.bare, ""
	}
	return x
}

// explainHit words hit, the error found in err's chain.
func explainHit(err, hit error) Explanation {
	switch h := hit.(type) {
	case *cloud.FieldError:
		return fieldExplanation(err, h.Field, " ", h.Reason, h.Advice())
	case *provision.PlanError:
		return fieldExplanation(err, h.Field, ": ", h.Reason, h.Advice())
	case *probe.Error:
		// A check that got no answer says only that; the round trip's own
		// error (a busy, vanished or silent port) says why, and the next
		// step depends on it.
		if h.Code == probe.CodeNoAnswer {
			if inner := find(h.Err); inner != nil {
				return explainHit(h.Err, inner)
			}
		}
	}
	switch hit {
	case context.Canceled:
		return Explanation{What: lang.L("Cancelled")}
	case context.DeadlineExceeded:
		return Explanation{What: lang.L("No answer in time: check the connection and try again.")}
	case hubclient.ErrClosed:
		return Explanation{What: lang.L("Not connected: connect first.")}
	}
	if p, ok := hit.(phrased); ok {
		phrase, advice := p.Phrase(), p.Advice()
		return Explanation{What: lang.L(phrase), Next: translate(advice), Detail: detail(err.Error(), phrase, advice)}
	}
	phrase := hit.Error() // a sentinel: its text is its phrase
	return Explanation{What: lang.L(phrase), Detail: detail(err.Error(), phrase, "")}
}

// fieldExplanation words an error about one input: its name, then the
// reason, as the error itself reads in English.
func fieldExplanation(err error, field, sep, reason, advice string) Explanation {
	name := lang.L(field)
	x := Explanation{What: name + sep + lang.L(reason), Next: translate(advice), Field: name, bare: lang.L(reason)}
	x.Detail = detail(err.Error(), field+sep+reason, advice)
	return x
}

func translate(s string) string {
	if s == "" {
		return ""
	}
	return lang.L(s)
}

// find walks err's chain outermost first, as errors.As does, and returns
// the first error Explain has words for, or nil.
func find(err error) error {
	for err != nil {
		if known(err) {
			return err
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if hit := find(e); hit != nil {
					return hit
				}
			}
			return nil
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return nil
		}
	}
	return nil
}

// known reports whether err itself, not its causes, has words here.
func known(err error) bool {
	if _, ok := err.(phrased); ok {
		return true
	}
	switch err {
	case context.Canceled, context.DeadlineExceeded, hubclient.ErrClosed:
		return true
	}
	return sentinelPhrases()[err.Error()] && isLeaf(err)
}

// isLeaf reports whether err wraps nothing: a sentinel made by
// errors.New, not a wrapper that happens to read like one.
func isLeaf(err error) bool {
	_, many := err.(interface{ Unwrap() []error })
	return errors.Unwrap(err) == nil && !many
}

// sentinelPhrases are the texts of the core packages' sentinel errors,
// each a constant English phrase of its own.
var sentinelPhrases = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, list := range [][]string{repl.Phrases(), modfs.Phrases(), registry.Reasons(), provision.Phrases()} {
		for _, p := range list {
			set[p] = true
		}
	}
	return set
})

// detail is the error's text less what What and Next already say: the
// rest when the text begins or ends with the phrase (one pair of brackets
// round it dropped), else the text with the phrase cut to "…".
func detail(text, phrase, advice string) string {
	if advice != "" {
		text = strings.TrimSuffix(text, "; "+advice)
	}
	before, after, found := strings.Cut(text, phrase)
	before, after = strings.TrimRight(before, " :;"), strings.TrimLeft(after, " :;")
	switch {
	case !found:
		return text
	case before == "":
		return unbracket(after)
	case after == "":
		return before
	}
	return strings.Replace(text, phrase, "…", 1)
}

// unbracket drops one pair of brackets round the whole of s.
func unbracket(s string) string {
	for _, pair := range []string{"()", "[]"} {
		open, end := pair[:1], pair[1:]
		if strings.HasPrefix(s, open) && strings.HasSuffix(s, end) && strings.Count(s, open) == 1 {
			return s[1 : len(s)-1]
		}
	}
	return s
}
