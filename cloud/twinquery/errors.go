package twinquery

import "fmt"

// SyntaxError is a query the parser cannot read. Reason is a constant
// English phrase, Pos the byte offset where reading stopped.
type SyntaxError struct {
	Pos    int
	Reason string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("query: %s at character %d", e.Reason, e.Pos+1)
}
