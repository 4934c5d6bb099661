package hubsim

import (
	"testing"
)

// FuzzContinuation feeds the x-ms-continuation header's parser anything:
// it never panics, refuses what the hub did not make, and reads back the
// device id of a token it made.
func FuzzContinuation(f *testing.F) {
	for _, seed := range []string{"", "abc", encodeContinuation("dev-001"), encodeContinuation("a'b\"c"), "cXB5aHViMTo"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		id, err := decodeContinuation(token)
		if err != nil {
			return
		}
		if token != "" && encodeContinuation(id) != token {
			t.Fatalf("token %q read as %q, which encodes as %q", token, id, encodeContinuation(id))
		}
	})
}
