package cli

const (
	phraseLocalRead  = "Could not read the local file: check its name and permissions"
	phraseLocalWrite = "Could not write the local file: check the folder and free space"
)

// localFileError is a failure on the computer's side of a copy.
type localFileError struct {
	phrase string
	err    error
}

func (e *localFileError) Error() string  { return e.phrase + " (" + e.err.Error() + ")" }
func (e *localFileError) Phrase() string { return e.phrase }
func (e *localFileError) Unwrap() error  { return e.err }
