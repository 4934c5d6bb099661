package probe

// Error codes let callers branch on the kind of failure.
const (
	// CodeNoAnswer: the REPL round trip itself failed.
	CodeNoAnswer = "no_answer"
	// CodeNoResult: the module answered, but not with the probe's result.
	CodeNoResult = "no_result"
	// CodeMalformed: the result was cut short or is not the expected JSON.
	CodeMalformed = "malformed"
)

// Error is a probe failure a technician can act on. Message and NextStep
// are constant English phrases (translation keys); Detail holds the
// dynamic part, such as the module's own error text.
type Error struct {
	Code     string
	Message  string
	NextStep string
	Detail   string
	Err      error
}

// Phrase is what happened, a constant English sentence.
func (e *Error) Phrase() string { return e.Message }

// Advice is the next step, a constant English sentence.
func (e *Error) Advice() string { return e.NextStep }

func (e *Error) Error() string {
	s := e.Message
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.NextStep != "" {
		s += "; " + e.NextStep
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }
